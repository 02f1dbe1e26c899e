package micro

import (
	"bytes"
	"compress/flate"
	"io"
	"testing"

	kflate "github.com/klauspost/compress/flate"

	"github.com/wirefast/websocket/bench/internal/load"
	"github.com/wirefast/websocket/bench/internal/rawws"
	"github.com/wirefast/websocket/deflate"
)

// compressSizes are the message sizes of BenchmarkCompress and
// BenchmarkDecompress.
var compressSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"16KiB", 16 << 10}}

// compressor compresses one message as permessage-deflate without
// context takeover does: a DEFLATE stream of its own, sync-flushed,
// returning the bytes (with compress/flate, its 4-byte tail included).
type compressor func(dst, msg []byte) []byte

// compressors are the encoders compared. gorilla, coder and gobwas
// compress with compress/flate (gorilla and coder at BestSpeed by default,
// gobwas through wsflate at the level its user picks), so "flate" stands
// for them; gws compresses with github.com/klauspost/compress/flate at
// BestSpeed ("klauspost"). None has a compressor of its own beyond these.
var compressors = []struct {
	name string
	make func() compressor
}{
	// A wirefast server's encoder without context takeover: default
	// window (12 bits) and level (BestSpeed).
	{"wirefast", func() compressor {
		enc := deflate.NewEncoder(deflate.DefaultServerWindowBits, false, deflate.BestSpeed)
		return enc.Compress
	}},
	// The same with a 32 KiB window, as a client's encoder by default.
	{"wirefast-w15", func() compressor {
		enc := deflate.NewEncoder(deflate.MaxWindowBits, false, deflate.BestSpeed)
		return enc.Compress
	}},
	// compress/flate at BestSpeed, one Writer reset for every message.
	{"flate", func() compressor {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestSpeed) // a valid level
		return writerCompressor(&buf, fw)
	}},
	// klauspost/compress/flate at BestSpeed, as gws uses it.
	{"klauspost", func() compressor {
		var buf bytes.Buffer
		fw, _ := kflate.NewWriter(&buf, kflate.BestSpeed) // a valid level
		return writerCompressor(&buf, fw)
	}},
}

// flateWriter is what compress/flate's Writer and klauspost's have in
// common.
type flateWriter interface {
	io.Writer
	Flush() error
	Reset(io.Writer)
}

// writerCompressor compresses each message with fw, reset onto buf.
func writerCompressor(buf *bytes.Buffer, fw flateWriter) compressor {
	return func(dst, msg []byte) []byte {
		buf.Reset()
		fw.Reset(buf)
		_, _ = fw.Write(msg) // a bytes.Buffer does not fail
		_ = fw.Flush()
		return append(dst, buf.Bytes()...)
	}
}

// inflaters are the peers' decoders: compress/flate's reader and
// klauspost's (gws), each reset for every message.
var inflaters = []struct {
	name      string
	newReader func(io.Reader) io.ReadCloser
}{
	{"flate", flate.NewReader},
	{"klauspost", kflate.NewReader},
}

// BenchmarkCompress compresses one JSON-like text message per op, the
// load generator's compressed payload, each on its own, taking turns over
// load.Variants(size) different messages (1 MiB of them): repeating one
// message would time a branch predictor that has learnt it. MB/s counts
// input bytes; ratio is output over input, over all the messages.
func BenchmarkCompress(b *testing.B) {
	for _, c := range compressors {
		for _, size := range compressSizes {
			b.Run(c.name+"/"+size.name, func(b *testing.B) {
				msgs := load.JSONPayloads(size.n, load.Variants(size.n))
				compress := c.make()
				var out []byte
				total := 0
				for _, m := range msgs {
					out = compress(out[:0], m)
					total += len(out)
				}
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					out = compress(out[:0], msgs[i%len(msgs)])
					i++
				}
				b.ReportMetric(float64(total)/float64(size.n*len(msgs)), "ratio")
			})
		}
	}
}

// BenchmarkDecompress inflates one message per op, compressed with
// compress/flate at BestSpeed (the 4-byte tail removed, as on the wire),
// taking turns over load.Variants(size) different messages as
// BenchmarkCompress does: wirefast's Decoder (32 KiB window, no context
// takeover) against the inflaters, reset for every message. MB/s counts
// output bytes.
func BenchmarkDecompress(b *testing.B) {
	for _, size := range compressSizes {
		msgs := load.JSONPayloads(size.n, load.Variants(size.n))
		wires := make([][]byte, len(msgs))
		for k, m := range msgs {
			wires[k] = rawws.Compress(m) // as the load generator sends it
		}
		b.Run("wirefast/"+size.name, func(b *testing.B) {
			dec := deflate.NewDecoder(deflate.MaxWindowBits, false)
			out := make([]byte, 0, size.n)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				var err error
				if out, err = dec.Decompress(out[:0], wires[i%len(wires)], readLimit); err != nil || len(out) != size.n {
					b.Fatalf("Decompress: %d bytes, %v", len(out), err)
				}
				i++
			}
		})
		for _, inf := range inflaters {
			b.Run(inf.name+"/"+size.name, func(b *testing.B) {
				// Each message as a stream the reader can end: the sync
				// flush's tail put back, then an empty final block.
				ins := make([][]byte, len(wires))
				for k, w := range wires {
					ins[k] = append(append([]byte(nil), w...), 0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff)
				}
				src := bytes.NewReader(nil)
				fr := inf.newReader(src)
				reset := fr.(interface {
					Reset(io.Reader, []byte) error
				})
				out := make([]byte, size.n)
				inflate := func(in []byte) error {
					src.Reset(in)
					if err := reset.Reset(src, nil); err != nil {
						return err
					}
					_, err := io.ReadFull(fr, out)
					return err
				}
				if err := inflate(ins[0]); err != nil || !bytes.Equal(out, msgs[0]) {
					b.Fatalf("inflated %d bytes (%v), want the message", len(out), err)
				}
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if err := inflate(ins[i%len(ins)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// TestCompressors checks that every compressor's output inflates back to
// the message, so that the benchmark compares working encoders.
func TestCompressors(t *testing.T) {
	for _, c := range compressors {
		for _, size := range compressSizes {
			msg := load.JSONPayload(size.n)
			out := c.make()(nil, msg)
			out = append(bytes.TrimSuffix(out, []byte{0, 0, 0xff, 0xff}), 0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff)
			got, err := io.ReadAll(flate.NewReader(bytes.NewReader(out)))
			if err != nil || !bytes.Equal(got, msg) {
				t.Errorf("%s/%s: inflates to %d bytes (%v), want the %d-byte message", c.name, size.name, len(got), err, size.n)
			}
		}
	}
}
