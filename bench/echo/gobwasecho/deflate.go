package gobwasecho

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
)

// Compressors and decompressors are pooled: a compress/flate Writer holds
// about 1.2 MiB, too much to keep per connection. Without context
// takeover (wsflate.DefaultParameters) any of them serves any message.
var (
	writers = sync.Pool{New: func() any {
		return wsflate.NewWriter(nil, func(w io.Writer) wsflate.Compressor {
			fw, _ := flate.NewWriter(w, flate.BestSpeed) // a valid level
			return fw
		})
	}}
	readers = sync.Pool{New: func() any {
		return wsflate.NewReader(nil, func(r io.Reader) wsflate.Decompressor { return &inflater{flate.NewReader(r)} })
	}}
	buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// echoCompressed echoes the message in l.msg on a connection with
// permessage-deflate: inflated when it came compressed, checked, and
// sent back compressed. It reports whether to go on.
func (l *loop) echoCompressed(op ws.OpCode) bool {
	plain := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(plain)
	plain.Reset()
	msg := l.msg
	if l.ms.IsCompressed() {
		r := readers.Get().(*wsflate.Reader)
		r.Reset(bytes.NewReader(l.msg))
		_, err := plain.ReadFrom(io.LimitReader(r, readLimit+1))
		readers.Put(r)
		if err != nil || plain.Len() > readLimit {
			l.close(ws.StatusInvalidFramePayloadData)
			return false
		}
		msg = plain.Bytes()
	}
	if op == ws.OpText && !utf8.Valid(msg) {
		l.close(ws.StatusInvalidFramePayloadData)
		return false
	}
	z := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(z)
	z.Reset()
	w := writers.Get().(*wsflate.Writer)
	w.Reset(z)
	_, err := w.Write(msg)
	if err == nil {
		err = w.Close()
	}
	writers.Put(w)
	if err != nil {
		return false
	}
	h := ws.Header{Fin: true, Rsv: ws.Rsv(true, false, false), OpCode: op, Length: int64(z.Len())}
	return l.write(h, z.Bytes()) == nil
}

// inflater adapts compress/flate's reader to wsflate.ReadResetter, so
// that wsflate.Reader.Reset reuses it instead of making a new one (about
// 40 KiB) per message.
type inflater struct{ io.ReadCloser }

// Reset starts inflating r.
func (f *inflater) Reset(r io.Reader) { _ = f.ReadCloser.(flate.Resetter).Reset(r, nil) }
