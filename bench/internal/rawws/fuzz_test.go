package rawws

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzLimit caps the messages FuzzReadMessage reads, in bytes.
const fuzzLimit = 1 << 16

// FuzzReadMessage reads messages from arbitrary bytes: it must never
// panic or allocate past the limit, every error must be a documented one,
// and every message read must read back the same once framed again.
func FuzzReadMessage(f *testing.F) {
	f.Add(AppendFrame(nil, OpText, []byte("hello"), true, [4]byte{1, 2, 3, 4}))
	f.Add(append(frame(OpBinary, []byte("ab")), frame(0x80|OpContinuation, []byte("cd"))...))
	f.Add(frame(0x80|OpClose, []byte{3, 232}))
	f.Add([]byte{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReader(bytes.NewReader(data))
		for range 100 {
			op, msg, err := ReadMessage(br, nil, fuzzLimit)
			if err != nil {
				if !errors.Is(err, ErrClosed) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrProtocol) &&
					err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("undocumented error %v", err)
				}
				return
			}
			if len(msg) > fuzzLimit {
				t.Fatalf("message of %d bytes past the limit %d", len(msg), fuzzLimit)
			}
			again := AppendFrame(nil, op, msg, false, [4]byte{})
			op2, msg2, err := ReadMessage(bufio.NewReader(bytes.NewReader(again)), nil, fuzzLimit)
			if err != nil || op2 != op || !bytes.Equal(msg2, msg) {
				t.Fatalf("re-framed message read back as %d, %d bytes, %v; want %d, %d bytes", op2, len(msg2), err, op, len(msg))
			}
		}
	})
}

// FuzzReadResponse checks handshake responses: no panic, a bounded read,
// and acceptance only of a 101 with the right key.
func FuzzReadResponse(f *testing.F) {
	const key = "dGhlIHNhbXBsZSBub25jZQ=="
	f.Add([]byte("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 101\r\nSec-WebSocket-Accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &countingReader{r: bytes.NewReader(data)}
		err := ReadResponse(bufio.NewReaderSize(r, 16), key)
		if r.n > MaxResponseBytes+4096 {
			t.Fatalf("read %d bytes, past the %d-byte bound", r.n, MaxResponseBytes)
		}
		if err == nil && !bytes.Contains(data, []byte(AcceptKey(key))) {
			t.Fatalf("accepted a response without the accept key: %q", data)
		}
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// FuzzReadCompressed reads messages from arbitrary bytes as a
// connection with permessage-deflate does, inflating the compressed ones
// within the limit: no panic, no output past the limit, only documented
// errors.
func FuzzReadCompressed(f *testing.F) {
	key := [4]byte{1, 2, 3, 4}
	f.Add(AppendCompressedFrame(nil, OpText, Compress([]byte("hello hello hello")), key))
	f.Add(AppendCompressedFrame(nil, OpBinary, []byte{0xff, 0x00}, key))
	f.Add(append(AppendFrame(nil, OpText, []byte("plain"), true, key), AppendCompressedFrame(nil, OpText, Compress(nil), key)...))
	f.Add(AppendCompressedFrame(nil, OpText, Compress(bytes.Repeat([]byte("a"), 3*fuzzLimit)), key))
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReader(bytes.NewReader(data))
		var inf Inflater
		for range 100 {
			_, compressed, msg, err := ReadMessageRSV1(br, nil, fuzzLimit)
			if err == nil && compressed {
				msg, err = inf.Inflate(nil, msg, fuzzLimit)
			}
			if err != nil {
				if !errors.Is(err, ErrClosed) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrProtocol) &&
					!errors.Is(err, ErrInflate) && err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("undocumented error %v", err)
				}
				return
			}
			if len(msg) > fuzzLimit {
				t.Fatalf("message of %d bytes past the limit %d", len(msg), fuzzLimit)
			}
		}
	})
}
