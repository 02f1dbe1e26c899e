package autobahn

import (
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"testing"
	"unicode/utf8"
)

// maxFuzzInput caps fuzz inputs so every input runs fast.
const maxFuzzInput = 1 << 16

// FuzzReadFrame checks the driver's frame parser: an accepted header
// round-trips through AppendHeader, a complete frame round-trips through
// AppendFrame and matches what ReadFrame returns, and anything rejected
// returns one of the documented errors.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f})
	f.Add([]byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})
	f.Add([]byte{0x01, 0x03, 0x48, 0x65, 0x6c})
	f.Add([]byte{0x82, 0x7e, 0x00, 0x7e})
	f.Add([]byte{0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0})
	f.Add([]byte{0x82, 0x7e, 0x00, 0x10})
	f.Add([]byte{0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0xf3, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > maxFuzzInput {
			return
		}
		h, n, err := ParseHeader(in)
		if err != nil {
			if !errors.Is(err, ErrShortFrame) && !errors.Is(err, ErrNonMinimalLength) && !errors.Is(err, ErrLengthTopBit) {
				t.Fatalf("ParseHeader(%x): undocumented error %v", in, err)
			}
		} else {
			if got := AppendHeader(nil, h); !bytes.Equal(got, in[:n]) {
				t.Fatalf("AppendHeader(ParseHeader(%x)) = %x", in[:n], got)
			}
		}
		fr, rerr := ReadFrame(bufio.NewReader(bytes.NewReader(in)), maxFuzzInput)
		switch {
		case rerr == nil:
			if err != nil {
				t.Fatalf("ReadFrame accepted %x that ParseHeader rejects: %v", in, err)
			}
			end := n + int(h.Length)
			wire := AppendFrame(nil, Frame{Fin: fr.Fin, Rsv: fr.Rsv, Opcode: fr.Opcode, Masked: fr.Masked, Payload: fr.Payload}, h.Key)
			if !bytes.Equal(wire, in[:end]) {
				t.Fatalf("AppendFrame(ReadFrame(%x)) = %x", in[:end], wire)
			}
		case errors.Is(rerr, io.EOF), errors.Is(rerr, io.ErrUnexpectedEOF), errors.Is(rerr, ErrNonMinimalLength),
			errors.Is(rerr, ErrLengthTopBit), errors.Is(rerr, ErrFrameTooLarge):
		default:
			t.Fatalf("ReadFrame(%x): undocumented error %v", in, rerr)
		}
	})
}

// FuzzUTF8 checks the incremental validator against utf8.Valid, whole and
// at every split.
func FuzzUTF8(f *testing.F) {
	for _, g := range utf8Groups() {
		for _, p := range g.payloads {
			f.Add(p)
		}
	}
	f.Add(x3)
	f.Add(x4)
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 256 {
			return
		}
		want := utf8.Valid(in)
		for i := 0; i <= len(in); i++ {
			var v utf8Validator
			got := v.Write(in[:i]) < 0 && v.Write(in[i:]) < 0 && v.Complete()
			if got != want {
				t.Fatalf("split %x|%x: valid = %v, want %v", in[:i], in[i:], got, want)
			}
		}
	})
}

// FuzzInflate feeds arbitrary data to the strict inflater: it must not
// panic, must respect the output limit and, where compress/flate also
// decodes the data, must produce the same bytes.
func FuzzInflate(f *testing.F) {
	var buf bytes.Buffer
	for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.BestCompression, flate.HuffmanOnly} {
		buf.Reset()
		fw, _ := flate.NewWriter(&buf, level)
		_, _ = fw.Write(append(pat10(300), pat5(300)...))
		_ = fw.Flush()
		f.Add(bytes.Clone(buf.Bytes()))
	}
	f.Add(newLZ77Encoder(9, false).Compress([]byte("hello hello hello hello")))
	f.Add(distanceFirst())
	f.Add([]byte{0x07})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 4096 {
			return
		}
		const limit = 1 << 20
		out, err := inflateWindow(nil, in, maxWindowBits, limit)
		if err != nil {
			if !errors.Is(err, ErrInflate) {
				t.Fatalf("inflateWindow(%x): undocumented error %v", in, err)
			}
			return
		}
		if len(out) > limit {
			t.Fatalf("inflateWindow produced %d bytes over the %d limit", len(out), limit)
		}
		ref, rerr := io.ReadAll(io.LimitReader(flate.NewReader(io.MultiReader(bytes.NewReader(in), bytes.NewReader(finalStored))), limit+1))
		if rerr == nil && !bytes.Equal(ref, out) {
			t.Fatalf("inflateWindow(%x) = %x, compress/flate gives %x", in, out, ref)
		}
	})
}

// FuzzExtensions feeds arbitrary Sec-WebSocket-Extensions values to the
// parser and both negotiation sides: no panic, and errors are handshake
// errors.
func FuzzExtensions(f *testing.F) {
	f.Add(offer137)
	f.Add("permessage-deflate; server_max_window_bits=9; client_max_window_bits=\"12\"")
	f.Add("permessage-deflate; client_max_window_bits, x-foo; a=b")
	f.Add(`a; b="c\"d"`)
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 4096 {
			return
		}
		for _, fn := range []func() error{
			func() error { _, err := parseExtensions([]string{in}); return err },
			func() error { _, err := clientAccept([]string{in}); return err },
			func() error {
				_, err := serverAccept([]string{in}, []pmdPolicy{policy135, policy132, policy131})
				return err
			},
		} {
			if err := fn(); err != nil && !errors.Is(err, ErrHandshake) {
				t.Fatalf("%q: undocumented error %v", in, err)
			}
		}
	})
}
