package rawws

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// websocketGUID is the key suffix of RFC 6455, Section 1.3.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// MaxResponseBytes bounds the handshake response Handshake reads, in bytes.
const MaxResponseBytes = 8 << 10

// NewKey returns a random Sec-WebSocket-Key: 16 random bytes in base64.
func NewKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return base64.StdEncoding.EncodeToString(b[:])
}

// AcceptKey returns the Sec-WebSocket-Accept value for key.
func AcceptKey(key string) string {
	h := sha1.Sum([]byte(key + websocketGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// AppendRequest appends an opening handshake request for path on host
// with key to dst. It offers no subprotocol and no extension.
func AppendRequest(dst []byte, host, path, key string) []byte {
	return AppendRequestExtensions(dst, host, path, key, "")
}

// AppendRequestExtensions is AppendRequest offering extensions, the value
// of a Sec-WebSocket-Extensions header (none when empty), such as
// DeflateOffer.
func AppendRequestExtensions(dst []byte, host, path, key, extensions string) []byte {
	dst = append(dst, "GET "...)
	dst = append(dst, path...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	dst = append(dst, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "...)
	dst = append(dst, key...)
	if extensions != "" {
		dst = append(dst, "\r\nSec-WebSocket-Extensions: "...)
		dst = append(dst, extensions...)
	}
	dst = append(dst, "\r\nSec-WebSocket-Version: 13\r\n\r\n"...)
	return dst
}

// Handshake sends the opening handshake request for path on nc and checks
// the server's 101 response, within timeout. The returned reader, of
// bufSize bytes, holds whatever the server sent after the response; read
// the connection through it from then on.
func Handshake(nc net.Conn, path string, bufSize int, timeout time.Duration) (*bufio.Reader, error) {
	br, _, err := HandshakeExtensions(nc, path, "", bufSize, timeout)
	return br, err
}

// HandshakeExtensions is Handshake offering extensions (see
// AppendRequestExtensions); it also returns the response's
// Sec-WebSocket-Extensions, for the caller to check.
func HandshakeExtensions(nc net.Conn, path, extensions string, bufSize int, timeout time.Duration) (*bufio.Reader, string, error) {
	_ = nc.SetDeadline(time.Now().Add(timeout))
	defer nc.SetDeadline(time.Time{})
	key := NewKey()
	if _, err := nc.Write(AppendRequestExtensions(nil, nc.RemoteAddr().String(), path, key, extensions)); err != nil {
		return nil, "", fmt.Errorf("rawws: write request: %w", err)
	}
	br := bufio.NewReaderSize(nc, bufSize)
	got, err := ReadResponseExtensions(br, key)
	if err != nil {
		return nil, "", err
	}
	return br, got, nil
}

// ErrBadResponse is returned by ReadResponse and Handshake when the server
// does not answer with a valid 101 Switching Protocols response.
var ErrBadResponse = errors.New("rawws: bad handshake response")

// ReadResponse reads a handshake response from br and checks that it is
// 101 Switching Protocols with the right Sec-WebSocket-Accept for key.
func ReadResponse(br *bufio.Reader, key string) error {
	_, err := ReadResponseExtensions(br, key)
	return err
}

// ReadResponseExtensions is ReadResponse also returning the response's
// Sec-WebSocket-Extensions values, joined with ", " when repeated.
func ReadResponseExtensions(br *bufio.Reader, key string) (string, error) {
	total := 0
	var extensions []string
	status := ""
	accept := ""
	for {
		line, err := br.ReadString('\n')
		total += len(line)
		if total > MaxResponseBytes {
			return "", fmt.Errorf("%w: larger than %d bytes", ErrBadResponse, MaxResponseBytes)
		}
		if err != nil {
			return "", fmt.Errorf("rawws: read response: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if status == "" {
			status = line
			continue
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		switch {
		case !ok:
		case strings.EqualFold(strings.TrimSpace(name), "Sec-WebSocket-Accept"):
			accept = strings.TrimSpace(value)
		case strings.EqualFold(strings.TrimSpace(name), "Sec-WebSocket-Extensions"):
			extensions = append(extensions, strings.TrimSpace(value))
		}
	}
	if f := strings.Fields(status); len(f) < 2 || f[1] != "101" {
		return "", fmt.Errorf("%w: status %q", ErrBadResponse, status)
	}
	if accept != AcceptKey(key) {
		return "", fmt.Errorf("%w: Sec-WebSocket-Accept %q", ErrBadResponse, accept)
	}
	return strings.Join(extensions, ", "), nil
}
