package autobahn

import (
	"sync"
	"time"
)

// CaseCount is the number of cases in the catalogue.
const CaseCount = 517

var (
	catalogueOnce sync.Once
	catalogue     []*Case
	caseByID      map[string]*Case
)

// Cases returns the whole catalogue in order: Cases()[i].N == i+1. The
// cases are shared and must not be modified.
func Cases() []*Case {
	catalogueOnce.Do(func() {
		var all []*Case
		for _, f := range []func() []*Case{framingCases, pingCases, rsvCases, opcodeCases,
			fragmentationCases, utf8Cases, closeCases, limitCases, autoFragCases, deflateCases} {
			all = append(all, f()...)
		}
		caseByID = make(map[string]*Case, len(all))
		for i, c := range all {
			c.N = i + 1
			if c.limit == 0 {
				c.limit = defaultCaseLimit
			}
			if c.Expected == nil {
				c.Expected = []Outcome{}
			}
			caseByID[c.ID] = c
		}
		catalogue = all
	})
	return catalogue
}

// CaseByID returns the case with the given dotted id, or nil.
func CaseByID(id string) *Case {
	Cases()
	return caseByID[id]
}

// defaultCaseLimit is the time a case of sections 1-7 and 10 may take
// before [CaseGrace] starts counting: its longest timer chain is 3 s.
const defaultCaseLimit = 5 * time.Second

// CaseGrace is how long a case may outlive its time limit (the longest
// timer of sections 1-7 and 10, or T in 9, 12 and 13) before F drops TCP
// and ends it; the original suite would wait forever.
const CaseGrace = 10 * time.Second
