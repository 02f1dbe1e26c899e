package protocol_test

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/wirefast/websocket/protocol"
)

var benchHeaders = []struct {
	name string
	h    protocol.Header
}{
	{"2B", protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 16}},
	{"4B", protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 1024}},
	{"10B", protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 1 << 20}},
	{"masked8B", protocol.Header{Fin: true, Opcode: protocol.OpBinary, Masked: true, Key: [4]byte{1, 2, 3, 4}, Length: 1024}},
}

// BenchmarkDecodeHeader decodes a header and checks it, as a read loop
// does for every frame, once through the Header DecodeHeader returns and
// once through Header.Decode in place.
func BenchmarkDecodeHeader(b *testing.B) {
	for _, bh := range benchHeaders {
		wire := protocol.AppendHeader(nil, bh.h)
		c := protocol.Checker{Role: protocol.RoleServer}
		if !bh.h.Masked {
			c.Role = protocol.RoleClient
		}
		b.Run("returned/"+bh.name, func(b *testing.B) {
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			for b.Loop() {
				h, _, err := protocol.DecodeHeader(wire)
				if err != nil {
					b.Fatal(err)
				}
				if err := c.Check(&h); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("inplace/"+bh.name, func(b *testing.B) {
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			var h protocol.Header
			for b.Loop() {
				if _, err := h.Decode(wire); err != nil {
					b.Fatal(err)
				}
				if err := c.Check(&h); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncodeHeader(b *testing.B) {
	for _, bh := range benchHeaders {
		b.Run(bh.name, func(b *testing.B) {
			var buf [protocol.MaxHeaderSize]byte
			b.SetBytes(int64(bh.h.HeaderSize()))
			b.ReportAllocs()
			for b.Loop() {
				protocol.EncodeHeader(&buf, bh.h)
			}
		})
	}
}

func BenchmarkReadHeader(b *testing.B) {
	for _, bh := range benchHeaders {
		wire := bytes.Repeat(protocol.AppendHeader(nil, bh.h), 256)
		b.Run(bh.name, func(b *testing.B) {
			r := bytes.NewReader(wire)
			br := bufio.NewReaderSize(r, 4096)
			b.SetBytes(int64(len(wire) / 256))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i%256 == 0 {
					r.Reset(wire)
					br.Reset(r)
				}
				if _, err := protocol.ReadHeader(br); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkChecker(b *testing.B) {
	h := protocol.Header{Fin: true, Opcode: protocol.OpBinary, Masked: true, Length: 1024}
	var c protocol.Checker
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Check(&h); err != nil {
			b.Fatal(err)
		}
	}
}
