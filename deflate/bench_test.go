package deflate_test

import (
	"bytes"
	"compress/flate"
	"fmt"
	"testing"

	"github.com/wirefast/websocket/deflate"
)

var benchSizes = []int{64, 1 << 10, 16 << 10, 1 << 20}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// benchMessages returns the messages one benchmark cycles through: 1 MiB
// of each size (two of 1 MiB). Fewer would flatter every coder: a branch
// predictor learns the branches of the same few messages compressed over
// and over, and 8 messages of 16 KiB compressed in 40 µs each where 64
// different ones took 90 (docs/performance.md).
func benchMessages(kind string, size int) [][]byte {
	return deflate.CorpusMessages(kind, size, max(2, (1<<20)/size))
}

// BenchmarkCompress compresses one message per op, each as a stream of its
// own (no context takeover), with our encoder and with compress/flate at
// BestSpeed (Reset, Write, Flush, the 4-byte tail not counted). ratio is
// compressed bytes over input bytes.
func BenchmarkCompress(b *testing.B) {
	benchCompress(b, "wirefast", "stdlib")
}

// BenchmarkCompressVariants measures our other settings on the same
// messages: BetterCompression, and BestSpeed with context takeover (each
// message compressed against the previous ones, as on a connection).
func BenchmarkCompressVariants(b *testing.B) {
	benchCompress(b, "wirefast-better", "wirefast-takeover")
}

// benchCompress runs a sub-benchmark per compressor (see compressor),
// corpus kind and size, one message per op, cycling through
// benchMessages.
func benchCompress(b *testing.B, impls ...string) {
	for _, impl := range impls {
		for _, kind := range deflate.CorpusKinds {
			for _, size := range benchSizes {
				msgs := benchMessages(kind, size)
				b.Run(impl+"/"+kind+"/"+sizeName(size), func(b *testing.B) {
					compress := compressor(impl)
					total := 0
					for _, m := range msgs {
						total += len(compress(m))
					}
					b.SetBytes(int64(size))
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						compress(msgs[i%len(msgs)])
						i++
					}
					b.ReportMetric(float64(total)/float64(size*len(msgs)), "ratio")
				})
			}
		}
	}
}

// BenchmarkDecompress inflates one message per op (compressed by our
// encoder, no context takeover) with our decoder and with compress/flate's
// Reader (Reset with the tail appended), into a reused buffer. SetBytes
// counts decompressed bytes.
func BenchmarkDecompress(b *testing.B) {
	for _, impl := range []string{"wirefast", "stdlib"} {
		for _, kind := range deflate.CorpusKinds {
			for _, size := range benchSizes {
				msgs := benchMessages(kind, size)
				var comp [][]byte
				e := deflate.NewEncoder(15, false, deflate.BestSpeed)
				for _, m := range msgs {
					comp = append(comp, e.Compress(nil, m))
				}
				b.Run(impl+"/"+kind+"/"+sizeName(size), func(b *testing.B) {
					decompress := decompressor(impl, size)
					b.SetBytes(int64(size))
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						decompress(comp[i%len(comp)])
						i++
					}
				})
			}
		}
	}
}

func decompressor(impl string, size int) func([]byte) []byte {
	dst := make([]byte, 0, size)
	if impl == "wirefast" {
		d := deflate.NewDecoder(15, false)
		return func(c []byte) []byte {
			var err error
			if dst, err = d.Decompress(dst[:0], c, -1); err != nil {
				panic(err)
			}
			return dst
		}
	}
	var in []byte
	br := bytes.NewReader(nil)
	r := flate.NewReader(br)
	return func(c []byte) []byte {
		in = append(append(in[:0], c...), 0, 0, 0xff, 0xff)
		br.Reset(in)
		r.(flate.Resetter).Reset(br, nil)
		dst = dst[:0]
		for {
			n, err := r.Read(dst[len(dst):cap(dst)])
			dst = dst[:len(dst)+n]
			if err != nil || len(dst) == cap(dst) {
				return dst
			}
		}
	}
}

// compressor returns a function compressing one message into a reused
// buffer, as a server would.
func compressor(impl string) func([]byte) []byte {
	switch impl {
	case "wirefast":
		e := deflate.NewEncoder(15, false, deflate.BestSpeed)
		var dst []byte
		return func(p []byte) []byte {
			dst = e.Compress(dst[:0], p)
			return dst
		}
	case "wirefast-takeover":
		e := deflate.NewEncoder(15, true, deflate.BestSpeed)
		var dst []byte
		return func(p []byte) []byte {
			dst = e.Compress(dst[:0], p)
			return dst
		}
	case "wirefast-better":
		e := deflate.NewEncoder(15, false, deflate.BetterCompression)
		var dst []byte
		return func(p []byte) []byte {
			dst = e.Compress(dst[:0], p)
			return dst
		}
	default:
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.BestSpeed)
		return func(p []byte) []byte {
			buf.Reset()
			w.Reset(&buf)
			w.Write(p)
			w.Flush()
			return buf.Bytes()[:buf.Len()-4]
		}
	}
}
