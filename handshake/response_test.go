package handshake_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket/handshake"
)

var deflateResponse = []handshake.Extension{{Name: "permessage-deflate", Params: []handshake.Param{
	{Name: "server_no_context_takeover"}, {Name: "client_max_window_bits", Value: "10"}}}}

func TestAppendResponseGolden(t *testing.T) {
	tests := []struct {
		name string
		resp *handshake.Response
	}{
		{"response-minimal", nil},
		{"response-empty", &handshake.Response{}},
		{"response-full", &handshake.Response{
			Subprotocol: "chat",
			Extensions:  deflateResponse,
			Header: http.Header{
				"Set-Cookie":   {"a=1; HttpOnly", "b=2"},
				"X-Request-Id": {"  42\t"},
				"X-Injected":   {"a\r\nX-Evil: 1", "\x00b\x7f"},
				// Skipped: owned by the handshake, forbidden in 101, or
				// not a token.
				"Sec-Websocket-Accept": {"forged"},
				"Upgrade":              {"h2c"},
				"connection":           {"close"},
				"Content-Length":       {"0"},
				"Bad Name":             {"x"},
				"":                     {"x"},
			},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := handshake.AppendResponse([]byte("prefix:"), []byte(rfcKey), tc.resp)
			if !bytes.HasPrefix(got, []byte("prefix:")) {
				t.Fatalf("AppendResponse dropped dst: %q", got)
			}
			got = got[len("prefix:"):]
			golden(t, tc.name, got)

			// net/http reads it back as a valid handshake response.
			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), nil)
			if err != nil {
				t.Fatalf("http.ReadResponse: %v", err)
			}
			var offered []string
			var exts []handshake.Extension
			if tc.resp != nil {
				offered = []string{"superchat", tc.resp.Subprotocol}
				exts = tc.resp.Extensions
			}
			p, gotExts, err := handshake.CheckResponse(resp, rfcKey, offered, exts)
			if err != nil {
				t.Fatalf("CheckResponse: %v", err)
			}
			if tc.resp != nil {
				if p != tc.resp.Subprotocol {
					t.Errorf("subprotocol = %q, want %q", p, tc.resp.Subprotocol)
				}
				if diff := cmp.Diff(tc.resp.Extensions, gotExts); diff != "" {
					t.Errorf("extensions mismatch (-want +got):\n%s", diff)
				}
			}
			if n, _ := io.ReadAll(resp.Body); len(n) != 0 {
				t.Errorf("101 response has a body %q", n)
			}
		})
	}
}

func TestAppendResponseHeaderSanitized(t *testing.T) {
	got := handshake.AppendResponse(nil, []byte(rfcKey), &handshake.Response{Header: http.Header{
		"X-Injected": {"a\r\nX-Evil: 1"},
		"Upgrade":    {"h2c"},
	}})
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := resp.Header.Get("X-Evil"); v != "" {
		t.Errorf("header injection: X-Evil = %q", v)
	}
	if v := resp.Header.Get("X-Injected"); v != "a  X-Evil: 1" {
		t.Errorf("X-Injected = %q, want %q", v, "a  X-Evil: 1")
	}
	if v := resp.Header.Values("Upgrade"); len(v) != 1 || v[0] != "websocket" {
		t.Errorf("Upgrade = %q, want [websocket]", v)
	}
}

func TestAppendResponsePanics(t *testing.T) {
	for _, resp := range []*handshake.Response{
		{Subprotocol: "a b"},
		{Subprotocol: "chat\r\nX-Evil: 1"},
		{Extensions: []handshake.Extension{{Name: "x", Params: []handshake.Param{{Name: "a", Value: "1 2"}}}}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AppendResponse(%+v) did not panic", resp)
				}
			}()
			handshake.AppendResponse(nil, []byte(rfcKey), resp)
		}()
	}
}

func TestAppendErrorResponseGolden(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"error-400", handshake.ErrBadKey},
		{"error-403", handshake.ErrOriginNotAllowed},
		{"error-405", handshake.ErrMethodNotAllowed},
		{"error-426", handshake.ErrUnsupportedVersion},
		{"error-431", handshake.ErrTooManyHeaders},
		{"error-505", handshake.ErrHTTPVersionNotSupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _ := handshake.StatusOf(tc.err)
			got := handshake.AppendErrorResponse(nil, status, tc.err.Error())
			golden(t, tc.name, got)

			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), nil)
			if err != nil {
				t.Fatalf("http.ReadResponse: %v", err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil || string(body) != tc.err.Error() {
				t.Errorf("body = %q, %v, want %q", body, err, tc.err.Error())
			}
			if resp.StatusCode != status || !resp.Close {
				t.Errorf("status %d, close %v, want %d, true", resp.StatusCode, resp.Close, status)
			}
			// The fields match what SetErrorHeaders sets. net/http
			// consumes Connection, so that one is read from the bytes.
			want := http.Header{}
			handshake.SetErrorHeaders(want, status)
			if conn := want.Get("Connection"); conn != "" && !bytes.Contains(got, []byte("\r\nConnection: "+conn+", close\r\n")) {
				t.Errorf("response lacks Connection: %s, close", conn)
			}
			want.Del("Connection")
			for name := range want {
				if !handshake.ContainsToken(resp.Header.Values(name), want.Get(name)) {
					t.Errorf("%s = %q, want it to list %q", name, resp.Header.Values(name), want.Get(name))
				}
			}
		})
	}
}

func TestAppendErrorResponseUnknownStatus(t *testing.T) {
	got := string(handshake.AppendErrorResponse(nil, 499, ""))
	if !strings.HasPrefix(got, "HTTP/1.1 499 \r\n") || !strings.HasSuffix(got, "Content-Length: 0\r\n\r\n") {
		t.Errorf("AppendErrorResponse(499) = %q", got)
	}
	for _, status := range []int{0, 99, 1000, -400} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AppendErrorResponse(%d) did not panic", status)
				}
			}()
			handshake.AppendErrorResponse(nil, status, "")
		}()
	}
}

func TestSetErrorHeaders(t *testing.T) {
	tests := []struct {
		status int
		want   http.Header
	}{
		{400, http.Header{}},
		{403, http.Header{}},
		{405, http.Header{"Allow": {"GET"}}},
		{426, http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Version": {"13"}}},
	}
	for _, tc := range tests {
		h := http.Header{}
		handshake.SetErrorHeaders(h, tc.status)
		if diff := cmp.Diff(tc.want, h); diff != "" {
			t.Errorf("SetErrorHeaders(%d) mismatch (-want +got):\n%s", tc.status, diff)
		}
	}
}
