package autobahn

import (
	"fmt"
	"sort"
	"strings"
)

// Category folds a result's two verdicts into the one word CI counts:
//
//   - INFORMATIONAL when behavior is INFORMATIONAL;
//   - FAILED when behavior is FAILED or behaviorClose is FAILED or UNCLEAN;
//   - UNIMPLEMENTED when behavior is UNIMPLEMENTED;
//   - NON-STRICT when behavior is NON-STRICT or behaviorClose is WRONG CODE
//     or FAILED BY CLIENT (the original report shows both close verdicts
//     as "almost" passes);
//   - OK otherwise.
func Category(r Result) string {
	switch {
	case r.Behavior == Informational:
		return Informational
	case r.Behavior == Failed, r.BehaviorClose == Failed, r.BehaviorClose == Unclean:
		return Failed
	case r.Behavior == Unimplemented:
		return Unimplemented
	case r.Behavior == NonStrict, r.BehaviorClose == WrongCode, r.BehaviorClose == FailedByClient:
		return NonStrict
	}
	return OK
}

// Summary counts results by [Category].
type Summary struct {
	Total, OK, Informational, NonStrict, Unimplemented, Failed int
}

// Summarize counts results.
func Summarize(results []Result) Summary {
	var s Summary
	for _, r := range results {
		s.add(Category(r))
	}
	return s
}

func (s *Summary) add(cat string) {
	s.Total++
	switch cat {
	case OK:
		s.OK++
	case Informational:
		s.Informational++
	case NonStrict:
		s.NonStrict++
	case Unimplemented:
		s.Unimplemented++
	default:
		s.Failed++
	}
}

// String is the one-line summary for CI, e.g. "517 cases: 510 OK, 7
// INFORMATIONAL, 0 NON-STRICT, 0 UNIMPLEMENTED, 0 FAILED".
func (s Summary) String() string {
	return fmt.Sprintf("%d cases: %d OK, %d INFORMATIONAL, %d NON-STRICT, %d UNIMPLEMENTED, %d FAILED",
		s.Total, s.OK, s.Informational, s.NonStrict, s.Unimplemented, s.Failed)
}

// Fail levels for [Summary.Fails].
const (
	FailOnStrict = "strict" // FAILED, NON-STRICT or UNIMPLEMENTED fail the run
	FailOnFailed = "failed" // only FAILED fails the run
	FailOnNone   = "none"   // nothing fails the run
)

// Fails reports whether the counts fail a run at the given level.
func (s Summary) Fails(level string) bool {
	switch level {
	case FailOnNone:
		return false
	case FailOnFailed:
		return s.Failed > 0
	}
	return s.Failed > 0 || s.NonStrict > 0 || s.Unimplemented > 0
}

// Section returns the section of a case id ("6" for "6.4.1").
func Section(id string) string {
	sec, _, _ := strings.Cut(id, ".")
	return sec
}

// SectionSummary is the summary of one section.
type SectionSummary struct {
	Section string
	Summary
}

// SummarizeSections counts results per section, in section order.
func SummarizeSections(results []Result) []SectionSummary {
	m := map[string]*Summary{}
	for _, r := range results {
		sec := Section(r.ID)
		if m[sec] == nil {
			m[sec] = &Summary{}
		}
		m[sec].add(Category(r))
	}
	out := make([]SectionSummary, 0, len(m))
	for sec, s := range m {
		out = append(out, SectionSummary{Section: sec, Summary: *s})
	}
	sort.Slice(out, func(i, j int) bool { return sectionLess(out[i].Section, out[j].Section) })
	return out
}

// sectionLess orders section numbers numerically.
func sectionLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
