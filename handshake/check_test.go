package handshake_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wirefast/websocket/handshake"
)

// ruleCases are requests that are well formed HTTP; each is checked by
// both ParseRequest and net/http + CheckRequest, which must agree.
var ruleCases = []struct {
	name    string
	req     string
	wantErr error // nil: accepted
	rawOnly bool  // net/http rejects the request itself
}{
	{name: "rfc minimal", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion)},
	{name: "rfc full", req: rfcRequest},
	{name: "browser", req: browserRequest},
	{name: "connection keep-alive, Upgrade", req: wire(lineGET, hHost, hUpgrade, "Connection: keep-alive, Upgrade", hKey, hVersion)},
	{name: "connection over two lines", req: wire(lineGET, hHost, hUpgrade, "Connection: keep-alive", "Connection: Upgrade", hKey, hVersion)},
	{name: "upgrade over two lines", req: wire(lineGET, hHost, "Upgrade: h2c", "Upgrade: websocket", hConn, hKey, hVersion)},
	{name: "upgrade list", req: wire(lineGET, hHost, "Upgrade: foo/2, websocket", hConn, hKey, hVersion)},
	{name: "list with empty elements", req: wire(lineGET, hHost, "Upgrade: ,websocket,", "Connection: , ,upgrade", hKey, hVersion)},
	{name: "case folding", req: wire(lineGET, "host: server.example.com", "UPGRADE: WebSocket", "connection: UPGRADE",
		"SEC-WEBSOCKET-KEY: "+rfcKey, "sec-websocket-version: 13")},
	{name: "whitespace around values", req: wire(lineGET, "Host:server.example.com", "Upgrade: \twebsocket\t ", hConn,
		"Sec-WebSocket-Key:   "+rfcKey+"  ", "Sec-WebSocket-Version:13")},
	{name: "HTTP/1.2", req: wire("GET /chat HTTP/1.2", hHost, hUpgrade, hConn, hKey, hVersion)},
	{name: "absolute-form target", req: wire("GET http://server.example.com/chat HTTP/1.1", hHost, hUpgrade, hConn, hKey, hVersion)},
	{name: "absolute-form overrides Host", req: wire("GET WSS://Other.example:8443?x=1 HTTP/1.1", hHost, hUpgrade, hConn, hKey, hVersion)},
	{name: "absolute-form bad authority", req: wire("GET http://a\"b/chat HTTP/1.1", hHost, hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrBadHost},
	{name: "absolute-form without Host", req: wire("GET http://server.example.com/chat HTTP/1.1", hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrMissingHost, rawOnly: true},
	{name: "host with port", req: wire(lineGET, "Host: [::1]:8080", hUpgrade, hConn, hKey, hVersion)},
	{name: "subprotocols over two lines", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion,
		"Sec-WebSocket-Protocol: chat", "Sec-WebSocket-Protocol: superchat, ,")},
	{name: "extensions", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion,
		`Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits; server_max_window_bits="10"`,
		"Sec-WebSocket-Extensions: x-foo")},
	{name: "obs-text in other field", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "X-Name: caf\xc3\xa9")},

	{name: "HTTP/2.0", req: wire("GET /chat HTTP/2.0", hHost, hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrHTTPVersionNotSupported},
	{name: "HTTP/1.0", req: wire("GET /chat HTTP/1.0", hHost, hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrHTTPVersion},
	{name: "POST", req: wire("POST /chat HTTP/1.1", hHost, hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrMethodNotAllowed},
	{name: "lower-case get", req: wire("get /chat HTTP/1.1", hHost, hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrMethodNotAllowed},
	{name: "POST without key", req: wire("POST /chat HTTP/1.1", hHost, hUpgrade, hConn, hVersion), wantErr: handshake.ErrMethodNotAllowed},
	{name: "no Host", req: wire(lineGET, hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrMissingHost},
	{name: "empty Host", req: wire(lineGET, "Host:", hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrMissingHost},
	{name: "two Hosts", req: wire(lineGET, hHost, hHost, hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrBadHost, rawOnly: true},
	{name: "Host with space", req: wire(lineGET, "Host: server example.com", hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrBadHost},
	{name: "Host with slash", req: wire(lineGET, "Host: server.example.com/x", hUpgrade, hConn, hKey, hVersion), wantErr: handshake.ErrBadHost},
	{name: "no Upgrade", req: wire(lineGET, hHost, hConn, hKey, hVersion), wantErr: handshake.ErrMissingUpgrade},
	{name: "Upgrade h2c", req: wire(lineGET, hHost, "Upgrade: h2c", hConn, hKey, hVersion), wantErr: handshake.ErrMissingUpgrade},
	{name: "Upgrade websocketx", req: wire(lineGET, hHost, "Upgrade: websocketx", hConn, hKey, hVersion), wantErr: handshake.ErrMissingUpgrade},
	{name: "Upgrade web socket", req: wire(lineGET, hHost, "Upgrade: web socket", hConn, hKey, hVersion), wantErr: handshake.ErrMissingUpgrade},
	{name: "no Connection", req: wire(lineGET, hHost, hUpgrade, hKey, hVersion), wantErr: handshake.ErrMissingConnection},
	{name: "Connection keep-alive", req: wire(lineGET, hHost, hUpgrade, "Connection: keep-alive", hKey, hVersion), wantErr: handshake.ErrMissingConnection},
	{name: "Connection upgrade-insecure", req: wire(lineGET, hHost, hUpgrade, "Connection: upgrades", hKey, hVersion), wantErr: handshake.ErrMissingConnection},
	{name: "no version", req: wire(lineGET, hHost, hUpgrade, hConn, hKey), wantErr: handshake.ErrUnsupportedVersion},
	{name: "version 8", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, "Sec-WebSocket-Version: 8"), wantErr: handshake.ErrUnsupportedVersion},
	{name: "version 013", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, "Sec-WebSocket-Version: 013"), wantErr: handshake.ErrUnsupportedVersion},
	{name: "version list", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, "Sec-WebSocket-Version: 13, 8"), wantErr: handshake.ErrUnsupportedVersion},
	{name: "version twice", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, hVersion), wantErr: handshake.ErrUnsupportedVersion},
	{name: "no key", req: wire(lineGET, hHost, hUpgrade, hConn, hVersion), wantErr: handshake.ErrMissingKey},
	{name: "key twice", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hKey, hVersion), wantErr: handshake.ErrDuplicateKey},
	{name: "key 15 bytes", req: wire(lineGET, hHost, hUpgrade, hConn, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j", hVersion), wantErr: handshake.ErrBadKey},
	{name: "key 17 bytes", req: wire(lineGET, hHost, hUpgrade, hConn, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZSE=", hVersion), wantErr: handshake.ErrBadKey},
	{name: "key bad base64", req: wire(lineGET, hHost, hUpgrade, hConn, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j!Q==", hVersion), wantErr: handshake.ErrBadKey},
	{name: "key url alphabet", req: wire(lineGET, hHost, hUpgrade, hConn, "Sec-WebSocket-Key: -GhlIHNhbXBsZSBub25jZQ==", hVersion), wantErr: handshake.ErrBadKey},
	{name: "key unpadded", req: wire(lineGET, hHost, hUpgrade, hConn, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ", hVersion), wantErr: handshake.ErrBadKey},
	{name: "key non-canonical", req: wire(lineGET, hHost, hUpgrade, hConn, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR==", hVersion), wantErr: handshake.ErrBadKey},
	{name: "key empty", req: wire(lineGET, hHost, hUpgrade, hConn, "Sec-WebSocket-Key:", hVersion), wantErr: handshake.ErrBadKey},
	{name: "Content-Length 0", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Content-Length: 0")},
	{name: "Content-Length 00", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Content-Length: 00")},
	{name: "Content-Length 5", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Content-Length: 5"), wantErr: handshake.ErrRequestBody},
	{name: "chunked", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Transfer-Encoding: chunked"), wantErr: handshake.ErrRequestBody},
	{name: "Transfer-Encoding identity", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Transfer-Encoding: identity"), wantErr: handshake.ErrRequestBody, rawOnly: true},
	{name: "two Origins", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Origin: http://a", "Origin: http://b"), wantErr: handshake.ErrBadOrigin},
	{name: "subprotocol not token", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Sec-WebSocket-Protocol: chat;v=1"), wantErr: handshake.ErrBadSubprotocol},
	{name: "subprotocol empty", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Sec-WebSocket-Protocol:"), wantErr: handshake.ErrBadSubprotocol},
	{name: "subprotocol only commas", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Sec-WebSocket-Protocol: , ,"), wantErr: handshake.ErrBadSubprotocol},
	{name: "subprotocol with space", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Sec-WebSocket-Protocol: chat room"), wantErr: handshake.ErrBadSubprotocol},
	{name: "extension trailing semicolon", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Sec-WebSocket-Extensions: permessage-deflate;"), wantErr: handshake.ErrBadExtensions},
	{name: "extension quoted space", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, `Sec-WebSocket-Extensions: x; a="b c"`), wantErr: handshake.ErrBadExtensions},
	{name: "extension second line bad", req: wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Sec-WebSocket-Extensions: x", "Sec-WebSocket-Extensions: ;"), wantErr: handshake.ErrBadExtensions},
}

// wantStatus is the documented status of each request error.
var wantStatus = map[error]int{
	handshake.ErrMalformedRequestLine:    400,
	handshake.ErrMalformedHeader:         400,
	handshake.ErrRequestLineTooLong:      414,
	handshake.ErrHeaderLineTooLong:       431,
	handshake.ErrTooManyHeaders:          431,
	handshake.ErrRequestTooLarge:         431,
	handshake.ErrHTTPVersionNotSupported: 505,
	handshake.ErrHTTPVersion:             400,
	handshake.ErrMethodNotAllowed:        405,
	handshake.ErrMissingHost:             400,
	handshake.ErrBadHost:                 400,
	handshake.ErrMissingUpgrade:          426,
	handshake.ErrMissingConnection:       426,
	handshake.ErrUnsupportedVersion:      426,
	handshake.ErrMissingKey:              400,
	handshake.ErrDuplicateKey:            400,
	handshake.ErrBadKey:                  400,
	handshake.ErrRequestBody:             400,
	handshake.ErrBadOrigin:               403,
	handshake.ErrBadSubprotocol:          400,
	handshake.ErrBadExtensions:           400,
	handshake.ErrOriginNotAllowed:        403,
}

func TestStatusOf(t *testing.T) {
	for err, want := range wantStatus {
		if got, ok := handshake.StatusOf(err); !ok || got != want {
			t.Errorf("StatusOf(%v) = %d, %v, want %d, true", err, got, ok, want)
		}
		wrapped := errors.Join(errors.New("read"), err)
		if got, ok := handshake.StatusOf(wrapped); !ok || got != want {
			t.Errorf("StatusOf(wrapped %v) = %d, %v, want %d, true", err, got, ok, want)
		}
	}
	for _, err := range []error{nil, handshake.ErrNeedMore, handshake.ErrResponseAccept, errors.New("other")} {
		if got, ok := handshake.StatusOf(err); ok {
			t.Errorf("StatusOf(%v) = %d, true, want 0, false", err, got)
		}
	}
}

func TestCheckRequest(t *testing.T) {
	for _, tc := range ruleCases {
		if tc.rawOnly {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			r := httpRequest(t, []byte(tc.req))
			key, err := handshake.CheckRequest(r)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("CheckRequest(%q) = %q, %v, want error %v", tc.req, key, err, tc.wantErr)
			}
			if err != nil {
				if key != "" {
					t.Errorf("CheckRequest(%q) = %q with error %v, want empty key", tc.req, key, err)
				}
				return
			}
			if want := r.Header.Get("Sec-WebSocket-Key"); key != want {
				t.Errorf("CheckRequest(%q) key = %q, want %q", tc.req, key, want)
			}
		})
	}
}

// TestCheckRequestRuleOrder checks, for a request breaking every rule at
// once, that each error appears once the rules before it are fixed: both
// paths report the first broken rule of the documented order.
func TestCheckRequestRuleOrder(t *testing.T) {
	fixes := []struct {
		wantErr error
		line    string
		field   string // field line added once the rule is fixed, if any
	}{
		{handshake.ErrHTTPVersionNotSupported, "POST /chat HTTP/2.0", ""},
		{handshake.ErrHTTPVersion, "POST /chat HTTP/1.0", ""},
		{handshake.ErrMethodNotAllowed, "POST /chat HTTP/1.1", ""},
		{handshake.ErrMissingHost, lineGET, hHost},
		{handshake.ErrMissingUpgrade, lineGET, hUpgrade},
		{handshake.ErrMissingConnection, lineGET, hConn},
		{handshake.ErrUnsupportedVersion, lineGET, hVersion},
		{handshake.ErrMissingKey, lineGET, hKey},
		{nil, lineGET, ""},
	}
	var fields []string
	for _, f := range fixes {
		req := wire(append([]string{f.line}, fields...)...)
		if len(fields) == 0 {
			req = f.line + "\r\n\r\n"
		}
		_, _, rawErr := handshake.ParseRequest([]byte(req))
		if rawErr != f.wantErr {
			t.Errorf("ParseRequest(%q) error = %v, want %v", req, rawErr, f.wantErr)
		}
		if _, err := handshake.CheckRequest(httpRequest(t, []byte(req))); err != f.wantErr {
			t.Errorf("CheckRequest(%q) error = %v, want %v", req, err, f.wantErr)
		}
		if f.field != "" {
			fields = append(fields, f.field)
		}
	}
}

func TestCheckRequestHTTPTest(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/chat", nil)
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Sec-WebSocket-Key", rfcKey)
	r.Header.Set("Sec-WebSocket-Version", "13")
	if key, err := handshake.CheckRequest(r); key != rfcKey || err != nil {
		t.Fatalf("CheckRequest = %q, %v, want %q, nil", key, err, rfcKey)
	}
	r.ProtoMajor, r.ProtoMinor = 2, 0
	if _, err := handshake.CheckRequest(r); err != handshake.ErrHTTPVersionNotSupported {
		t.Errorf("CheckRequest(HTTP/2) error = %v, want %v", err, handshake.ErrHTTPVersionNotSupported)
	}
}

func TestCheckRequestAllocs(t *testing.T) {
	r := httpRequest(t, []byte(browserRequest))
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := handshake.CheckRequest(r); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("CheckRequest allocates %v times, want 0", allocs)
	}
}
