package autobahn

import "testing"

func TestJudge(t *testing.T) {
	hello := []Event{msgText([]byte(hello))}
	clean := closeState{handshakeOK: true, closedByMe: true, clean: true, remoteCloseCode: 1000}
	peerFailed := closeState{handshakeOK: true, clean: true, remoteCloseCode: 1002}
	with := func(st closeState, f func(*closeState)) closeState { f(&st); return st }
	tests := []struct {
		name         string
		id           string
		received     []Event
		custom       string
		st           closeState
		wantB, wantC string
	}{
		{"echo ok", "1.1.1", []Event{msgText(rep('*', 0))}, "", clean, OK, OK},
		{"no echo", "1.1.1", nil, "", clean, Failed, OK},
		{"wrong type", "1.1.1", []Event{msgBin(rep('*', 0))}, "", clean, Failed, OK},
		{"handshake failed", "1.1.1", nil, "", closeState{}, Failed, Failed},
		{"unclean", "1.1.1", []Event{msgText(rep('*', 0))}, "", with(clean, func(s *closeState) { s.clean = false }), OK, Unclean},
		{"wrong endpoint", "1.1.1", []Event{msgText(rep('*', 0))}, "", with(clean, func(s *closeState) { s.closedByMe = false }), OK, Failed},
		{"empty close passes", "7.3.1", []Event{}, "", with(clean, func(s *closeState) { s.remoteCloseCode = -1 }), OK, OK},
		{"echoed code", "7.7.3", []Event{}, "", with(clean, func(s *closeState) { s.remoteCloseCode = 1002 }), OK, OK},
		{"wrong code fails 7.x", "7.7.3", []Event{}, "", with(clean, func(s *closeState) { s.remoteCloseCode = 1001 }), Failed, WrongCode},
		{"wrong code in 2.x", "2.1", []Event{pong([]byte{})}, "", with(clean, func(s *closeState) { s.remoteCloseCode = 1001 }), OK, WrongCode},
		{"client had to drop", "1.1.1", []Event{msgText(rep('*', 0))}, "", with(clean, func(s *closeState) { s.droppedByMe = true }), OK, FailedByClient},
		{"server drops by design", "1.1.1", []Event{msgText(rep('*', 0))}, "", with(clean, func(s *closeState) { s.droppedByMe, s.isServer = true, true }), OK, OK},
		{"peer fails", "4.1.1", []Event{}, "", peerFailed, OK, OK},
		{"peer fails by drop", "4.1.1", []Event{}, "", closeState{handshakeOK: true, remoteCloseCode: -1}, OK, OK},
		{"peer ignores violation", "4.1.1", []Event{}, "", with(clean, func(s *closeState) { s.remoteCloseCode = 1001 }), OK, Failed},
		{"non-strict", "3.2", []Event{}, "", peerFailed, NonStrict, OK},
		{"strict", "3.2", hello, "", peerFailed, OK, OK},
		{"pong after violation", "3.2", append(hello, pong([]byte{})), "", peerFailed, Failed, OK},
		{"6.4 fail fast", "6.4.1", []Event{timeout("A")}, "", peerFailed, OK, WrongCode},
		{"6.4 at end", "6.4.1", []Event{timeout("A"), timeout("B")}, "", with(peerFailed, func(s *closeState) { s.remoteCloseCode = 1007 }), NonStrict, OK},
		{"6.4 too early", "6.4.1", []Event{}, "", with(peerFailed, func(s *closeState) { s.remoteCloseCode = 1007 }), Failed, OK},
		{"fatal wrong endpoint", "6.3.1", []Event{}, "", clean, Failed, Failed},
		{"informational", "7.13.1", nil, "", closeState{handshakeOK: true}, Informational, Informational},
		{"custom logic", "9.1.1", nil, OK, clean, OK, OK},
		{"custom logic unimplemented", "12.1.1", nil, Unimplemented, clean, Unimplemented, OK},
		{"frame counts right", "10.1.1", []Event{msgText(rep('*', 65536))}, "", with(clean, func(s *closeState) { s.txText, s.txCont = 1, 50 }), OK, OK},
		{"frame counts wrong", "10.1.1", []Event{msgText(rep('*', 65536))}, "", with(clean, func(s *closeState) { s.txText, s.txCont = 1, 51 }), Failed, OK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, c := judge(CaseByID(tc.id), tc.received, tc.custom, tc.st)
			if b != tc.wantB || c != tc.wantC {
				t.Errorf("judge(%s) = %q, %q; want %q, %q", tc.id, b, c, tc.wantB, tc.wantC)
			}
		})
	}
}

func TestValidWireCloseCode(t *testing.T) {
	valid := []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}
	invalid := []int{0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535}
	for _, c := range valid {
		if !validWireCloseCode(c) {
			t.Errorf("validWireCloseCode(%d) = false, want true", c)
		}
	}
	for _, c := range invalid {
		if validWireCloseCode(c) {
			t.Errorf("validWireCloseCode(%d) = true, want false", c)
		}
	}
}

func TestCategory(t *testing.T) {
	tests := []struct{ b, c, want string }{
		{OK, OK, OK},
		{NonStrict, OK, NonStrict},
		{OK, WrongCode, NonStrict},
		{OK, FailedByClient, NonStrict},
		{OK, Unclean, Failed},
		{OK, Failed, Failed},
		{Failed, OK, Failed},
		{NonStrict, Unclean, Failed},
		{Unimplemented, OK, Unimplemented},
		{Unimplemented, Unclean, Failed},
		{Informational, Informational, Informational},
	}
	for _, tc := range tests {
		if got := Category(Result{Behavior: tc.b, BehaviorClose: tc.c}); got != tc.want {
			t.Errorf("Category(%s, %s) = %s, want %s", tc.b, tc.c, got, tc.want)
		}
	}
}

func TestSummary(t *testing.T) {
	rs := []Result{
		{ID: "1.1.1", Behavior: OK, BehaviorClose: OK},
		{ID: "6.4.1", Behavior: NonStrict, BehaviorClose: OK},
		{ID: "7.13.1", Behavior: Informational, BehaviorClose: Informational},
		{ID: "10.1.1", Behavior: OK, BehaviorClose: OK},
		{ID: "12.1.1", Behavior: Unimplemented, BehaviorClose: OK},
		{ID: "2.1", Behavior: Failed, BehaviorClose: OK},
	}
	s := Summarize(rs)
	if got, want := s.String(), "6 cases: 2 OK, 1 INFORMATIONAL, 1 NON-STRICT, 1 UNIMPLEMENTED, 1 FAILED"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	for level, want := range map[string]bool{FailOnStrict: true, FailOnFailed: true, FailOnNone: false} {
		if got := s.Fails(level); got != want {
			t.Errorf("Fails(%s) = %v, want %v", level, got, want)
		}
	}
	ok := Summarize(rs[:1])
	if ok.Fails(FailOnStrict) {
		t.Error("all-OK summary fails")
	}
	ns := Summarize(rs[1:2])
	if !ns.Fails(FailOnStrict) || ns.Fails(FailOnFailed) {
		t.Error("NON-STRICT must fail strict runs only")
	}
	var order []string
	for _, sec := range SummarizeSections(rs) {
		order = append(order, sec.Section)
	}
	if got := order; len(got) != 6 || got[0] != "1" || got[3] != "7" || got[4] != "10" || got[5] != "12" {
		t.Errorf("section order = %v", got)
	}
}
