package autobahn

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatchCase(t *testing.T) {
	tests := []struct {
		pattern, id string
		want        bool
	}{
		{"*", "6.4.1", true},
		{"1.1.1", "1.1.1", true},
		{"1.1.1", "1.1.10", false},
		{"1*", "10.1.1", true},
		{"1*", "13.7.18", true},
		{"1.*", "10.1.1", false},
		{"6.1*", "6.1.3", true},
		{"6.1*", "6.13.2", true},
		{"6.1*", "6.2.1", false},
		{"6.4.*", "6.4.4", true},
		{"6?4.1", "6.4.1", false},
		{"6.4.1", "6x4x1", false},
		{"6.4*", "6x4", false}, // "." is literal
	}
	for _, tc := range tests {
		if got := MatchCase(tc.pattern, tc.id); got != tc.want {
			t.Errorf("MatchCase(%q, %q) = %v, want %v", tc.pattern, tc.id, got, tc.want)
		}
	}
}

func TestSelect(t *testing.T) {
	ids := func(cs []*Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	got, err := Select([]string{"6.4.*", "2.1", "1.1.1"}, []string{"6.4.2"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1.1.1", "2.1", "6.4.1", "6.4.3", "6.4.4"}, ids(got)); diff != "" {
		t.Errorf("Select (-want +got):\n%s", diff)
	}
	all, err := Select(nil, nil)
	if err != nil || len(all) != CaseCount {
		t.Errorf("Select(nil, nil) = %d cases, %v; want %d", len(all), err, CaseCount)
	}
	no12, _ := Select([]string{"*"}, []string{"12.*", "13.*"})
	if len(no12) != CaseCount-216 {
		t.Errorf("Select excluding 12 and 13 = %d cases, want %d", len(no12), CaseCount-216)
	}
	if _, err := Select([]string{"99.*"}, nil); !errors.Is(err, ErrNoCases) {
		t.Errorf("Select(99.*) err = %v, want ErrNoCases", err)
	}
	if diff := cmp.Diff([]string{"1.*", "6.4.*"}, SplitPatterns(" 1.*, ,6.4.* ")); diff != "" {
		t.Errorf("SplitPatterns (-want +got):\n%s", diff)
	}
}

func TestExcludedForAgent(t *testing.T) {
	m := map[string][]string{"Py*": {"6.4.*", "7.1.5"}}
	tests := []struct {
		agent, id string
		want      bool
	}{
		{"Python", "6.4.1", true},
		{"Python", "7.1.5", true},
		{"Python", "7.1.50", false},
		{"xPython", "6.4.1", false},
		{"Python", "6.5.1", false},
	}
	for _, tc := range tests {
		if got := excludedForAgent(m, tc.agent, tc.id); got != tc.want {
			t.Errorf("excludedForAgent(%q, %q) = %v, want %v", tc.agent, tc.id, got, tc.want)
		}
	}
}
