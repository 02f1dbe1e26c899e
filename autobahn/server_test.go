package autobahn

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// upgradeStatus sends a handshake for path to the server and returns the
// HTTP status it answers.
func upgradeStatus(t *testing.T, base, path string) int {
	t.Helper()
	addr := strings.TrimPrefix(base, "ws://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", path, addr, newKey())
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return resp.StatusCode
}

// TestServerURLProtocol checks the fuzzing server's functions (catalogue
// §1.9).
func TestServerURLProtocol(t *testing.T) {
	out := t.TempDir()
	srv, err := NewServer(&ServerOptions{Cases: []string{"2.1", "6.4.*"}, Exclude: []string{"6.4.2"}, OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	base := srv.URL()

	statuses := []struct {
		path string
		want int
	}{
		{"/runCase?case=0&agent=a", 500},
		{"/runCase?case=5&agent=a", 500},
		{"/runCase?case=1", 500},
		{"/runCase?case=1&case=2&agent=a", 500},
		{"/runCase?casetuple=9.9.9&agent=a", 500},
		{"/getCaseInfo", 500},
		{"/getCaseStatus?case=1", 500},
		{"/updateReports", 500},
		{"/nothing", 404},
	}
	for _, tc := range statuses {
		if got := upgradeStatus(t, base, tc.path); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.path, got, tc.want)
		}
	}
	texts := []struct{ path, want string }{
		{"/getCaseCount", "4"},
		{"/getCaseInfo?case=2", `{"id": "6.4.1", "description": "Send invalid UTF-8 text message in 3 fragments (frames). First frame payload is valid, then wait, then 2nd frame which contains the payload making the sequence invalid, then wait, then 3rd frame with rest."}`},
		{"/getCaseInfo?casetuple=6.4.4", `{"id": "6.4.4", "description": "Send invalid UTF-8 text message in 3 chops, within one frame. First chop is valid, then wait, then 2nd chop which contains just the payload octet making the sequence invalid, then wait, then 3rd chop with rest."}`},
	}
	for _, tc := range texts {
		got, err := utilityText(base, tc.path)
		if err != nil || got != tc.want {
			t.Errorf("%s = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
	// Run 2.1 (N=1 in this selection) with a correct client, then ask
	// for its status and the reports.
	c, br, ext, err := dialTestPeer(base+"/runCase?casetuple=2.1&agent=Status%20Agent", "")
	if err != nil {
		t.Fatal(err)
	}
	newPeerConn(c, br, true, flaws{}, ext).run()
	if got, err := utilityText(base, "/getCaseStatus?case=1&agent=Status%20Agent"); err != nil || got != `{"behavior": "OK"}` {
		t.Errorf("getCaseStatus = %q, %v", got, err)
	}
	if _, err := utilityText(base, "/updateReports?agent=x&shutdownOnComplete=true"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.Done():
	case <-time.After(5 * time.Second):
		t.Error("shutdownOnComplete did not close Done")
	}
	for _, f := range []string{"index.json", "index.html", "status_agent_case_2_1.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("report %s: %v", f, err)
		}
	}
	rs := srv.Results()
	if len(rs) != 1 || rs[0].ID != "2.1" || rs[0].N != 1 || rs[0].Agent != "Status Agent" {
		t.Errorf("Results = %+v", rs)
	}
}

// TestServerExcludeAgentCases checks that an excluded case connects,
// closes at once and records nothing.
func TestServerExcludeAgentCases(t *testing.T) {
	srv, err := NewServer(&ServerOptions{Cases: []string{"1.1.1"}, ExcludeAgentCases: map[string][]string{"skip*": {"1.1.*"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := runTestPeerClient(srv.URL(), "skipme", flaws{}); err != nil {
		t.Fatal(err)
	}
	if err := runTestPeerClient(srv.URL(), "runme", flaws{}); err != nil {
		t.Fatal(err)
	}
	rs := srv.Results()
	if len(rs) != 1 || rs[0].Agent != "runme" || Category(rs[0]) != OK {
		t.Errorf("Results = %+v", rs)
	}
}

// TestRunClientAgentAndConnect checks the agent fallback to the Server
// header and that a refused connection ends the run with ErrConnect.
func TestRunClientAgentAndConnect(t *testing.T) {
	url := startPeerServer(t, flaws{})
	rs, err := RunClient(t.Context(), url, &ClientOptions{Cases: []string{"1.1.1"}})
	if err != nil || len(rs) != 1 || rs[0].Agent != Agent {
		t.Errorf("RunClient = %+v, %v; want agent %q from the Server header", rs, err, Agent)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, err := RunClient(t.Context(), "ws://"+addr, &ClientOptions{Cases: []string{"1.1.1"}}); !errors.Is(err, ErrConnect) {
		t.Errorf("RunClient(closed port) err = %v, want ErrConnect", err)
	}
}
