package handshake_test

import (
	"bufio"
	"bytes"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirefast/websocket/handshake"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The lines of the request of RFC 6455, Section 1.2, without its optional
// fields.
const (
	lineGET    = "GET /chat HTTP/1.1"
	hHost      = "Host: server.example.com"
	hUpgrade   = "Upgrade: websocket"
	hConn      = "Connection: Upgrade"
	hKey       = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
	hVersion   = "Sec-WebSocket-Version: 13"
	rfcKey     = "dGhlIHNhbXBsZSBub25jZQ=="
	rfcAccept  = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
	rfcRequest = lineGET + "\r\n" + hHost + "\r\n" + hUpgrade + "\r\n" + hConn + "\r\n" + hKey + "\r\n" +
		"Origin: http://example.com\r\n" +
		"Sec-WebSocket-Protocol: chat, superchat\r\n" + hVersion + "\r\n\r\n"
)

// browserRequest is what Chrome sends to open ws://localhost:8080/ws.
const browserRequest = "GET /ws HTTP/1.1\r\n" +
	"Host: localhost:8080\r\n" +
	"Connection: Upgrade\r\n" +
	"Pragma: no-cache\r\n" +
	"Cache-Control: no-cache\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n" +
	"Upgrade: websocket\r\n" +
	"Origin: http://localhost:8080\r\n" +
	"Sec-WebSocket-Version: 13\r\n" +
	"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
	"Accept-Language: en-US,en;q=0.9\r\n" +
	"Cookie: session=4f2a9c1e7b; theme=dark\r\n" +
	"Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n" +
	"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
	"\r\n"

// wire joins lines into a request head: CRLF after each, then the blank
// line.
func wire(lines ...string) string {
	return strings.Join(lines, "\r\n") + "\r\n\r\n"
}

// httpRequest parses b with net/http, as its server would.
func httpRequest(t testing.TB, b []byte) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatalf("http.ReadRequest(%q): %v", b, err)
	}
	return r
}

// golden compares got with testdata/golden/name.golden, or rewrites the
// file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
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
		t.Errorf("%s mismatch:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// view is a Request with strings for comparison by cmp.
type view struct {
	Method, Target         string
	ProtoMajor, ProtoMinor int
	Host, Key, Version     string
	Origin                 string
	Fields                 [][2]string
}

func viewOf(r *handshake.Request) view {
	v := view{
		Method: string(r.Method), Target: string(r.Target),
		ProtoMajor: r.ProtoMajor, ProtoMinor: r.ProtoMinor,
		Host: string(r.Host), Key: string(r.Key), Version: string(r.Version), Origin: string(r.Origin),
	}
	for name, value := range r.Fields() {
		v.Fields = append(v.Fields, [2]string{string(name), string(value)})
	}
	return v
}
