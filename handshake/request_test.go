package handshake_test

import (
	"fmt"
	"net/textproto"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket/handshake"
)

// TestParseRequestRules runs the rule table through ParseRequest and, for
// accepted requests, compares what it read with what net/http read.
func TestParseRequestRules(t *testing.T) {
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(tc.req + "\x81\x85trailing frame")
			r, n, err := handshake.ParseRequest(b)
			if err != tc.wantErr {
				t.Fatalf("ParseRequest(%q) error = %v, want %v", tc.req, err, tc.wantErr)
			}
			if err != nil {
				if n != 0 || viewOf(&r).Method != "" {
					t.Errorf("ParseRequest(%q) = %+v, %d with error, want zero", tc.req, viewOf(&r), n)
				}
				return
			}
			if n != len(tc.req) {
				t.Fatalf("ParseRequest(%q) took %d bytes, want %d", tc.req, n, len(tc.req))
			}
			if tc.rawOnly {
				return
			}
			hr := httpRequest(t, []byte(tc.req))
			want := view{
				Method: hr.Method, Target: hr.RequestURI, ProtoMajor: hr.ProtoMajor, ProtoMinor: hr.ProtoMinor,
				Host: hr.Host, Key: hr.Header.Get("Sec-WebSocket-Key"), Version: hr.Header.Get("Sec-WebSocket-Version"),
				Origin: hr.Header.Get("Origin"),
			}
			got := viewOf(&r)
			got.Fields = nil
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseRequest(%q) differs from net/http (-want +got):\n%s", tc.req, diff)
			}
			// Every field but Host, which net/http moves to r.Host, is
			// seen in order by both.
			wantValues := map[string][]string{}
			for name, value := range r.Fields() {
				if !strings.EqualFold(string(name), "Host") {
					key := textproto.CanonicalMIMEHeaderKey(string(name))
					wantValues[key] = append(wantValues[key], string(value))
				}
			}
			if diff := cmp.Diff(map[string][]string(hr.Header), wantValues); diff != "" {
				t.Errorf("Fields of %q differ from net/http (-net/http +Fields):\n%s", tc.req, diff)
			}
		})
	}
}

// syntaxCases are requests ParseRequest rejects as malformed or over a
// limit, whatever net/http does with them.
var syntaxCases = []struct {
	name    string
	req     string
	wantErr error
}{
	{"bare LF", "GET /chat HTTP/1.1\n" + hHost + "\n\n", handshake.ErrMalformedRequestLine},
	{"bare LF in fields", lineGET + "\r\n" + hHost + "\n" + hUpgrade + "\r\n\r\n", handshake.ErrMalformedHeader},
	{"bare LF blank line", lineGET + "\r\n" + hHost + "\r\n\n", handshake.ErrMalformedHeader},
	{"bare CR in value", wire(lineGET, hHost, "X: a\rb"), handshake.ErrMalformedHeader},
	{"bare CR in request line", wire("GET /chat\rx HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"obs-fold", wire(lineGET, hHost, "X: a", " b"), handshake.ErrMalformedHeader},
	{"obs-fold tab", wire(lineGET, hHost, "X: a", "\tb"), handshake.ErrMalformedHeader},
	{"space before colon", wire(lineGET, "Host : server.example.com"), handshake.ErrMalformedHeader},
	{"no colon", wire(lineGET, hHost, "Upgrade websocket"), handshake.ErrMalformedHeader},
	{"empty name", wire(lineGET, hHost, ": x"), handshake.ErrMalformedHeader},
	{"name not token", wire(lineGET, hHost, "X(y): z"), handshake.ErrMalformedHeader},
	{"NUL in value", wire(lineGET, hHost, "X: a\x00b"), handshake.ErrMalformedHeader},
	{"DEL in value", wire(lineGET, hHost, "X: a\x7fb"), handshake.ErrMalformedHeader},
	{"ESC in value", wire(lineGET, hHost, "X: \x1b[31m"), handshake.ErrMalformedHeader},
	{"empty line first", "\r\n" + wire(lineGET, hHost), handshake.ErrMalformedRequestLine},
	{"empty request", "\r\n\r\n", handshake.ErrMalformedRequestLine},
	{"double space", wire("GET  /chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"trailing space", wire("GET /chat HTTP/1.1 ", hHost), handshake.ErrMalformedRequestLine},
	{"tab separator", wire("GET\t/chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"no version", wire("GET /chat", hHost), handshake.ErrMalformedRequestLine},
	{"lower-case http", wire("GET /chat http/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"version 11", wire("GET /chat HTTP/11", hHost), handshake.ErrMalformedRequestLine},
	{"version 1.10", wire("GET /chat HTTP/1.10", hHost), handshake.ErrMalformedRequestLine},
	{"empty target", wire("GET  HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"asterisk target", wire("GET * HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"authority-form target", wire("GET server.example.com:80 HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"absolute-form other scheme", wire("GET ftp://server.example.com/chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"absolute-form without slashes", wire("GET http:server.example.com/chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"absolute-form empty authority", wire("GET http:///chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"absolute-form userinfo", wire("GET http://user@server.example.com/chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"absolute-form percent", wire("GET http://%73erver.example.com/chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"relative target", wire("GET chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"non-ASCII target", wire("GET /caf\xc3\xa9 HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"method not token", wire("G{T /chat HTTP/1.1", hHost), handshake.ErrMalformedRequestLine},
	{"HTTP/0.9", "GET /chat\r\n\r\n", handshake.ErrMalformedRequestLine},
}

func TestParseRequestSyntax(t *testing.T) {
	for _, tc := range syntaxCases {
		t.Run(tc.name, func(t *testing.T) {
			_, n, err := handshake.ParseRequest([]byte(tc.req))
			if err != tc.wantErr || n != 0 {
				t.Errorf("ParseRequest(%q) = _, %d, %v, want _, 0, %v", tc.req, n, err, tc.wantErr)
			}
		})
	}
}

// TestParseRequestLimits checks each limit at its boundary.
func TestParseRequestLimits(t *testing.T) {
	valid := []string{hHost, hUpgrade, hConn, hKey, hVersion}
	// A request line of exactly n bytes.
	requestLine := func(n int) string {
		return "GET /" + strings.Repeat("a", n-len("GET / HTTP/1.1")) + " HTTP/1.1"
	}
	// A header line of exactly n bytes.
	field := func(name string, n int) string {
		return name + ": " + strings.Repeat("v", n-len(name)-2)
	}
	fields := func(n int) []string {
		out := append([]string(nil), valid...)
		for i := len(out); i < n; i++ {
			out = append(out, fmt.Sprintf("X-%d: v", i))
		}
		return out
	}
	tests := []struct {
		name    string
		req     string
		wantErr error
	}{
		{"request line at limit", wire(append([]string{requestLine(handshake.MaxLineBytes)}, valid...)...), nil},
		{"request line over limit", wire(append([]string{requestLine(handshake.MaxLineBytes + 1)}, valid...)...), handshake.ErrRequestLineTooLong},
		{"header line at limit", wire(append([]string{lineGET, field("X-Big", handshake.MaxLineBytes)}, valid...)...), nil},
		{"header line over limit", wire(append([]string{lineGET, field("X-Big", handshake.MaxLineBytes+1)}, valid...)...), handshake.ErrHeaderLineTooLong},
		{"header count at limit", wire(append([]string{lineGET}, fields(handshake.MaxHeaders)...)...), nil},
		{"header count over limit", wire(append([]string{lineGET}, fields(handshake.MaxHeaders+1)...)...), handshake.ErrTooManyHeaders},
		{"size over limit", wire(append([]string{lineGET, field("X-A", 6000), field("X-B", 6000), field("X-C", 6000)}, valid...)...), handshake.ErrRequestTooLarge},
		{"incomplete request line over limit", requestLine(handshake.MaxLineBytes + 10), handshake.ErrRequestLineTooLong},
		{"incomplete header line over limit", lineGET + "\r\n" + field("X-Big", handshake.MaxLineBytes+10), handshake.ErrHeaderLineTooLong},
		{"incomplete at size limit", lineGET + "\r\n" + field("X-A", 6000) + "\r\n" + field("X-B", 6000) + "\r\n" + field("X-C", 6000), handshake.ErrRequestTooLarge},
		{"early error in incomplete over limit", "BAD\r\n" + field("X-Big", handshake.MaxLineBytes+10), handshake.ErrMalformedRequestLine},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := handshake.ParseRequest([]byte(tc.req))
			if err != tc.wantErr {
				t.Errorf("ParseRequest(%d bytes) error = %v, want %v", len(tc.req), err, tc.wantErr)
			}
		})
	}
	// The whole block at exactly MaxRequestBytes is accepted.
	head := wire(append([]string{lineGET, field("X-A", 6000), field("X-B", 6000)}, valid...)...)
	pad := handshake.MaxRequestBytes - len(head) - len("X-C: \r\n")
	exact := wire(append([]string{lineGET, field("X-A", 6000), field("X-B", 6000), "X-C: " + strings.Repeat("v", pad)}, valid...)...)
	if len(exact) != handshake.MaxRequestBytes {
		t.Fatalf("built %d bytes, want %d", len(exact), handshake.MaxRequestBytes)
	}
	if _, n, err := handshake.ParseRequest([]byte(exact)); err != nil || n != len(exact) {
		t.Errorf("ParseRequest(%d bytes) = _, %d, %v, want _, %d, nil", len(exact), n, err, len(exact))
	}
	over := strings.Replace(exact, "X-C: ", "X-C: v", 1)
	if _, _, err := handshake.ParseRequest([]byte(over)); err != handshake.ErrRequestTooLarge {
		t.Errorf("ParseRequest(%d bytes) error = %v, want %v", len(over), err, handshake.ErrRequestTooLarge)
	}
}

// TestParseRequestNeedMore feeds every proper prefix of valid requests:
// each wants more input, and the whole request parses.
func TestParseRequestNeedMore(t *testing.T) {
	for _, req := range []string{rfcRequest, browserRequest} {
		for i := 0; i < len(req); i++ {
			if _, n, err := handshake.ParseRequest([]byte(req[:i])); err != handshake.ErrNeedMore || n != 0 {
				t.Fatalf("ParseRequest(%q) = _, %d, %v, want _, 0, ErrNeedMore", req[:i], n, err)
			}
		}
		if _, n, err := handshake.ParseRequest([]byte(req)); err != nil || n != len(req) {
			t.Fatalf("ParseRequest(%q) = _, %d, %v, want _, %d, nil", req, n, err, len(req))
		}
	}
}

func TestParseRequestRFC(t *testing.T) {
	r, n, err := handshake.ParseRequest([]byte(rfcRequest))
	if err != nil || n != len(rfcRequest) {
		t.Fatalf("ParseRequest = _, %d, %v, want _, %d, nil", n, err, len(rfcRequest))
	}
	want := view{
		Method: "GET", Target: "/chat", ProtoMajor: 1, ProtoMinor: 1,
		Host: "server.example.com", Key: rfcKey, Version: "13", Origin: "http://example.com",
		Fields: [][2]string{
			{"Host", "server.example.com"},
			{"Upgrade", "websocket"},
			{"Connection", "Upgrade"},
			{"Sec-WebSocket-Key", rfcKey},
			{"Origin", "http://example.com"},
			{"Sec-WebSocket-Protocol", "chat, superchat"},
			{"Sec-WebSocket-Version", "13"},
		},
	}
	if diff := cmp.Diff(want, viewOf(&r)); diff != "" {
		t.Errorf("ParseRequest(rfc) mismatch (-want +got):\n%s", diff)
	}
	// The views point into the input.
	b := []byte(rfcRequest)
	r, _, _ = handshake.ParseRequest(b)
	if &r.Key[0] != &b[strings.Index(rfcRequest, rfcKey)] {
		t.Error("Request.Key is not a view of the input")
	}
}

func TestRequestAccessors(t *testing.T) {
	req := wire(lineGET, hHost, hUpgrade, "Connection: keep-alive", "connection: Upgrade", hKey, hVersion,
		"Cookie: a=1", "X-Empty:", "COOKIE: b=2",
		"Sec-WebSocket-Protocol: v1.chat, v2.chat", "Sec-WebSocket-Protocol: V3.chat",
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
		`sec-websocket-extensions: x-foo; a="b\c"`)
	r, _, err := handshake.ParseRequest([]byte(req))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Get("cookie"); string(got) != "a=1" {
		t.Errorf("Get(cookie) = %q, want %q", got, "a=1")
	}
	if got := r.Get("X-Empty"); got == nil || len(got) != 0 {
		t.Errorf("Get(X-Empty) = %#v, want empty non-nil", got)
	}
	if got := r.Get("X-Absent"); got != nil {
		t.Errorf("Get(X-Absent) = %#v, want nil", got)
	}
	if r.Origin != nil {
		t.Errorf("Origin = %q, want nil", r.Origin)
	}
	var cookies, conns []string
	for v := range r.Values("Cookie") {
		cookies = append(cookies, string(v))
	}
	for v := range r.Values("Connection") {
		conns = append(conns, string(v))
		break // stops early
	}
	if diff := cmp.Diff([]string{"a=1", "b=2"}, cookies); diff != "" {
		t.Errorf("Values(Cookie) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"keep-alive"}, conns); diff != "" {
		t.Errorf("Values(Connection) mismatch (-want +got):\n%s", diff)
	}
	n := 0
	for range r.Fields() {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("Fields stopped after %d, want 3", n)
	}
	for _, tc := range []struct {
		supported []string
		want      string
	}{
		{[]string{"v2.chat", "v1.chat"}, "v2.chat"},
		{[]string{"v3.chat", "V3.chat"}, "V3.chat"},
		{[]string{"v4.chat"}, ""},
		{nil, ""},
	} {
		if got := r.SelectSubprotocol(tc.supported); got != tc.want {
			t.Errorf("SelectSubprotocol(%q) = %q, want %q", tc.supported, got, tc.want)
		}
	}
	exts, err := r.Extensions()
	want := []handshake.Extension{
		{Name: "permessage-deflate", Params: []handshake.Param{{Name: "client_max_window_bits"}}},
		{Name: "x-foo", Params: []handshake.Param{{Name: "a", Value: "bc"}}},
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, exts); diff != "" {
		t.Errorf("Extensions mismatch (-want +got):\n%s", diff)
	}
	var zero handshake.Request
	if exts, err := zero.Extensions(); exts != nil || err != nil {
		t.Errorf("zero Request Extensions() = %v, %v, want nil, nil", exts, err)
	}
}

// TestParseRequestAllocs checks the hot path of a raw upgrade: parse,
// origin, subprotocol and response, with no allocation.
func TestParseRequestAllocs(t *testing.T) {
	b := []byte(browserRequest)
	buf := make([]byte, 0, 512)
	allocs := testing.AllocsPerRun(100, func() {
		r, _, err := handshake.ParseRequest(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.CheckOrigin(nil); err != nil {
			t.Fatal(err)
		}
		p := r.SelectSubprotocol([]string{"chat"})
		buf = handshake.AppendResponse(buf[:0], r.Key, &handshake.Response{Subprotocol: p})
		_ = r.Get("Cookie")
	})
	if allocs != 0 {
		t.Errorf("raw upgrade allocates %v times, want 0", allocs)
	}
}

func TestParseRequestErrorsAreDocumented(t *testing.T) {
	var all []struct{ name, req string }
	for _, tc := range ruleCases {
		all = append(all, struct{ name, req string }{tc.name, tc.req})
	}
	for _, tc := range syntaxCases {
		all = append(all, struct{ name, req string }{tc.name, tc.req})
	}
	for _, tc := range all {
		_, _, err := handshake.ParseRequest([]byte(tc.req))
		if err == nil {
			continue
		}
		status, ok := handshake.StatusOf(err)
		if want, known := wantStatus[err]; !ok || !known || status != want {
			t.Errorf("%s: error %v has status %d, %v; want a documented error", tc.name, err, status, ok)
		}
		if !strings.HasPrefix(err.Error(), "handshake: ") {
			t.Errorf("%s: error %q lacks the package prefix", tc.name, err)
		}
	}
}
