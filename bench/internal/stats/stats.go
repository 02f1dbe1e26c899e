package stats

import (
	"cmp"
	"math"
	"slices"
)

// Median returns the median of xs (the mean of the middle two when their
// number is even), or NaN when xs is empty. xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Spread returns (max - min) / median of xs, the relative width of the
// range of the rounds, or NaN when xs is empty or its median is 0.
func Spread(xs []float64) float64 {
	m := Median(xs)
	if len(xs) == 0 || m == 0 {
		return math.NaN()
	}
	return (slices.Max(xs) - slices.Min(xs)) / m
}

// Percentile returns the p-th percentile (0 <= p <= 100) of sorted, by the
// nearest-rank method: the smallest value that at least p % of the values
// are less than or equal to. It returns the zero value when sorted is
// empty.
func Percentile[T cmp.Ordered](sorted []T, p float64) T {
	var zero T
	if len(sorted) == 0 {
		return zero
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}
