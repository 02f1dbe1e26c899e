package rawws

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DeflateOffer is the permessage-deflate offer of the load generator: no
// context takeover in either direction (RFC 7692, Section 7.1.1), so
// that every message is compressed on its own and the client can
// compress a message once, up front, and inflate each echo with a fresh
// state.
const DeflateOffer = "permessage-deflate; client_no_context_takeover; server_no_context_takeover"

// ErrDeflateDeclined is returned by CheckDeflate when the server did not
// accept DeflateOffer.
var ErrDeflateDeclined = errors.New("rawws: permessage-deflate declined")

// CheckDeflate checks a server's Sec-WebSocket-Extensions response to
// DeflateOffer: permessage-deflate accepted, with
// server_no_context_takeover as the offer requires (RFC 7692, Section
// 7.1.1.1), and no parameter the offer cannot allow. The server may
// limit its own window (server_max_window_bits): an inflater with a
// 32 KiB window reads any.
func CheckDeflate(response string) error {
	if response == "" {
		return fmt.Errorf("%w: no Sec-WebSocket-Extensions in the response", ErrDeflateDeclined)
	}
	elems := strings.Split(response, ",")
	params := strings.Split(elems[0], ";")
	if len(elems) > 1 || strings.TrimSpace(params[0]) != "permessage-deflate" {
		return fmt.Errorf("%w: response %q", ErrDeflateDeclined, response)
	}
	serverNoCT := false
	for _, p := range params[1:] {
		name, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch strings.TrimSpace(name) {
		case "server_no_context_takeover":
			serverNoCT = true
		case "client_no_context_takeover", "server_max_window_bits":
		default:
			return fmt.Errorf("%w: parameter %q in %q", ErrDeflateDeclined, name, response)
		}
	}
	if !serverNoCT {
		return fmt.Errorf("%w: server_no_context_takeover missing in %q", ErrDeflateDeclined, response)
	}
	return nil
}

// deflateTail ends the DEFLATE data of every message: the sync flush
// marker that RFC 7692, Section 7.2.1 removes from the wire.
var deflateTail = []byte{0, 0, 0xff, 0xff}

// Compress returns p compressed as one permessage-deflate message without
// context takeover: compress/flate at BestSpeed, a sync flush, and the
// trailing 00 00 ff ff removed (RFC 7692, Section 7.2.1).
func Compress(p []byte) []byte {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestSpeed) // BestSpeed is a valid level
	_, _ = fw.Write(p)                            // a bytes.Buffer does not fail
	_ = fw.Flush()
	return bytes.TrimSuffix(b.Bytes(), deflateTail)
}

// AppendCompressedFrame appends a final frame with opcode op, RSV1 set
// and the compressed payload p (from Compress) to dst, masked with key.
func AppendCompressedFrame(dst []byte, op byte, p []byte, key [4]byte) []byte {
	return appendFrame(dst, op, true, p, true, key)
}

// inflateTail is what Inflater appends to a message's payload: the sync
// flush marker the sender removed, then an empty final stored block, so
// that compress/flate's reader ends with io.EOF.
var inflateTail = []byte{0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff}

// ErrInflate is returned by Inflater.Inflate for a message whose
// compressed payload is corrupt or inflates past the limit.
var ErrInflate = errors.New("rawws: bad compressed message")

// Inflater decompresses permessage-deflate messages sent without context
// takeover, each with a fresh state, reusing its buffers. It is not safe
// for concurrent use.
type Inflater struct {
	fr  io.ReadCloser
	src bytes.Reader
	in  []byte
}

// Inflate appends the decompressed payload of one message to dst[:0]
// and returns it. A message inflating to more than limit bytes fails
// with ErrInflate.
func (f *Inflater) Inflate(dst, payload []byte, limit int64) ([]byte, error) {
	f.in = append(append(f.in[:0], payload...), inflateTail...)
	f.src.Reset(f.in)
	if f.fr == nil {
		f.fr = flate.NewReader(&f.src)
	} else if err := f.fr.(flate.Resetter).Reset(&f.src, nil); err != nil {
		return dst[:0], err
	}
	out := dst[:0]
	for {
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		n, err := f.fr.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if int64(len(out)) > limit {
			return out, fmt.Errorf("%w: more than %d bytes", ErrInflate, limit)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("%w: %v", ErrInflate, err)
		}
	}
}
