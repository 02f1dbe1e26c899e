package stats

import (
	"math"
	"testing"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{5, 5, 1, 9, 5}, 5},
	}
	for _, tc := range tests {
		if got := Median(tc.in); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %v, want NaN", got)
	}
	in := []float64{3, 1, 2}
	Median(in)
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Errorf("Median modified its input: %v", in)
	}
}

func TestSpread(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{10, 10, 10}, 0},
		{[]float64{9, 10, 11}, 0.2},
		{[]float64{100, 50, 150, 100}, 1},
	}
	for _, tc := range tests {
		if got := Spread(tc.in); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Spread(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, in := range [][]float64{nil, {0, 0}} {
		if got := Spread(in); !math.IsNaN(got) {
			t.Errorf("Spread(%v) = %v, want NaN", in, got)
		}
	}
}

func TestPercentile(t *testing.T) {
	hundred := make([]int64, 100)
	for i := range hundred {
		hundred[i] = int64(i + 1)
	}
	tests := []struct {
		in   []int64
		p    float64
		want int64
	}{
		{hundred, 50, 50},
		{hundred, 99, 99},
		{hundred, 100, 100},
		{hundred, 0, 1},
		{[]int64{7}, 99, 7},
		{[]int64{1, 2, 3}, 50, 2},
		{[]int64{1, 2, 3, 4}, 99, 4},
		{nil, 50, 0},
	}
	for _, tc := range tests {
		if got := Percentile(tc.in, tc.p); got != tc.want {
			t.Errorf("Percentile(%d values, %v) = %v, want %v", len(tc.in), tc.p, got, tc.want)
		}
	}
}
