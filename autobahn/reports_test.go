package autobahn

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixedSession builds a finished session with deterministic contents, as
// if case id had run.
func fixedSession(id string, isServer bool, fill func(s *session)) *session {
	s := newSession(CaseByID(id), nil, nil, newCountingReader(nil), isServer, nil)
	s.w = &writer{octets: map[int]int{}}
	s.started = time.Date(2025, 10, 1, 12, 0, 0, 123e6, time.UTC)
	s.ended = s.started.Add(1234567 * time.Microsecond)
	s.state = stateClosed
	fill(s)
	return s
}

// goldenResults are the results the golden files are made from.
func goldenResults() []Result {
	echo := fixedSession("1.1.2", false, func(s *session) {
		p := rep('*', 125)
		s.txFrames = map[int]int{1: 1, 8: 1}
		s.rxFrames = map[int]int{1: 1, 8: 1}
		s.rx.octets = map[int]int{129: 1, 4: 1}
		s.w.octets = map[int]int{131: 1, 8: 1}
		s.logFrameMode("TF", Frame{Fin: true, Opcode: OpText, Masked: true, Payload: p}, plain)
		s.logFrame("RF", Frame{Fin: true, Opcode: OpText, Payload: p})
		s.record(msgText(p))
		s.closedByMe, s.wasClean, s.localCloseCode, s.remoteCloseCode = true, true, 1000, 1000
	})
	utf := fixedSession("6.4.1", false, func(s *session) {
		s.record(timeout("A"))
		s.record(timeout("B"))
		s.logFrameMode("TF", Frame{Opcode: OpText, Masked: true, Payload: x4[:11]}, plain)
		s.log.add("TI", "kill timer: failing connection")
		s.wasClean, s.localCloseCode, s.remoteCloseCode, s.remoteCloseReason = true, 1000, 1007, "invalid UTF-8"
	})
	unclean := fixedSession("7.7.1", true, func(s *session) {
		s.closedByMe, s.droppedByMe, s.wasCloseHandshakeTimeout = true, true, true
		s.wasNotCleanReason = "peer did not respond (in time) in closing handshake"
		s.logFrameMode("TF", Frame{Fin: true, Opcode: OpClose, Payload: rep(0xfe, 200)}, chop(1))
	})
	const req = "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n"
	const resp = "HTTP/1.1 101 Switching Protocols\r\n\r\n"
	return []Result{
		echo.result("Golden/1.0 server", 2, req, resp),
		utf.result("Golden/1.0 server", 74, req, resp),
		unclean.result("golden client", 223, req, resp),
	}
}

// checkGolden compares got with testdata/golden/name, or rewrites it
// under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -run TestReportsGolden -update after checking the change):\n%s", name, got)
	}
}

func TestReportsGolden(t *testing.T) {
	results := goldenResults()
	dir := t.TempDir()
	if err := WriteReports(dir, results); err != nil {
		t.Fatal(err)
	}
	files := []string{"index.json", "index.html"}
	for _, r := range results {
		files = append(files, ReportFile(r.Agent, r.ID))
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, f, got)
	}
}

func TestReportFormat(t *testing.T) {
	results := goldenResults()
	b, err := marshalReport(Index(results))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	// Sorted keys as plain strings, 3-space indent, ": " after keys.
	if !strings.HasPrefix(s, "{\n   \"Golden/1.0 server\": {\n      \"1.1.2\": {\n         \"behavior\": \"OK\",") {
		t.Errorf("index.json layout:\n%s", s)
	}
	var idx map[string]map[string]IndexEntry
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	e := idx["golden client"]["7.7.1"]
	if e.Behavior != OK || e.BehaviorClose != Unclean || e.Duration != 1235 || e.RemoteCloseCode != nil ||
		e.ReportFile != "golden_client_case_7_7_1.json" {
		t.Errorf("index entry = %+v", e)
	}
	if got := idx["Golden/1.0 server"]["6.4.1"]; got.Behavior != NonStrict || *got.RemoteCloseCode != 1007 {
		t.Errorf("6.4.1 entry = %+v", got)
	}
}

func TestReportFile(t *testing.T) {
	tests := []struct{ agent, id, want string }{
		{"AutobahnPython/0.6.0", "1.1.1", "autobahnpython_0_6_0_case_1_1_1.json"},
		{"  Py  ws (8.1) ", "13.7.18", "py__ws__8_1_case_13_7_18.json"},
		{"wirefast", "6.4.1", "wirefast_case_6_4_1.json"},
	}
	for _, tc := range tests {
		if got := ReportFile(tc.agent, tc.id); got != tc.want {
			t.Errorf("ReportFile(%q, %q) = %q, want %q", tc.agent, tc.id, got, tc.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{[]byte("hello"), "hello"},
		{rep('*', 70), strings.Repeat("*", 64) + " ..."},
		{append(rep('a', 63), "é and more"...), strings.Repeat("a", 63) + " ..."},
		{[]byte{0xff, 0x00}, "0xff00"},
		{rep(0xfe, 40), "0x" + strings.Repeat("fe", 32) + " ..."},
	}
	for _, tc := range tests {
		if got := excerpt(tc.in); got != tc.want {
			t.Errorf("excerpt(%x) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWirelogBounded(t *testing.T) {
	w := newWirelog()
	for i := range 1000 {
		w.add("TF", i)
	}
	e := w.entries()
	if len(e) != wirelogHead+1+wirelogTail {
		t.Fatalf("len(entries) = %d", len(e))
	}
	if e[wirelogHead][0] != "WLM" || e[wirelogHead][1] != 1000-wirelogHead-wirelogTail {
		t.Errorf("marker = %v", e[wirelogHead])
	}
	if e[len(e)-1][1] != 999 || e[wirelogHead+1][1] != 1000-wirelogTail {
		t.Errorf("tail = %v ... %v", e[wirelogHead+1], e[len(e)-1])
	}
}
