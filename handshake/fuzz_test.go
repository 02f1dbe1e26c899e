package handshake_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket/handshake"
)

// maxFuzzRequest caps fuzz inputs a little over the request size limit,
// so that the limits are exercised without slowing each input.
const maxFuzzRequest = handshake.MaxRequestBytes + 256

// syntaxErrors are ParseRequest's errors about the bytes themselves, which
// net/http may judge differently.
var syntaxErrors = []error{
	handshake.ErrMalformedRequestLine, handshake.ErrMalformedHeader,
	handshake.ErrRequestLineTooLong, handshake.ErrHeaderLineTooLong,
	handshake.ErrTooManyHeaders, handshake.ErrRequestTooLarge,
}

// FuzzParseRequest checks that ParseRequest never panics; that it asks
// for more input only when no complete head is there; that what it
// rejects is a documented error with its status; that what it accepts
// re-serializes to a request it parses the same way; and, as a
// differential oracle, that net/http's http.ReadRequest followed by
// CheckRequest agrees with it wherever net/http can read the same bytes.
func FuzzParseRequest(f *testing.F) {
	for _, tc := range ruleCases {
		f.Add([]byte(tc.req))
	}
	for _, tc := range syntaxCases {
		f.Add([]byte(tc.req))
	}
	f.Add([]byte(browserRequest))
	f.Add([]byte(rfcRequest + "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"))
	f.Add([]byte(rfcRequest[:len(rfcRequest)-1]))
	f.Add([]byte(wire(lineGET, hHost, hUpgrade, hConn, hKey, hVersion, "Origin: null")))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > maxFuzzRequest {
			return
		}
		r, n, err := handshake.ParseRequest(b)
		if err == handshake.ErrNeedMore {
			if n != 0 || len(b) >= handshake.MaxRequestBytes || bytes.Contains(b, []byte("\r\n\r\n")) {
				t.Fatalf("ParseRequest(%q) = _, %d, ErrNeedMore with a complete or full input", b, n)
			}
			return
		}
		if err != nil {
			if want, ok := wantStatus[err]; !ok {
				t.Fatalf("ParseRequest(%q): undocumented error %v", b, err)
			} else if got, _ := handshake.StatusOf(err); got != want {
				t.Fatalf("ParseRequest(%q): error %v has status %d, want %d", b, err, got, want)
			}
			if n != 0 {
				t.Fatalf("ParseRequest(%q) = _, %d, %v, want n = 0", b, n, err)
			}
			differentialReject(t, b, err)
			return
		}

		head := b[:n]
		if n < 4 || !bytes.HasSuffix(head, []byte("\r\n\r\n")) || bytes.Index(head, []byte("\r\n\r\n")) != n-4 || n > handshake.MaxRequestBytes {
			t.Fatalf("ParseRequest(%q) took %d bytes, not a head", b, n)
		}
		if string(r.Method) != "GET" || string(r.Version) != "13" || !handshake.ValidKey(string(r.Key)) || len(r.Host) == 0 {
			t.Fatalf("ParseRequest(%q) accepted %+v", b, viewOf(&r))
		}

		// Re-serialized with normalized whitespace, it parses the same.
		got := viewOf(&r)
		var buf bytes.Buffer
		buf.WriteString(got.Method + " " + got.Target + " HTTP/" + string(rune('0'+got.ProtoMajor)) + "." + string(rune('0'+got.ProtoMinor)) + "\r\n")
		for _, f := range got.Fields {
			buf.WriteString(f[0] + ": " + f[1] + "\r\n")
		}
		buf.WriteString("\r\n")
		r2, n2, err := handshake.ParseRequest(buf.Bytes())
		if err != nil || n2 != buf.Len() {
			t.Fatalf("ParseRequest(re-serialized %q) = _, %d, %v", buf.Bytes(), n2, err)
		}
		if diff := cmp.Diff(got, viewOf(&r2)); diff != "" {
			t.Fatalf("re-serialized request parses differently (-first +second):\n%s", diff)
		}

		// Differential: where net/http reads the same head, CheckRequest
		// accepts it and both saw the same thing.
		hr, herr := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		if herr != nil {
			return // stricter or different HTTP parsing: nothing to compare
		}
		key, err := handshake.CheckRequest(hr)
		if err != nil {
			t.Fatalf("ParseRequest accepts %q, CheckRequest rejects it: %v", head, err)
		}
		if key != got.Key || hr.Method != got.Method || hr.RequestURI != got.Target ||
			hr.ProtoMajor != got.ProtoMajor || hr.ProtoMinor != got.ProtoMinor {
			t.Fatalf("ParseRequest and net/http differ on %q: %+v vs %q %q %q %d.%d",
				head, got, key, hr.Method, hr.RequestURI, hr.ProtoMajor, hr.ProtoMinor)
		}
		if hr.Host != got.Host {
			t.Fatalf("ParseRequest and net/http differ on Host of %q: %q vs %q", head, got.Host, hr.Host)
		}
		fields := http.Header{}
		for _, f := range got.Fields {
			if !strings.EqualFold(f[0], "Host") {
				fields.Add(f[0], f[1])
			}
		}
		if _, ok := fields["Cache-Control"]; !ok {
			if p := hr.Header["Pragma"]; len(p) > 0 && p[0] == "no-cache" {
				hr.Header.Del("Cache-Control") // net/http adds it for HTTP/1.0 caches
			}
		}
		if diff := cmp.Diff(hr.Header, fields); diff != "" {
			t.Fatalf("fields of %q differ (-net/http +ParseRequest):\n%s", head, diff)
		}
		if p := r.SelectSubprotocol([]string{"chat", "superchat"}); p != handshake.SelectSubprotocol(hr.Header["Sec-Websocket-Protocol"], []string{"chat", "superchat"}) {
			t.Fatalf("SelectSubprotocol differs on %q", head)
		}
		exts, err := r.Extensions()
		hexts, herr := handshake.ParseExtensions(hr.Header["Sec-Websocket-Extensions"])
		if err != nil || herr != nil {
			t.Fatalf("accepted %q but its extensions fail: %v, %v", head, err, herr)
		}
		if diff := cmp.Diff(hexts, exts); diff != "" {
			t.Fatalf("extensions of %q differ (-net/http +ParseRequest):\n%s", head, diff)
		}
	})
}

// differentialReject checks that a request ParseRequest rejects for a
// handshake rule (not its syntax) is rejected with the same error by
// CheckRequest, whenever net/http can read it.
func differentialReject(t *testing.T, b []byte, err error) {
	for _, e := range syntaxErrors {
		if err == e {
			return
		}
	}
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		return
	}
	head := b[:end+4]
	hr, herr := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if herr != nil || !strings.HasPrefix(hr.RequestURI, "/") {
		return // net/http refuses it, or takes Host from the target
	}
	if _, cerr := handshake.CheckRequest(hr); cerr != err {
		t.Fatalf("ParseRequest(%q) = %v, CheckRequest = %v", head, err, cerr)
	}
}

// FuzzExtensions checks that ParseExtensions never panics, rejects only
// with ErrBadExtensions, agrees with the validation CheckRequest does
// without building, and that what it accepts formats and parses back to
// the same value, a fixed point of AppendExtensions.
func FuzzExtensions(f *testing.F) {
	for _, tc := range extensionCases {
		f.Add(strings.Join(tc.values, "\n"))
	}
	for _, s := range []string{"x;", `x; a="1\"`, `x; a="\1\0"`, "x; a=", ",", "", "a\nb", "x; a = \"b\"  ,y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		values := strings.Split(s, "\n")
		exts, err := handshake.ParseExtensions(values)

		hr := &http.Request{Method: "GET", ProtoMajor: 1, ProtoMinor: 1, Host: "example.com", Header: http.Header{
			"Upgrade": {"websocket"}, "Connection": {"upgrade"}, "Sec-Websocket-Version": {"13"},
			"Sec-Websocket-Key": {rfcKey}, "Sec-Websocket-Extensions": values,
		}}
		if _, cerr := handshake.CheckRequest(hr); (cerr != nil) != (err != nil) {
			t.Fatalf("ParseExtensions(%q) error %v, CheckRequest error %v", values, err, cerr)
		}
		if err != nil {
			if !errors.Is(err, handshake.ErrBadExtensions) || exts != nil {
				t.Fatalf("ParseExtensions(%q) = %v, %v, want nil, ErrBadExtensions", values, exts, err)
			}
			return
		}
		if len(exts) == 0 {
			t.Fatalf("ParseExtensions(%q) accepted no extension", values)
		}
		for _, e := range exts {
			if !handshake.IsToken(e.Name) {
				t.Fatalf("ParseExtensions(%q) name %q is not a token", values, e.Name)
			}
			for _, p := range e.Params {
				if !handshake.IsToken(p.Name) || p.Value != "" && !handshake.IsToken(p.Value) {
					t.Fatalf("ParseExtensions(%q) param %q is not made of tokens", values, p)
				}
			}
		}
		out := handshake.AppendExtensions(nil, exts)
		back, err := handshake.ParseExtensions([]string{string(out)})
		if err != nil {
			t.Fatalf("ParseExtensions(AppendExtensions(%v) = %q): %v", exts, out, err)
		}
		if diff := cmp.Diff(exts, back); diff != "" {
			t.Fatalf("round trip through %q differs (-first +second):\n%s", out, diff)
		}
		if again := handshake.AppendExtensions(nil, back); !bytes.Equal(again, out) {
			t.Fatalf("AppendExtensions not a fixed point: %q then %q", out, again)
		}
	})
}

// FuzzCheckOrigin checks that CheckOrigin never panics, returns only its
// documented errors, agrees with Request.CheckOrigin, and that every
// origin it can parse is one net/url parses to the same host with no
// path.
func FuzzCheckOrigin(f *testing.F) {
	f.Add("https://example.com", "example.com", "")
	f.Add("http://example.com:80", "example.com", "")
	f.Add("https://app.example.com", "api.example.com", "*.example.com")
	f.Add("http://[::1]:8080", "[::1]:8080", "")
	f.Add("null", "example.com", "*")
	f.Add("http://a", "b", "[")
	f.Fuzz(func(t *testing.T, origin, host, pattern string) {
		if len(origin)+len(host)+len(pattern) > 1024 {
			return
		}
		var patterns []string
		if pattern != "" {
			patterns = strings.Split(pattern, ",")
		}
		err := handshake.CheckOrigin(origin, host, patterns)
		switch {
		case err == nil, err == handshake.ErrOriginNotAllowed, err == handshake.ErrBadOrigin:
		case errors.Is(err, path.ErrBadPattern):
		default:
			t.Fatalf("CheckOrigin(%q, %q, %q): undocumented error %v", origin, host, patterns, err)
		}
		if origin != "" && !strings.Contains(pattern, "*") && err != handshake.ErrBadOrigin {
			u, uerr := url.Parse(origin)
			if uerr != nil || u.Path != "" || u.User != nil || u.RawQuery != "" || !strings.EqualFold(u.Scheme+"://"+u.Host, origin) {
				t.Fatalf("CheckOrigin(%q) parsed it; net/url: %+v, %v", origin, u, uerr)
			}
		}
		// The same check on a parsed request.
		req := "GET / HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + hKey + "\r\n" + hVersion + "\r\nOrigin: " + origin + "\r\n\r\n"
		r, _, perr := handshake.ParseRequest([]byte(req))
		if perr != nil || string(r.Origin) != origin || string(r.Host) != host {
			return
		}
		if rerr := r.CheckOrigin(patterns); rerr != err && !(errors.Is(rerr, path.ErrBadPattern) && errors.Is(err, path.ErrBadPattern)) {
			t.Fatalf("Request.CheckOrigin = %v, CheckOrigin = %v for %q, %q, %q", rerr, err, origin, host, patterns)
		}
	})
}

// FuzzValidKey compares ValidKey with encoding/base64's strict decoder.
func FuzzValidKey(f *testing.F) {
	for _, k := range []string{rfcKey, "dGhlIHNhbXBsZSBub25jZR==", "dGhlIHNhbXBsZSBub25jZSE=", "AAAAAAAAAAAAAAAAAAAAAA=="} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		b, err := base64.StdEncoding.Strict().DecodeString(key)
		want := err == nil && len(b) == 16 && !strings.ContainsAny(key, "\r\n")
		if got := handshake.ValidKey(key); got != want {
			t.Fatalf("ValidKey(%q) = %v, strict decoder says %v", key, got, want)
		}
	})
}
