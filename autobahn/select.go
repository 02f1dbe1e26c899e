package autobahn

import (
	"fmt"
	"regexp"
	"strings"
)

// SplitPatterns splits a comma-separated pattern list such as
// "1.*,6.4.*" into trimmed, non-empty patterns.
func SplitPatterns(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// patternRegexp turns a case pattern into a regular expression (catalogue
// §1.10): "." is literal and "*" matches anything. The expression is
// anchored at the start; anchorEnd also anchors it at the end.
func patternRegexp(p string, anchorEnd bool) *regexp.Regexp {
	parts := strings.Split(p, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	expr := "^" + strings.Join(parts, ".*")
	if anchorEnd {
		expr += "$"
	}
	return regexp.MustCompile(expr)
}

// MatchCase reports whether case id matches pattern p as the original
// suite matches "cases" and "exclude-cases": a pattern with "*" is a
// prefix match ("1*" selects 10.x, 12.x and 13.x too), one without is an
// exact id.
func MatchCase(p, id string) bool {
	if !strings.Contains(p, "*") {
		return p == id
	}
	return patternRegexp(p, false).MatchString(id)
}

// Select returns the cases matched by any include pattern (all cases when
// include is empty) and by no exclude pattern, in catalogue order.
func Select(include, exclude []string) ([]*Case, error) {
	if len(include) == 0 {
		include = []string{"*"}
	}
	var out []*Case
	for _, c := range Cases() {
		if matchAny(include, c.ID) && !matchAny(exclude, c.ID) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: cases %q, exclude %q", ErrNoCases, include, exclude)
	}
	return out, nil
}

// matchAny reports whether id matches one of the patterns.
func matchAny(patterns []string, id string) bool {
	for _, p := range patterns {
		if MatchCase(p, id) {
			return true
		}
	}
	return false
}

// excludedForAgent reports whether exclude-agent-cases (agent pattern to
// case patterns, both anchored at both ends) excludes case id for agent.
func excludedForAgent(m map[string][]string, agent, id string) bool {
	for ap, cps := range m {
		if !patternRegexp(ap, true).MatchString(agent) {
			continue
		}
		for _, cp := range cps {
			if patternRegexp(cp, true).MatchString(id) {
				return true
			}
		}
	}
	return false
}
