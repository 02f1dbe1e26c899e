package handshake_test

import (
	"errors"
	"path"
	"testing"

	"github.com/wirefast/websocket/handshake"
)

func TestCheckOrigin(t *testing.T) {
	tests := []struct {
		name     string
		origin   string
		host     string
		patterns []string
		wantErr  error
	}{
		{"no origin", "", "example.com", nil, nil},
		{"same host", "https://example.com", "example.com", nil, nil},
		{"same host and port", "http://example.com:8080", "example.com:8080", nil, nil},
		{"case folded", "https://EXAMPLE.com", "example.COM", nil, nil},
		{"default port on host", "https://example.com", "example.com:443", nil, nil},
		{"default port on origin", "http://example.com:80", "example.com", nil, nil},
		{"ws default port", "ws://example.com", "example.com:80", nil, nil},
		{"wss default port", "wss://example.com:443", "example.com", nil, nil},
		{"IPv6", "http://[::1]:8080", "[::1]:8080", nil, nil},
		{"other port", "http://example.com:8080", "example.com", nil, handshake.ErrOriginNotAllowed},
		{"wrong default port", "http://example.com", "example.com:443", nil, handshake.ErrOriginNotAllowed},
		{"unknown scheme port", "foo://example.com", "example.com:80", nil, handshake.ErrOriginNotAllowed},
		{"cross site", "https://evil.example", "example.com", nil, handshake.ErrOriginNotAllowed},
		{"suffix attack", "https://example.com.evil.example", "example.com", nil, handshake.ErrOriginNotAllowed},
		{"pattern match", "https://app.example.com", "api.example.com", []string{"*.example.com"}, nil},
		{"pattern case folded", "https://APP.example.com", "api.example.com", []string{"*.EXAMPLE.com"}, nil},
		{"pattern port", "http://localhost:3000", "localhost:8080", []string{"localhost:*"}, nil},
		{"pattern without port", "http://localhost:3000", "localhost:8080", []string{"localhost"}, handshake.ErrOriginNotAllowed},
		{"pattern no match", "https://evil.example", "example.com", []string{"*.example.com", "example.org"}, handshake.ErrOriginNotAllowed},
		{"star allows all", "https://evil.example", "example.com", []string{"example.org", "*"}, nil},
		{"star allows null", "null", "example.com", []string{"*"}, nil},
		{"null", "null", "example.com", nil, handshake.ErrBadOrigin},
		{"null with patterns", "null", "example.com", []string{"*.example.com"}, handshake.ErrBadOrigin},
		{"path", "https://example.com/", "example.com", nil, handshake.ErrBadOrigin},
		{"userinfo", "https://user@example.com", "example.com", nil, handshake.ErrBadOrigin},
		{"query", "https://example.com?x", "example.com", nil, handshake.ErrBadOrigin},
		{"no scheme", "example.com", "example.com", nil, handshake.ErrBadOrigin},
		{"empty scheme", "://example.com", "example.com", nil, handshake.ErrBadOrigin},
		{"bad scheme", "1http://example.com", "example.com", nil, handshake.ErrBadOrigin},
		{"empty host", "https://", "example.com", nil, handshake.ErrBadOrigin},
		{"empty port", "https://example.com:", "example.com:", nil, handshake.ErrBadOrigin},
		{"bad port", "https://example.com:8o", "example.com:8o", nil, handshake.ErrBadOrigin},
		{"two ports", "https://example.com:1:2", "example.com:1:2", nil, handshake.ErrBadOrigin},
		{"unclosed bracket", "http://[::1", "[::1", nil, handshake.ErrBadOrigin},
		{"empty brackets", "http://[]", "[]", nil, handshake.ErrBadOrigin},
		{"bracket inside", "http://a]b", "a]b", nil, handshake.ErrBadOrigin},
		{"junk after bracket", "http://[::1]x", "[::1]x", nil, handshake.ErrBadOrigin},
		{"space", "https://exa mple.com", "example.com", nil, handshake.ErrBadOrigin},
		{"percent", "https://ex%61mple.com", "ex%61mple.com", nil, handshake.ErrBadOrigin},
		{"IPv4 in brackets", "http://[127.0.0.1]", "[127.0.0.1]", nil, handshake.ErrBadOrigin},
		{"IPv6 zone", "http://[fe80::1%25en0]", "[fe80::1%25en0]", nil, handshake.ErrBadOrigin},
		{"IPv6 not an address", "http://[0]", "[0]", nil, handshake.ErrBadOrigin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := handshake.CheckOrigin(tc.origin, tc.host, tc.patterns)
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("CheckOrigin(%q, %q, %q) = %v, want %v", tc.origin, tc.host, tc.patterns, err, tc.wantErr)
			}
			if err != nil {
				if status, _ := handshake.StatusOf(err); status != 403 {
					t.Errorf("CheckOrigin(%q, %q, %q) status = %d, want 403", tc.origin, tc.host, tc.patterns, status)
				}
			}
			// The Request method agrees.
			req := wire(lineGET, "Host: "+tc.host, hUpgrade, hConn, hKey, hVersion)
			if tc.origin != "" {
				req = wire(lineGET, "Host: "+tc.host, hUpgrade, hConn, hKey, hVersion, "Origin: "+tc.origin)
			}
			r, _, perr := handshake.ParseRequest([]byte(req))
			if perr != nil {
				return // a Host the request parser refuses
			}
			if err := r.CheckOrigin(tc.patterns); !errors.Is(err, tc.wantErr) {
				t.Errorf("Request.CheckOrigin(%q) with Origin %q = %v, want %v", tc.patterns, tc.origin, err, tc.wantErr)
			}
		})
	}
}

func TestCheckOriginBadPattern(t *testing.T) {
	err := handshake.CheckOrigin("https://evil.example", "example.com", []string{"[a-"})
	if !errors.Is(err, path.ErrBadPattern) {
		t.Errorf("CheckOrigin with pattern [a- = %v, want path.ErrBadPattern", err)
	}
	if _, ok := handshake.StatusOf(err); ok {
		t.Errorf("CheckOrigin with pattern [a- = %v, has a status", err)
	}
	// Same-origin requests never consult the patterns.
	if err := handshake.CheckOrigin("https://example.com", "example.com", []string{"[a-"}); err != nil {
		t.Errorf("CheckOrigin same origin with bad pattern = %v, want nil", err)
	}
}

func TestCheckOriginAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if err := handshake.CheckOrigin("https://example.com", "example.com:443", []string{"*.example.org"}); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("CheckOrigin same origin allocates %v times, want 0", allocs)
	}
}
