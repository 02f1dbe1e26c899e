package deflate_test

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/protocol"
)

// decoders decompress each message in the three ways a Decoder offers:
// Decompress, and Read over a reader yielding one byte at a time or half
// of what is asked, into buffers of varying sizes. Each way has its own
// decoder, kept across messages for context takeover.
type decoders struct {
	whole, oneByte, halves *deflate.Decoder
}

func newDecoders(w int, takeover bool) *decoders {
	return &decoders{deflate.NewDecoder(w, takeover), deflate.NewDecoder(w, takeover), deflate.NewDecoder(w, takeover)}
}

// decode checks that the three ways agree and returns the result of
// Decompress.
func (ds *decoders) decode(t *testing.T, payload []byte, limit int64) ([]byte, error) {
	t.Helper()
	got, err := ds.whole.Decompress(nil, payload, limit)
	ds.oneByte.Reset(iotest.OneByteReader(bytes.NewReader(payload)), limit)
	got1, err1 := io.ReadAll(ds.oneByte)
	ds.halves.Reset(iotest.HalfReader(bytes.NewReader(payload)), limit)
	got2, err2 := io.ReadAll(iotest.HalfReader(ds.halves))
	// On error, how much output came before it depends on the shape.
	if (err == nil && (!bytes.Equal(got, got1) || !bytes.Equal(got, got2))) || !errors.Is(err1, err) || !errors.Is(err2, err) {
		t.Fatalf("Decompress = %d bytes, %v; Read (one byte) = %d bytes, %v; Read (halves) = %d bytes, %v",
			len(got), err, len(got1), err1, len(got2), err2)
	}
	return got, err
}

// TestDecoderRoundTrip decodes our encoder's output at every window size
// and mode, in the three input shapes.
func TestDecoderRoundTrip(t *testing.T) {
	msgs := testMessages(true)
	for _, w := range windowSizes {
		for _, takeover := range []bool{false, true} {
			t.Run(fmt.Sprintf("w%d/takeover=%v", w, takeover), func(t *testing.T) {
				t.Parallel()
				e := deflate.NewEncoder(w, takeover, deflate.BestSpeed)
				ds := newDecoders(w, takeover)
				for i, m := range msgs {
					got, err := ds.decode(t, e.Compress(nil, m), -1)
					if err != nil || !bytes.Equal(got, m) {
						t.Fatalf("message %d: %v, equal %v", i, err, bytes.Equal(got, m))
					}
				}
			})
		}
	}
}

// TestDecoderStdlib decodes what compress/flate produces at several
// levels, with and without context takeover (its window is 32 KiB, so
// w15).
func TestDecoderStdlib(t *testing.T) {
	msgs := testMessages(testing.Short())
	for _, level := range []int{flate.HuffmanOnly, flate.BestSpeed, flate.DefaultCompression, flate.BestCompression} {
		for _, takeover := range []bool{false, true} {
			t.Run(fmt.Sprintf("level%d/takeover=%v", level, takeover), func(t *testing.T) {
				t.Parallel()
				ds := newDecoders(15, takeover)
				for i, c := range stdCompress(t, msgs, level, takeover) {
					got, err := ds.decode(t, c, -1)
					if err != nil || !bytes.Equal(got, msgs[i]) {
						t.Fatalf("message %d: %v, equal %v", i, err, bytes.Equal(got, msgs[i]))
					}
				}
			})
		}
	}
}

// readGolden reads a file written by testdata/zlib/gen.py.
func readGolden(t *testing.T, name string) (plain, comp [][]byte) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("wfz1")) {
		t.Fatalf("%s: bad magic", name)
	}
	b = b[4:]
	next := func() []byte {
		n := int(binary.BigEndian.Uint32(b))
		v := b[4 : 4+n]
		b = b[4+n:]
		return v
	}
	for len(b) > 0 {
		plain = append(plain, next())
		comp = append(comp, next())
	}
	return plain, comp
}

// TestDecoderZlibGolden decodes streams zlib produced (through Python, see
// testdata/zlib/gen.py) at window bits 9 to 15, and the 9-bit streams with
// an 8-bit window too: zlib cannot deflate raw with 8 and never reaches
// back more than 2^w - 262 bytes, so a peer asked for 8 that uses 9 still
// fits.
func TestDecoderZlibGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/zlib/*.bin")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, name := range files {
		var w, level int
		var mode string
		if _, err := fmt.Sscanf(filepath.Base(name), "w%d_%s", &w, &mode); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		takeover := bytes.HasPrefix([]byte(mode), []byte("takeover"))
		_ = level
		plain, comp := readGolden(t, name)
		windows := []int{w}
		if w == 9 {
			windows = append(windows, 8)
		}
		for _, dw := range windows {
			t.Run(fmt.Sprintf("%s/decoder-w%d", filepath.Base(name), dw), func(t *testing.T) {
				ds := newDecoders(dw, takeover)
				for i, c := range comp {
					got, err := ds.decode(t, c, -1)
					if err != nil || !bytes.Equal(got, plain[i]) {
						t.Fatalf("message %d: %v, equal %v", i, err, bytes.Equal(got, plain[i]))
					}
				}
			})
		}
	}
}

// TestDecoderBomb checks that a 16 MiB zero-filled message, a few KiB
// compressed, fails with ErrTooLarge (close code 1009) having produced no
// more than the limit, in every input shape.
func TestDecoderBomb(t *testing.T) {
	bomb := deflate.NewEncoder(15, false, deflate.BestSpeed).Compress(nil, make([]byte, 16<<20))
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed", len(bomb))
	}
	for _, limit := range []int64{0, 1, 1000, 1 << 20} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			d := deflate.NewDecoder(15, true)
			got, err := d.Decompress(nil, bomb, limit)
			if !errors.Is(err, deflate.ErrTooLarge) {
				t.Fatalf("Decompress(bomb, %d) error = %v, want ErrTooLarge", limit, err)
			}
			if int64(len(got)) > limit {
				t.Errorf("Decompress(bomb, %d) produced %d bytes", limit, len(got))
			}
			if code, ok := protocol.CloseCodeOf(err); !ok || code != protocol.CloseMessageTooBig {
				t.Errorf("CloseCodeOf(%v) = %v, %v, want 1009", err, code, ok)
			}
			if !errors.Is(err, protocol.ErrMessageTooBig) {
				t.Errorf("error %v does not wrap protocol.ErrMessageTooBig", err)
			}

			d2 := deflate.NewDecoder(15, false)
			d2.Reset(bytes.NewReader(bomb), limit)
			n, err := io.Copy(io.Discard, d2)
			if !errors.Is(err, deflate.ErrTooLarge) || n > limit {
				t.Errorf("Read(bomb, %d) = %d bytes, %v; want at most the limit and ErrTooLarge", limit, n, err)
			}
			if _, again := d2.Read(make([]byte, 10)); !errors.Is(again, deflate.ErrTooLarge) {
				t.Errorf("Read after the error = %v, want it again", again)
			}
		})
	}
}

// TestDecoderLimitExact checks that a message inflating to exactly the
// limit succeeds and one byte more fails.
func TestDecoderLimitExact(t *testing.T) {
	e := deflate.NewEncoder(15, false, deflate.BestSpeed)
	for _, m := range [][]byte{corpusMessage("json", 5000), make([]byte, 100000), noise(3000, 5), {}} {
		c := e.Compress(nil, m)
		for _, tc := range []struct {
			limit int64
			err   error
		}{{int64(len(m)), nil}, {int64(len(m)) - 1, deflate.ErrTooLarge}, {-1, nil}} {
			if tc.limit < 0 && tc.err != nil {
				continue // the empty message has no limit one below
			}
			ds := newDecoders(15, false)
			got, err := ds.decode(t, c, tc.limit)
			if !errors.Is(err, tc.err) || (err == nil && !bytes.Equal(got, m)) {
				t.Errorf("%d-byte message with limit %d: %v, want %v", len(m), tc.limit, err, tc.err)
			}
		}
	}
}

// TestDecoderCorrupt checks that invalid payloads fail with ErrCorrupt
// (close code 1007), never a panic.
func TestDecoderCorrupt(t *testing.T) {
	valid := deflate.NewEncoder(15, false, deflate.BestSpeed).Compress(nil, []byte("hello, hello, hello"))
	tests := []struct {
		name    string
		payload []byte
	}{
		{"reserved block type", []byte{0x06}},
		{"stored length mismatch", []byte{0x00, 0x05, 0x00, 0x00, 0x00, 'a'}},
		{"truncated stored", []byte{0x00, 0x0a, 0x00, 0xf5, 0xff, 'a'}},
		{"distance before the stream", []byte{0x02, 0x02, 0x00}}, // fixed block: length 3, distance 1 first
		{"final then garbage", []byte{0x03, 0x00, 0x01}},
		{"too many length codes", []byte{0x04 | 30<<3, 0x00, 0x00}},
		{"ends mid block", []byte{0x02}},
		{"unstripped tail", append(append([]byte(nil), valid...), 0x00, 0x00, 0xff, 0xff)},
		{"dynamic, all code lengths zero", []byte{0x04, 0x00, 0x00, 0x00}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := newDecoders(15, false)
			_, err := ds.decode(t, tc.payload, -1)
			if !errors.Is(err, deflate.ErrCorrupt) {
				t.Fatalf("decode(%x) error = %v, want ErrCorrupt", tc.payload, err)
			}
			if code, ok := protocol.CloseCodeOf(err); !ok || code != protocol.CloseInvalidPayload {
				t.Errorf("CloseCodeOf(%v) = %v, %v, want 1007", err, code, ok)
			}
		})
	}
}

// TestDecoderWindow checks that a distance beyond the negotiated window
// fails even when more history exists, with context takeover.
func TestDecoderWindow(t *testing.T) {
	a := noise(100, 7)
	m := append(append(append([]byte(nil), a...), make([]byte, 2900)...), a...) // repeat 3000 back
	c := deflate.NewEncoder(12, false, deflate.BestSpeed).Compress(nil, m)
	if _, err := deflate.NewDecoder(12, false).Decompress(nil, c, -1); err != nil {
		t.Fatalf("w12: %v", err)
	}
	if _, err := deflate.NewDecoder(11, false).Decompress(nil, c, -1); !errors.Is(err, deflate.ErrCorrupt) {
		t.Fatalf("w11 decoder on a 3000-byte distance: %v, want ErrCorrupt", err)
	}
}

// TestDecoderFinalBlock accepts a message ending with a BFINAL block
// (RFC 7692, Section 7.2.3.3) and keeps the window for the next.
func TestDecoderFinalBlock(t *testing.T) {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	w.Write([]byte("final block message"))
	w.Close()
	d := deflate.NewDecoder(15, true)
	got, err := d.Decompress(nil, buf.Bytes(), -1)
	if err != nil || string(got) != "final block message" {
		t.Fatalf("Decompress(final block) = %q, %v", got, err)
	}
	// The next message refers back into the first.
	e := deflate.NewEncoder(15, true, deflate.BestSpeed)
	e.AddHistory(got)
	next := e.Compress(nil, []byte("final block message again"))
	if got, err := d.Decompress(nil, next, -1); err != nil || string(got) != "final block message again" {
		t.Fatalf("next message = %q, %v", got, err)
	}
}

// TestDecoderUnfinished checks that beginning a message before the
// previous one was read fails with context takeover, and that Discard
// avoids it.
func TestDecoderUnfinished(t *testing.T) {
	e := deflate.NewEncoder(15, true, deflate.BestSpeed)
	m := corpusMessage("chat", 50000)
	c1, c2 := e.Compress(nil, m), e.Compress(nil, m)

	d := deflate.NewDecoder(15, true)
	d.Reset(bytes.NewReader(c1), -1)
	if _, err := d.Read(make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	d.Reset(bytes.NewReader(c2), -1)
	if _, err := d.Read(make([]byte, 100)); !errors.Is(err, deflate.ErrUnfinished) {
		t.Fatalf("Read after an unfinished message = %v, want ErrUnfinished", err)
	}

	d = deflate.NewDecoder(15, true)
	d.Reset(bytes.NewReader(c1), -1)
	d.Read(make([]byte, 100))
	if err := d.Discard(); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Decompress(nil, c2, -1); err != nil || !bytes.Equal(got, m) {
		t.Fatalf("message after Discard: %v, equal %v", err, bytes.Equal(got, m))
	}
}

// errReader fails after its data.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestDecoderSourceError checks that a failing source's error comes back
// as is.
func TestDecoderSourceError(t *testing.T) {
	c := deflate.NewEncoder(15, false, deflate.BestSpeed).Compress(nil, corpusMessage("json", 10000))
	boom := errors.New("boom")
	d := deflate.NewDecoder(15, false)
	d.Reset(&errReader{data: c[:len(c)/2], err: boom}, -1)
	if _, err := io.ReadAll(d); !errors.Is(err, boom) {
		t.Fatalf("ReadAll = %v, want the source's error", err)
	}
}

// TestDecoderAllocs checks that compressing and decompressing, with
// Decompress and with Read, allocates nothing once the buffers are warm.
func TestDecoderAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	m := corpusMessage("json", 20000)
	for _, takeover := range []bool{false, true} {
		e := deflate.NewEncoder(15, takeover, deflate.BestSpeed)
		d := deflate.NewDecoder(15, takeover)
		var c, dst []byte
		r := bytes.NewReader(nil)
		buf := make([]byte, 4096)
		run := func() {
			c = e.Compress(c[:0], m)
			var err error
			if dst, err = d.Decompress(dst[:0], c, -1); err != nil {
				t.Fatal(err)
			}
			c = e.Compress(c[:0], m)
			r.Reset(c)
			d.Reset(r, -1)
			for {
				if _, err := d.Read(buf); err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
		}
		run()
		if allocs := testing.AllocsPerRun(50, run); allocs != 0 {
			t.Errorf("takeover=%v: %v allocs per run, want 0", takeover, allocs)
		}
	}
}

func TestNewDecoderPanics(t *testing.T) {
	for _, bits := range []int{0, 7, 16} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewDecoder(%d, true) did not panic", bits)
				}
			}()
			deflate.NewDecoder(bits, true)
		}()
	}
}
