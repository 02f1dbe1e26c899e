package deflate_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/wirefast/websocket/deflate"
)

// zlibStream is one stream for testdata/zlib/inflate.py and the line it
// must print: "ok N" or a prefix of the failure.
type zlibStream struct {
	w        int
	takeover bool
	strict   bool
	plain    [][]byte
	comp     [][]byte
	want     string
}

// runZlib has zlib inflate the streams through Python and checks each
// outcome. Python's zlib module is the reference; without python3 the
// test fails rather than leave zlib interop unchecked.
func runZlib(t *testing.T, streams []zlibStream) {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 not found: zlib interop cannot be checked (install Debian's python3)")
	}
	var in bytes.Buffer
	in.WriteString("wfz2")
	put := func(b []byte) {
		in.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b))))
		in.Write(b)
	}
	flag := map[bool]byte{true: 1}
	for _, s := range streams {
		in.Write([]byte{byte(s.w), flag[s.takeover], flag[s.strict]})
		in.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s.plain))))
		for i := range s.plain {
			put(s.plain[i])
			put(s.comp[i])
		}
	}
	cmd := exec.Command(python, "testdata/zlib/inflate.py")
	cmd.Stdin = &in
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("inflate.py: %v: %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(streams) {
		t.Fatalf("inflate.py printed %d lines for %d streams: %s", len(lines), len(streams), out)
	}
	for i, s := range streams {
		if !strings.HasPrefix(lines[i], s.want) {
			t.Errorf("stream %d (w%d, takeover=%v, strict=%v): zlib says %q, want %q", i, s.w, s.takeover, s.strict, lines[i], s.want)
		}
	}
}

func compressAll(e *deflate.Encoder, msgs [][]byte) [][]byte {
	var out [][]byte
	for _, m := range msgs {
		out = append(out, e.Compress(nil, m))
	}
	return out
}

// TestEncoderZlib has zlib (through Python, testdata/zlib/inflate.py)
// inflate the encoder's output at every window size, both levels and
// both takeover modes, as python-websockets, Node's ws and browsers do.
// Strict streams are inflated a byte per call with a zlib window of
// exactly 2^w bytes, so any distance beyond it fails with "invalid
// distance too far back": the encoder's repeat exactly 2^w back passes,
// and a control stream 2^w + 1 back (from a larger window) fails.
func TestEncoderZlib(t *testing.T) {
	var streams []zlibStream
	msgs := testMessages(true)
	for _, w := range windowSizes {
		for _, level := range []deflate.Level{deflate.BestSpeed, deflate.BetterCompression} {
			for _, takeover := range []bool{false, true} {
				e := deflate.NewEncoder(w, takeover, level)
				streams = append(streams, zlibStream{w: w, takeover: takeover, plain: msgs,
					comp: compressAll(e, msgs), want: fmt.Sprintf("ok %d", len(msgs))})
			}
		}
		r := noise(1<<w, uint64(w))
		edge := [][]byte{append(append([]byte(nil), r...), r...), r[:len(r)/2], corpusMessage("json", 3000)}
		for _, takeover := range []bool{false, true} {
			e := deflate.NewEncoder(w, takeover, deflate.BestSpeed)
			streams = append(streams, zlibStream{w: w, takeover: takeover, strict: true, plain: edge,
				comp: compressAll(e, edge), want: fmt.Sprintf("ok %d", len(edge))})
		}
		if w < deflate.MaxWindowBits {
			// 64 bytes repeated 2^w + 1 back: zeros between them take a
			// single hash slot, so the encoder finds the repeat.
			a := noise(64, uint64(w))
			far := [][]byte{append(append(append([]byte(nil), a...), make([]byte, 1<<w+1-64)...), a...)}
			e := deflate.NewEncoder(w+1, false, deflate.BestSpeed)
			streams = append(streams, zlibStream{w: w, strict: true, plain: far,
				comp: compressAll(e, far), want: "message 0: Error -3 while decompressing data: invalid distance too far back"})
		}
	}
	runZlib(t, streams)
}
