package deflate_test

import (
	"bytes"
	"compress/flate"
	"io"
	"testing"

	"github.com/wirefast/websocket/deflate"
)

// windowSizes are every window RFC 7692 allows.
var windowSizes = []int{8, 9, 10, 11, 12, 13, 14, 15}

// tail is what RFC 7692 strips from a compressed message and a receiver
// appends.
var tail = []byte{0x00, 0x00, 0xff, 0xff}

// stdInflater inflates a sequence of compressed messages with
// compress/flate, carrying the last 32 KiB as the dictionary when the
// stream has context takeover.
type stdInflater struct {
	takeover bool
	dict     []byte
}

func (s *stdInflater) inflate(t testing.TB, payload []byte) []byte {
	t.Helper()
	in := append(append([]byte(nil), payload...), tail...)
	var dict []byte
	if s.takeover {
		dict = s.dict
	}
	got, err := io.ReadAll(flate.NewReaderDict(bytes.NewReader(in), dict))
	if err != nil && err != io.ErrUnexpectedEOF { // a sync-flushed stream has no final block
		t.Fatalf("compress/flate: %v", err)
	}
	if s.takeover {
		s.dict = append(s.dict, got...)
		if len(s.dict) > 32768 {
			s.dict = s.dict[len(s.dict)-32768:]
		}
	}
	return got
}

// stdCompress compresses msgs as a peer using compress/flate would: one
// Writer with a sync flush per message (context takeover) or a fresh one
// per message, the tail stripped.
func stdCompress(t testing.TB, msgs [][]byte, level int, takeover bool) [][]byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range msgs {
		if !takeover {
			w.Reset(&buf)
		}
		buf.Reset()
		w.Write(m)
		w.Flush()
		b := buf.Bytes()
		if !bytes.HasSuffix(b, tail) {
			t.Fatalf("compress/flate output does not end with the sync flush tail")
		}
		out = append(out, append([]byte(nil), b[:len(b)-4]...))
	}
	return out
}

// testMessages returns a mix of corpus messages of many sizes, with
// repeats, empties and incompressible bytes.
func testMessages(short bool) [][]byte {
	var msgs [][]byte
	sizes := []int{0, 1, 3, 4, 5, 7, 8, 9, 12, 63, 64, 200, 1000, 5000, 40000, 70000}
	if short {
		sizes = []int{0, 1, 5, 64, 1000, 5000}
	}
	for _, kind := range []string{"json", "chat", "logs"} {
		for _, size := range sizes {
			m := []byte{}
			if size > 0 {
				m = corpusMessage(kind, size)
			}
			msgs = append(msgs, m)
		}
	}
	msgs = append(msgs, msgs[8], noise(3000, 1), make([]byte, 100000), msgs[4])
	return msgs
}

// corpusMessage returns a corpus message of exactly size bytes.
func corpusMessage(kind string, size int) []byte {
	return deflate.CorpusMessages(kind, size, 1)[0]
}

// noise returns n pseudo-random bytes.
func noise(n int, seed uint64) []byte {
	b := make([]byte, n)
	x := seed*0x9e3779b97f4a7c15 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x >> 24)
	}
	return b
}
