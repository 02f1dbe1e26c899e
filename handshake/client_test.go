package handshake_test

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket/handshake"
)

var deflateOffer = []handshake.Extension{
	{Name: "permessage-deflate", Params: []handshake.Param{{Name: "client_max_window_bits"}}},
	{Name: "permessage-deflate"},
}

func TestAppendRequestGolden(t *testing.T) {
	tests := []struct {
		name string
		req  *handshake.ClientRequest
	}{
		{"request-minimal", &handshake.ClientRequest{Target: "/chat", Host: "server.example.com", Key: rfcKey}},
		{"request-full", &handshake.ClientRequest{
			Target:       "/chat?room=1",
			Host:         "server.example.com:8080",
			Key:          rfcKey,
			Subprotocols: []string{"v2.chat", "v1.chat"},
			Extensions:   deflateOffer,
			Header: http.Header{
				"Origin":            {"http://example.com"},
				"Cookie":            {"session=1"},
				"Authorization":     {"Bearer abc"},
				"Host":              {"forged.example"},
				"Sec-Websocket-Key": {"forged"},
				"X-Injected":        {"a\nX-Evil: 1"},
			},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := handshake.AppendRequest(nil, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, got)

			// Both server paths accept it and see what was offered.
			r, n, err := handshake.ParseRequest(got)
			if err != nil || n != len(got) {
				t.Fatalf("ParseRequest = _, %d, %v, want _, %d, nil", n, err, len(got))
			}
			if string(r.Target) != tc.req.Target || string(r.Host) != tc.req.Host || string(r.Key) != tc.req.Key {
				t.Errorf("ParseRequest read %q %q %q", r.Target, r.Host, r.Key)
			}
			if _, err := handshake.CheckRequest(httpRequest(t, got)); err != nil {
				t.Errorf("CheckRequest: %v", err)
			}
			exts, err := r.Extensions()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.req.Extensions, exts); diff != "" {
				t.Errorf("offered extensions mismatch (-want +got):\n%s", diff)
			}
			var offered []string
			for v := range r.Values("Sec-WebSocket-Protocol") {
				offered = append(offered, string(v))
			}
			protocols, err := handshake.ParseSubprotocols(offered)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.req.Subprotocols, protocols); diff != "" {
				t.Errorf("offered subprotocols mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAppendRequestErrors(t *testing.T) {
	valid := handshake.ClientRequest{Target: "/", Host: "example.com", Key: rfcKey}
	tests := []struct {
		name   string
		modify func(*handshake.ClientRequest)
	}{
		{"empty target", func(r *handshake.ClientRequest) { r.Target = "" }},
		{"target with space", func(r *handshake.ClientRequest) { r.Target = "/a b" }},
		{"target with CRLF", func(r *handshake.ClientRequest) { r.Target = "/\r\nX: y" }},
		{"relative target", func(r *handshake.ClientRequest) { r.Target = "chat" }},
		{"empty host", func(r *handshake.ClientRequest) { r.Host = "" }},
		{"host with slash", func(r *handshake.ClientRequest) { r.Host = "example.com/x" }},
		{"bad key", func(r *handshake.ClientRequest) { r.Key = "short" }},
		{"subprotocol not token", func(r *handshake.ClientRequest) { r.Subprotocols = []string{"chat", "a b"} }},
		{"empty subprotocol", func(r *handshake.ClientRequest) { r.Subprotocols = []string{""} }},
		{"extension name", func(r *handshake.ClientRequest) { r.Extensions = []handshake.Extension{{Name: "a,b"}} }},
		{"extension value", func(r *handshake.ClientRequest) {
			r.Extensions = []handshake.Extension{{Name: "x", Params: []handshake.Param{{Name: "a", Value: `"1"`}}}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := valid
			tc.modify(&req)
			dst := []byte("keep")
			got, err := handshake.AppendRequest(dst, &req)
			if !errors.Is(err, handshake.ErrInvalidRequest) {
				t.Errorf("AppendRequest(%+v) error = %v, want ErrInvalidRequest", req, err)
			}
			if string(got) != "keep" {
				t.Errorf("AppendRequest(%+v) changed dst to %q", req, got)
			}
		})
	}
}

// response builds a 101 response for the RFC key with the given extra
// lines and parses it with net/http.
func response(t *testing.T, status string, lines ...string) *http.Response {
	t.Helper()
	b := []byte(wire(append([]string{"HTTP/1.1 " + status}, lines...)...))
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), nil)
	if err != nil {
		t.Fatalf("http.ReadResponse(%q): %v", b, err)
	}
	return resp
}

func TestCheckResponse(t *testing.T) {
	const (
		up     = "Upgrade: websocket"
		conn   = "Connection: Upgrade"
		accept = "Sec-WebSocket-Accept: " + rfcAccept
		sw     = "101 Switching Protocols"
	)
	protocols := []string{"v2.chat", "v1.chat"}
	tests := []struct {
		name         string
		resp         *http.Response
		wantProtocol string
		wantExts     []handshake.Extension
		wantErr      error
	}{
		{name: "rfc", resp: response(t, sw, up, conn, accept)},
		{name: "case folded tokens", resp: response(t, sw, "upgrade: WebSocket", "connection: keep-alive, UPGRADE", accept)},
		{name: "subprotocol", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Protocol: v1.chat"), wantProtocol: "v1.chat"},
		{name: "extensions", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10"),
			wantExts: []handshake.Extension{{Name: "permessage-deflate", Params: []handshake.Param{{Name: "client_max_window_bits", Value: "10"}}}}},

		{name: "status 200", resp: response(t, "200 OK", up, conn, accept), wantErr: handshake.ErrResponseStatus},
		{name: "status 403", resp: response(t, "403 Forbidden"), wantErr: handshake.ErrResponseStatus},
		{name: "no Upgrade", resp: response(t, sw, conn, accept), wantErr: handshake.ErrResponseUpgrade},
		{name: "Upgrade h2c", resp: response(t, sw, "Upgrade: h2c", conn, accept), wantErr: handshake.ErrResponseUpgrade},
		{name: "no Connection", resp: response(t, sw, up, accept), wantErr: handshake.ErrResponseConnection},
		{name: "no accept", resp: response(t, sw, up, conn), wantErr: handshake.ErrResponseAccept},
		{name: "wrong accept", resp: response(t, sw, up, conn, "Sec-WebSocket-Accept: "+handshake.AcceptKey("x3JJHMbDL1EzLkh9GBhXDw==")), wantErr: handshake.ErrResponseAccept},
		{name: "accept is the key", resp: response(t, sw, up, conn, "Sec-WebSocket-Accept: "+rfcKey), wantErr: handshake.ErrResponseAccept},
		{name: "two accepts", resp: response(t, sw, up, conn, accept, accept), wantErr: handshake.ErrResponseAccept},
		{name: "subprotocol not offered", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Protocol: v3.chat"), wantErr: handshake.ErrResponseSubprotocol},
		{name: "subprotocol case", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Protocol: V1.chat"), wantErr: handshake.ErrResponseSubprotocol},
		{name: "two subprotocols", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Protocol: v1.chat, v2.chat"), wantErr: handshake.ErrResponseSubprotocol},
		{name: "subprotocol twice", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Protocol: v1.chat", "Sec-WebSocket-Protocol: v1.chat"), wantErr: handshake.ErrResponseSubprotocol},
		{name: "empty subprotocol", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Protocol:"), wantErr: handshake.ErrResponseSubprotocol},
		{name: "extension not offered", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Extensions: permessage-deflate, x-foo"), wantErr: handshake.ErrResponseExtension},
		{name: "extension malformed", resp: response(t, sw, up, conn, accept, "Sec-WebSocket-Extensions: permessage-deflate;"), wantErr: handshake.ErrBadExtensions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, exts, err := handshake.CheckResponse(tc.resp, rfcKey, protocols, deflateOffer)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("CheckResponse error = %v, want %v", err, tc.wantErr)
			}
			if p != tc.wantProtocol {
				t.Errorf("CheckResponse subprotocol = %q, want %q", p, tc.wantProtocol)
			}
			if diff := cmp.Diff(tc.wantExts, exts); diff != "" {
				t.Errorf("CheckResponse extensions mismatch (-want +got):\n%s", diff)
			}
			if _, ok := handshake.StatusOf(err); ok && tc.wantErr != handshake.ErrBadExtensions {
				t.Errorf("client error %v carries a status", err)
			}
		})
	}
}

// TestHandshakeRoundTrip runs a whole handshake through the raw paths of
// both sides.
func TestHandshakeRoundTrip(t *testing.T) {
	key, err := handshake.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	req, err := handshake.AppendRequest(nil, &handshake.ClientRequest{
		Target: "/ws", Host: "localhost:8080", Key: key,
		Subprotocols: []string{"v1.chat", "v2.chat"}, Extensions: deflateOffer,
		Header: http.Header{"Origin": {"http://localhost:8080"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := handshake.ParseRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CheckOrigin(nil); err != nil {
		t.Fatal(err)
	}
	offered, err := r.Extensions()
	if err != nil {
		t.Fatal(err)
	}
	resp := handshake.AppendResponse(nil, r.Key, &handshake.Response{
		Subprotocol: r.SelectSubprotocol([]string{"v2.chat"}),
		Extensions:  offered[:1],
	})
	hr, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(resp)), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, exts, err := handshake.CheckResponse(hr, key, []string{"v1.chat", "v2.chat"}, deflateOffer)
	if err != nil || p != "v2.chat" {
		t.Fatalf("CheckResponse = %q, %v, %v, want v2.chat", p, exts, err)
	}
	if diff := cmp.Diff(deflateOffer[:1], exts); diff != "" {
		t.Errorf("accepted extensions mismatch (-want +got):\n%s", diff)
	}
}
