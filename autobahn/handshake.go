package autobahn

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Identity and protocol constants of the opening handshake (RFC 6455,
// Section 4).
const (
	// Agent is what the fuzzer puts in User-Agent (client mode) and Server
	// (server mode): the suite and engine versions it reproduces.
	Agent = "AutobahnTestSuite/25.10.1-0.10.9 (wirefast)"

	acceptGUID     = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
	maxHandshake   = 16 << 10 // bytes, request or response head
	wsVersion      = "13"
	hdrExtensions  = "Sec-WebSocket-Extensions"
	hdrKey         = "Sec-WebSocket-Key"
	hdrAccept      = "Sec-WebSocket-Accept"
	hdrVersion     = "Sec-WebSocket-Version"
	upgradeToken   = "websocket"
	connectionWord = "upgrade"
)

// acceptKey computes Sec-WebSocket-Accept for a Sec-WebSocket-Key.
func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// newKey returns a fresh random Sec-WebSocket-Key.
func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// hasToken reports whether any of the comma-separated header values
// contains tok, compared case-insensitively.
func hasToken(values []string, tok string) bool {
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), tok) {
				return true
			}
		}
	}
	return false
}

// clientRequest builds the opening handshake request for u with the given
// key and extension offer (empty for none).
func clientRequest(u *url.URL, key, offer string) []byte {
	path := u.RequestURI()
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\n", path)
	fmt.Fprintf(&b, "Host: %s\r\n", u.Host)
	fmt.Fprintf(&b, "User-Agent: %s\r\n", Agent)
	b.WriteString("Upgrade: WebSocket\r\nConnection: Upgrade\r\n")
	b.WriteString("Pragma: no-cache\r\nCache-Control: no-cache\r\n")
	fmt.Fprintf(&b, "%s: %s\r\n%s: %s\r\n", hdrKey, key, hdrVersion, wsVersion)
	if offer != "" {
		fmt.Fprintf(&b, "%s: %s\r\n", hdrExtensions, offer)
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// readClientResponse reads and checks the server's handshake response. It
// returns the response head as text (for the report) and the response.
func readClientResponse(br *bufio.Reader, key string) (string, *http.Response, error) {
	head, err := readHead(br)
	if err != nil {
		return "", nil, fmt.Errorf("%w: read response: %v", ErrHandshake, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(head)), nil)
	if err != nil {
		return string(head), nil, fmt.Errorf("%w: %v", ErrHandshake, err)
	}
	switch {
	case resp.StatusCode != http.StatusSwitchingProtocols:
		err = fmt.Errorf("%w: status %d", ErrHandshake, resp.StatusCode)
	case !hasToken(resp.Header.Values("Upgrade"), upgradeToken):
		err = fmt.Errorf("%w: no Upgrade: websocket", ErrHandshake)
	case !hasToken(resp.Header.Values("Connection"), connectionWord):
		err = fmt.Errorf("%w: no Connection: upgrade", ErrHandshake)
	case resp.Header.Get(hdrAccept) != acceptKey(key):
		err = fmt.Errorf("%w: wrong %s", ErrHandshake, hdrAccept)
	}
	return string(head), resp, err
}

// readHead reads an HTTP head up to and including the empty line, at most
// maxHandshake bytes, leaving what follows in br.
func readHead(br *bufio.Reader) ([]byte, error) {
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if len(head) > maxHandshake {
			return head, fmt.Errorf("head longer than %d bytes", maxHandshake)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return head, err
		}
		if len(line) <= 2 && strings.TrimRight(string(line), "\r\n") == "" {
			return head, nil
		}
	}
}

// serverRequest is a parsed client handshake request.
type serverRequest struct {
	head string
	req  *http.Request
	key  string
}

// readServerRequest reads the client's opening handshake and checks the
// parts every WebSocket request must have. A request that is HTTP but not
// a valid upgrade returns the request with an error, so the caller can
// answer 400.
func readServerRequest(br *bufio.Reader) (*serverRequest, error) {
	head, err := readHead(br)
	if err != nil {
		return nil, fmt.Errorf("%w: read request: %v", ErrHandshake, err)
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrHandshake, err)
	}
	sr := &serverRequest{head: string(head), req: req, key: req.Header.Get(hdrKey)}
	raw, kerr := base64.StdEncoding.DecodeString(sr.key)
	switch {
	case req.Method != http.MethodGet:
		err = fmt.Errorf("%w: method %s", ErrHandshake, req.Method)
	case !hasToken(req.Header.Values("Upgrade"), upgradeToken):
		err = fmt.Errorf("%w: no Upgrade: websocket", ErrHandshake)
	case !hasToken(req.Header.Values("Connection"), connectionWord):
		err = fmt.Errorf("%w: no Connection: upgrade", ErrHandshake)
	case req.Header.Get(hdrVersion) != wsVersion:
		err = fmt.Errorf("%w: version %q", ErrHandshake, req.Header.Get(hdrVersion))
	case kerr != nil || len(raw) != 16:
		err = fmt.Errorf("%w: bad %s", ErrHandshake, hdrKey)
	}
	return sr, err
}

// serverResponse builds the 101 response accepting sr with the given
// extension response (empty for none).
func serverResponse(sr *serverRequest, ext string) []byte {
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
	fmt.Fprintf(&b, "Server: %s\r\n", Agent)
	b.WriteString("Upgrade: WebSocket\r\nConnection: Upgrade\r\n")
	fmt.Fprintf(&b, "%s: %s\r\n", hdrAccept, acceptKey(sr.key))
	if ext != "" {
		fmt.Fprintf(&b, "%s: %s\r\n", hdrExtensions, ext)
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// errorResponse builds a plain HTTP error response that closes the
// connection.
func errorResponse(status int, msg string) []byte {
	return fmt.Appendf(nil, "HTTP/1.1 %d %s\r\nServer: %s\r\nContent-Type: text/plain\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), Agent, len(msg), msg)
}
