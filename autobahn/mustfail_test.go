package autobahn

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// verdict is a case's pair of verdicts.
type verdict struct{ Behavior, Close string }

var (
	vOK     = verdict{OK, OK}
	vFailed = verdict{Failed, Failed}
	vInfo   = verdict{Informational, Informational}
)

// runPeer runs cases against the in-process test peer with the given
// flaws, as a server (F in client mode) or as a client (F in server mode),
// and returns the verdicts by case id.
func runPeer(t *testing.T, fl flaws, serverMode bool, cases []string) map[string]verdict {
	t.Helper()
	var results []Result
	if serverMode {
		srv, err := NewServer(&ServerOptions{Cases: cases})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if err := runTestPeerClient(srv.URL(), "testpeer", fl); err != nil {
			t.Errorf("test peer client: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("Server.Close: %v", err)
		}
		results = srv.Results()
	} else {
		url := startPeerServer(t, fl)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		var err error
		results, err = RunClient(ctx, url, &ClientOptions{Agent: "testpeer", Cases: cases})
		if err != nil {
			t.Fatalf("RunClient: %v", err)
		}
	}
	got := map[string]verdict{}
	for _, r := range results {
		got[r.ID] = verdict{r.Behavior, r.BehaviorClose}
	}
	return got
}

// TestMustFail checks that deliberately broken peers get exactly the
// verdicts the catalogue gives for the cases that catch their bug, in both
// modes, and that a correct peer passes the same cases. A checker that
// passes everything is worthless.
func TestMustFail(t *testing.T) {
	tests := []struct {
		name   string
		fl     flaws
		want   map[string]verdict
		server map[string]verdict // overrides in fuzzing server mode
	}{{
		name: "acceptsInvalidUTF8",
		fl:   flaws{invalidUTF8: true},
		want: map[string]verdict{
			"6.3.1": vFailed, "6.3.2": vFailed, "6.4.1": vFailed, "6.4.3": vFailed,
			"6.6.1": vFailed, "6.8.1": vFailed, "6.20.1": vFailed, "6.5.1": vOK,
			"7.5.1": {Failed, WrongCode},
		},
	}, {
		name: "echoesReservedOpcodes",
		fl:   flaws{echoReserved: true},
		want: map[string]verdict{
			"4.1.1": {OK, Failed}, "4.1.2": {OK, Failed}, "4.1.3": vFailed,
			"4.2.1": {OK, Failed}, "4.2.4": vFailed, "1.1.1": vOK,
		},
	}, {
		name: "neverAnswersClose",
		fl:   flaws{ignoreClose: true},
		want: map[string]verdict{
			"1.1.1": {OK, Unclean}, "2.1": {OK, Unclean}, "7.7.1": {OK, Unclean},
			"7.3.2": {OK, FailedByClient},
		},
		server: map[string]verdict{"7.3.2": vOK},
	}, {
		name: "acceptsRSV",
		fl:   flaws{acceptRSV: true},
		want: map[string]verdict{
			"3.1": vFailed, "3.2": vFailed, "3.5": vFailed, "3.7": {OK, WrongCode},
		},
	}, {
		name: "validatesUTF8AtMessageEnd",
		fl:   flaws{utf8AtEnd: true},
		want: map[string]verdict{
			"6.4.1": {NonStrict, OK}, "6.4.2": {NonStrict, OK}, "6.4.3": {NonStrict, OK}, "6.4.4": {NonStrict, OK},
			"6.3.1": vOK, "6.3.2": vOK,
		},
	}, {
		name: "ignoresWindowBits",
		fl:   flaws{ignoreWindow: true},
		want: map[string]verdict{
			"13.3.1": vFailed, "13.5.4": vFailed, "13.1.1": vOK,
		},
	}}
	for _, tc := range tests {
		for _, serverMode := range []bool{false, true} {
			mode := "fuzzingclient"
			if serverMode {
				mode = "fuzzingserver"
			}
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				want := map[string]verdict{}
				var ids []string
				for id, v := range tc.want {
					want[id] = v
					ids = append(ids, id)
				}
				if serverMode {
					for id, v := range tc.server {
						want[id] = v
					}
				}
				got := runPeer(t, tc.fl, serverMode, ids)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("verdicts (-want +got):\n%s", diff)
				}
				// The same cases against the correct peer all pass.
				good := runPeer(t, flaws{}, serverMode, ids)
				retryMismatches(t, serverMode, good, func(string) verdict { return vOK })
				for id, v := range good {
					if v != vOK {
						t.Errorf("correct peer: %s = %v, want %v", id, v, vOK)
					}
				}
			})
		}
	}
}

// retryMismatches runs again, up to twice, the cases where the correct
// peer got another verdict than want's, and records the new verdicts in
// got. The catalogue's timers are real (a close must be answered within
// 1 s), so a correct peer on a starved machine can miss one now and then;
// a real deviation repeats. Only the correct peer is retried: a broken
// peer's verdicts do not depend on timing.
func retryMismatches(t *testing.T, serverMode bool, got map[string]verdict, want func(id string) verdict) {
	t.Helper()
	for range 2 {
		var again []string
		for id, v := range got {
			if v != want(id) {
				again = append(again, id)
			}
		}
		if len(again) == 0 {
			return
		}
		slices.Sort(again)
		t.Logf("correct peer: running %v again (verdicts off on a loaded machine?)", again)
		for id, v := range runPeer(t, flaws{}, serverMode, again) {
			got[id] = v
		}
	}
}

// correctPeerCases are the cases the correct peer runs in
// TestCorrectPeer: every case of sections 1-7 and 10 and the first rows of
// 9, 12 and 13, which exercise the same code with less data.
var correctPeerCases = []string{
	"1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*",
	"9.1.1", "9.2.1", "9.3.1", "9.4.1", "9.5.1", "9.6.1", "9.7.1", "9.8.1",
	"12.1.1", "12.2.1", "12.3.1", "12.4.1", "12.5.1", "12.1.11",
	"13.1.1", "13.2.1", "13.3.1", "13.4.1", "13.5.1", "13.6.1", "13.7.1", "13.3.4", "13.5.4",
}

// TestCorrectPeer checks that a strict raw echo peer passes: every case
// OK except the INFORMATIONAL 7.1.6, 7.13.1 and 7.13.2.
func TestCorrectPeer(t *testing.T) {
	if testing.Short() {
		t.Skip("long run; go test without -short runs it")
	}
	for _, serverMode := range []bool{false, true} {
		name := "fuzzingclient"
		if serverMode {
			name = "fuzzingserver"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := runPeer(t, flaws{}, serverMode, correctPeerCases)
			sel, err := Select(correctPeerCases, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(sel) {
				t.Errorf("got %d results, want %d", len(got), len(sel))
			}
			want := func(id string) verdict {
				if CaseByID(id).hook == hookInformational {
					return vInfo
				}
				return vOK
			}
			retryMismatches(t, serverMode, got, want)
			for _, c := range sel {
				if got[c.ID] != want(c.ID) {
					t.Errorf("%s = %v, want %v", c.ID, got[c.ID], want(c.ID))
				}
			}
		})
	}
}
