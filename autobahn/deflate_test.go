package autobahn

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"testing"
)

// flateSync compresses msgs with compress/flate, sync-flushing after each
// and keeping the context, and returns each message's bytes without the
// tail.
func flateSync(t *testing.T, level int, msgs ...[]byte) [][]byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range msgs {
		buf.Reset()
		if _, err := fw.Write(m); err != nil {
			t.Fatal(err)
		}
		if err := fw.Flush(); err != nil {
			t.Fatal(err)
		}
		out = append(out, bytes.Clone(bytes.TrimSuffix(buf.Bytes(), deflateTail)))
	}
	return out
}

func deflateTestMessages() [][]byte {
	json := dataSetByName("json")
	return [][]byte{
		[]byte("hello hello hello hello"), {}, pat10(5000), json.window(0, 4096),
		json.window(4096, 70000), pat5(300), dataSetByName("pdf").window(0, 40000),
	}
}

// TestInflateWindowMatchesFlate checks the strict inflater against
// compress/flate on streams of every block type, with the 32 KiB window.
func TestInflateWindowMatchesFlate(t *testing.T) {
	msgs := deflateTestMessages()
	for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.DefaultCompression, flate.BestCompression, flate.HuffmanOnly} {
		comp := flateSync(t, level, msgs...)
		var hist []byte
		for i, c := range comp {
			src := append(bytes.Clone(c), deflateTail...)
			out, err := inflateWindow(bytes.Clone(hist), src, maxWindowBits, MaxMessageSize)
			if err != nil {
				t.Fatalf("level %d message %d: %v", level, i, err)
			}
			if got := out[len(hist):]; !bytes.Equal(got, msgs[i]) {
				t.Fatalf("level %d message %d: got %d bytes, want %d", level, i, len(got), len(msgs[i]))
			}
			hist = out[max(0, len(out)-1<<15):]
		}
	}
}

// TestInflateWindowRejectsFarDistance checks that a distance beyond the
// negotiated window is an error: a peer that ignores max_window_bits.
func TestInflateWindowRejectsFarDistance(t *testing.T) {
	msg := append(pat5(600), pat10(400)...)
	msg = append(msg, pat5(600)...) // repeats at distance 1000
	comp := flateSync(t, flate.BestCompression, msg)[0]
	src := append(bytes.Clone(comp), deflateTail...)
	if _, err := inflateWindow(nil, src, 9, MaxMessageSize); !errors.Is(err, ErrInflate) {
		t.Errorf("inflateWindow(window 9) err = %v, want ErrInflate", err)
	}
	if _, err := inflateWindow(nil, src, 10, MaxMessageSize); err != nil {
		t.Errorf("inflateWindow(window 10): %v", err)
	}
	if _, err := inflateWindow(nil, src, 15, 100); !errors.Is(err, ErrInflate) {
		t.Errorf("inflateWindow(limit 100) err = %v, want ErrInflate", err)
	}
}

func TestInflateWindowCorrupt(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"reserved block type", []byte{0x07}},
		{"stored length mismatch", []byte{0x00, 0x05, 0x00, 0x00, 0x00}},
		{"truncated stored", []byte{0x00, 0x05, 0x00, 0xfa, 0xff, 'a'}},
		{"distance before start", distanceFirst()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := inflateWindow(nil, tc.in, 15, 1<<20); !errors.Is(err, ErrInflate) {
				t.Errorf("inflateWindow(%x) err = %v, want ErrInflate", tc.in, err)
			}
		})
	}
}

// distanceFirst is a final fixed-Huffman block whose first code is a
// match: it refers to bytes before the start of the stream.
func distanceFirst() []byte {
	e := &lz77Encoder{}
	e.put(0b011, 3) // BFINAL=1, BTYPE=01
	e.match(3, 5)
	e.put(fixedLitTable[256].code, fixedLitTable[256].n)
	e.put(0, 7)
	return e.out
}

// TestLZ77Encoder checks the small-window encoder: compress/flate and the
// strict inflater both decode it, with and without context takeover, and
// no distance exceeds the window.
func TestLZ77Encoder(t *testing.T) {
	msgs := deflateTestMessages()
	for _, bits := range []int{8, 9, 12, 14} {
		for _, noCtx := range []bool{false, true} {
			enc := newLZ77Encoder(bits, noCtx)
			dec := newDecompressor(bits, noCtx)
			var stream bytes.Buffer
			var all []byte
			for i, m := range msgs {
				c := bytes.Clone(enc.Compress(m))
				out, err := dec.decompress(c, MaxMessageSize)
				if err != nil || !bytes.Equal(out, m) {
					t.Fatalf("bits %d noCtx %v message %d: strict inflate err %v, equal %v", bits, noCtx, i, err, bytes.Equal(out, m))
				}
				if !noCtx {
					stream.Write(c)
					stream.Write(deflateTail)
					all = append(all, m...)
				}
			}
			if !noCtx {
				got, err := io.ReadAll(flate.NewReader(io.MultiReader(&stream, bytes.NewReader(finalStored))))
				if err != nil || !bytes.Equal(got, all) {
					t.Errorf("bits %d: compress/flate decode err %v, equal %v", bits, err, bytes.Equal(got, all))
				}
			}
		}
	}
}

// TestCompressorDecompressor checks F's two directions against each other
// for every window and context mode.
func TestCompressorDecompressor(t *testing.T) {
	msgs := deflateTestMessages()
	for _, bits := range []int{9, 15} {
		for _, noCtx := range []bool{false, true} {
			c, d := newCompressor(bits, noCtx), newDecompressor(bits, noCtx)
			for i, m := range msgs {
				out, err := d.decompress(bytes.Clone(c.compress(m)), MaxMessageSize)
				if err != nil || !bytes.Equal(out, m) {
					t.Fatalf("bits %d noCtx %v message %d: err %v, equal %v", bits, noCtx, i, err, bytes.Equal(out, m))
				}
			}
		}
	}
	d := newDecompressor(15, false)
	if _, err := d.decompress([]byte{0xff, 0xff, 0xff}, MaxMessageSize); !errors.Is(err, ErrInflate) {
		t.Errorf("decompress(garbage) err = %v, want ErrInflate", err)
	}
	big := flateSync(t, flate.BestSpeed, rep('a', 1<<20))[0]
	if _, err := newDecompressor(15, true).decompress(big, 1000); !errors.Is(err, ErrInflate) {
		t.Errorf("decompress(over limit) err = %v, want ErrInflate", err)
	}
}
