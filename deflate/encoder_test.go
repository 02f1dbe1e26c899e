package deflate_test

import (
	"bytes"
	"compress/flate"
	"fmt"
	"testing"

	"github.com/wirefast/websocket/deflate"
)

// TestEncoderRoundTrip compresses a sequence of messages at every window
// size, level and takeover mode, and checks that compress/flate inflates
// each back, with the previous messages as its dictionary under context
// takeover.
func TestEncoderRoundTrip(t *testing.T) {
	msgs := testMessages(testing.Short())
	for _, w := range windowSizes {
		for _, level := range []deflate.Level{deflate.BestSpeed, deflate.BetterCompression} {
			for _, takeover := range []bool{false, true} {
				t.Run(fmt.Sprintf("w%d/level%d/takeover=%v", w, level, takeover), func(t *testing.T) {
					t.Parallel()
					e := deflate.NewEncoder(w, takeover, level)
					inf := stdInflater{takeover: takeover}
					var dst []byte
					for i, m := range msgs {
						dst = e.Compress(dst[:0], m)
						if got := inf.inflate(t, dst); !bytes.Equal(got, m) {
							t.Fatalf("message %d (%d bytes): inflated to %d bytes that differ", i, len(m), len(got))
						}
					}
				})
			}
		}
	}
}

// TestEncoderStreaming compresses each message in pieces of many sizes
// with Append, as a streaming writer does, and checks the concatenated
// output.
func TestEncoderStreaming(t *testing.T) {
	msgs := testMessages(true)
	for _, piece := range []int{1, 3, 100, 4096, 1 << 20} {
		for _, takeover := range []bool{false, true} {
			t.Run(fmt.Sprintf("piece%d/takeover=%v", piece, takeover), func(t *testing.T) {
				e := deflate.NewEncoder(10, takeover, deflate.BestSpeed)
				inf := stdInflater{takeover: takeover}
				for i, m := range msgs {
					var out []byte
					for p := m; len(p) > 0; {
						n := min(piece, len(p))
						out = e.Append(out, p[:n])
						p = p[n:]
					}
					out = e.Flush(out)
					if got := inf.inflate(t, out); !bytes.Equal(got, m) {
						t.Fatalf("message %d: inflated to %d bytes that differ", i, len(got))
					}
				}
			})
		}
	}
}

// TestEncoderEmpty checks RFC 7692, Section 7.2.3.6: an empty message
// compresses to the single byte 0x00.
func TestEncoderEmpty(t *testing.T) {
	for _, takeover := range []bool{false, true} {
		e := deflate.NewEncoder(15, takeover, deflate.BestSpeed)
		for range 2 {
			if got := e.Compress(nil, nil); !bytes.Equal(got, []byte{0}) {
				t.Errorf("Compress(empty), takeover=%v = %x, want 00", takeover, got)
			}
		}
	}
}

// TestEncoderGolden checks exact output for a few inputs: the RFC 7692
// Section 7.2.3.1 example, and a repeat found in the history.
func TestEncoderGolden(t *testing.T) {
	e := deflate.NewEncoder(15, true, deflate.BestSpeed)
	// RFC 7692, Section 7.2.3.1: "Hello" is 0xf2 0x48 0xcd 0xc9 0xc9 0x07
	// 0x00. Sent again with context takeover (Section 7.2.3.2), zlib
	// gives 0xf2 0x00 0x11 0x00 0x00, a literal and a match of 4; one
	// match of 5 is a byte shorter.
	first := e.Compress(nil, []byte("Hello"))
	if want := []byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}; !bytes.Equal(first, want) {
		t.Errorf("Compress(Hello) = %x, want %x", first, want)
	}
	second := e.Compress(nil, []byte("Hello"))
	if want := []byte{0x02, 0x13, 0x00, 0x00}; !bytes.Equal(second, want) {
		t.Errorf("Compress(Hello) again = %x, want %x", second, want)
	}
	inf := stdInflater{takeover: true}
	for _, c := range [][]byte{first, second, {0xf2, 0x00, 0x11, 0x00, 0x00}} {
		if got := inf.inflate(t, c); string(got) != "Hello" {
			t.Errorf("inflate(%x) = %q, want Hello", c, got)
		}
	}
}

// TestEncoderReset checks that Reset starts a new stream: the next
// message inflates without a dictionary.
func TestEncoderReset(t *testing.T) {
	e := deflate.NewEncoder(15, true, deflate.BestSpeed)
	m := corpusMessage("json", 2000)
	e.Compress(nil, m)
	e.Append(nil, m[:500]) // abandoned mid-message
	e.Reset()
	inf := stdInflater{}
	if got := inf.inflate(t, e.Compress(nil, m)); !bytes.Equal(got, m) {
		t.Fatal("message after Reset does not inflate on its own")
	}
}

// TestEncoderAddHistory checks that a message added with AddHistory is
// part of the window the next messages refer to, as in a peer that
// received it compressed elsewhere.
func TestEncoderAddHistory(t *testing.T) {
	for _, level := range []deflate.Level{deflate.BestSpeed, deflate.BetterCompression} {
		e := deflate.NewEncoder(15, true, level)
		prepared := deflate.NewEncoder(15, false, level)
		inf := stdInflater{takeover: true}
		m := corpusMessage("logs", 3000)
		inf.inflate(t, e.Compress(nil, m))
		p := corpusMessage("chat", 5000)
		if got := inf.inflate(t, prepared.Compress(nil, p)); !bytes.Equal(got, p) {
			t.Fatal("prepared message does not inflate")
		}
		e.AddHistory(p)
		next := append(append([]byte(nil), p[1000:2000]...), m[:500]...)
		out := e.Compress(nil, next)
		if got := inf.inflate(t, out); !bytes.Equal(got, next) {
			t.Fatal("message after AddHistory does not inflate")
		}
		if len(out) > 100 {
			t.Errorf("level %d: message repeating the added history compressed to %d bytes, want a few matches", level, len(out))
		}
	}
}

// TestEncoderAllocs checks that compressing into a buffer with room
// allocates nothing, with and without context takeover.
func TestEncoderAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	m := corpusMessage("json", 20000)
	for _, takeover := range []bool{false, true} {
		e := deflate.NewEncoder(15, takeover, deflate.BestSpeed)
		dst := e.Compress(nil, m)
		allocs := testing.AllocsPerRun(100, func() {
			dst = e.Compress(dst[:0], m)
		})
		if allocs != 0 {
			t.Errorf("Compress, takeover=%v: %v allocs per run, want 0", takeover, allocs)
		}
	}
}

// TestEncoderRatio checks the compressed size against compress/flate's
// BestSpeed on the corpus, within 10%, message by message stream.
func TestEncoderRatio(t *testing.T) {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	for _, kind := range deflate.CorpusKinds {
		for _, size := range []int{64, 1 << 10, 16 << 10, 1 << 20} {
			msgs := deflate.CorpusMessages(kind, size, max(1, min(8, (1<<20)/size)))
			e := deflate.NewEncoder(15, false, deflate.BestSpeed)
			ours, std := 0, 0
			for _, m := range msgs {
				ours += len(e.Compress(nil, m))
				buf.Reset()
				fw.Reset(&buf)
				fw.Write(m)
				fw.Flush()
				std += buf.Len() - 4
			}
			if float64(ours) > 1.1*float64(std) {
				t.Errorf("%s/%d: %d bytes, compress/flate BestSpeed %d: more than 10%% larger", kind, size, ours, std)
			}
		}
	}
}

func TestNewEncoderPanics(t *testing.T) {
	for _, tc := range []struct {
		bits  int
		level deflate.Level
	}{{7, 1}, {16, 1}, {15, -1}, {15, 3}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewEncoder(%d, true, %d) did not panic", tc.bits, tc.level)
				}
			}()
			deflate.NewEncoder(tc.bits, true, tc.level)
		}()
	}
}
