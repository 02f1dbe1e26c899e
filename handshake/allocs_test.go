package handshake_test

import (
	"net/http"
	"testing"

	"github.com/wirefast/websocket/handshake"
)

// TestZeroAllocs lists the calls documented not to allocate. Arguments are
// built inside the measured function, as a caller in another package
// would write them, so that any escape of theirs is counted.
func TestZeroAllocs(t *testing.T) {
	raw := []byte(browserRequest)
	r, _, err := handshake.ParseRequest(raw)
	if err != nil {
		t.Fatal(err)
	}
	hr := httpRequest(t, raw)
	key := []byte(rfcKey)
	buf := make([]byte, 0, 1024)
	tests := []struct {
		name string
		fn   func()
	}{
		{"AppendAcceptKey", func() { buf = handshake.AppendAcceptKey(buf[:0], key) }},
		{"ValidKey", func() { handshake.ValidKey(rfcKey) }},
		{"ParseRequest", func() { handshake.ParseRequest(raw) }},
		{"ParseRequest need more", func() { handshake.ParseRequest(raw[:len(raw)-1]) }},
		{"CheckRequest", func() { handshake.CheckRequest(hr) }},
		{"Request.Get", func() { r.Get("Cookie") }},
		{"Request.Values", func() {
			for v := range r.Values("Accept-Language") {
				_ = v
			}
		}},
		{"Request.Fields", func() {
			for name, v := range r.Fields() {
				_, _ = name, v
			}
		}},
		{"Request.SelectSubprotocol", func() { r.SelectSubprotocol([]string{"mqtt", "chat"}) }},
		{"Request.CheckOrigin", func() { r.CheckOrigin([]string{"*.example.com"}) }},
		{"CheckOrigin", func() { handshake.CheckOrigin("https://example.com", "example.com:443", []string{"*.example.org"}) }},
		{"SelectSubprotocol", func() { handshake.SelectSubprotocol([]string{"a, b", "c"}, []string{"c", "b"}) }},
		{"ContainsToken", func() { handshake.ContainsToken([]string{"keep-alive, Upgrade"}, "upgrade") }},
		{"IsToken", func() { handshake.IsToken("permessage-deflate") }},
		{"AppendResponse", func() {
			buf = handshake.AppendResponse(buf[:0], key, &handshake.Response{
				Subprotocol: "chat",
				Extensions: []handshake.Extension{{Name: "permessage-deflate", Params: []handshake.Param{
					{Name: "server_no_context_takeover"}, {Name: "client_max_window_bits", Value: "10"}}}},
			})
		}},
		{"AppendErrorResponse", func() { buf = handshake.AppendErrorResponse(buf[:0], http.StatusUpgradeRequired, "handshake: no") }},
		{"AppendExtensions", func() {
			buf = handshake.AppendExtensions(buf[:0], []handshake.Extension{{Name: "x", Params: []handshake.Param{{Name: "a", Value: "1"}}}})
		}},
		{"AppendRequest", func() {
			buf, _ = handshake.AppendRequest(buf[:0], &handshake.ClientRequest{
				Target: "/chat", Host: "server.example.com", Key: rfcKey, Subprotocols: []string{"chat"},
				Extensions: []handshake.Extension{{Name: "permessage-deflate"}},
			})
		}},
	}
	for _, tc := range tests {
		if allocs := testing.AllocsPerRun(100, tc.fn); allocs != 0 {
			t.Errorf("%s allocates %v times, want 0", tc.name, allocs)
		}
	}
}
