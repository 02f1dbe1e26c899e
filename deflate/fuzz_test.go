package deflate_test

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"strconv"
	"testing"
	"testing/iotest"

	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
)

// maxFuzzInput caps fuzz inputs so each runs fast.
const maxFuzzInput = 64 << 10

// splitMessages cuts data into up to four messages at the points given by
// cuts, so one input exercises a stream of messages.
func splitMessages(data []byte, cuts uint32) [][]byte {
	var msgs [][]byte
	for range 3 {
		if len(data) == 0 {
			break
		}
		n := int(cuts&0xff) * len(data) / 255
		cuts >>= 8
		msgs = append(msgs, data[:n])
		data = data[n:]
	}
	return append(msgs, data)
}

// FuzzRoundTrip compresses a stream of messages made from the input at a
// window size, level, takeover mode and Append piece size chosen by the
// input (or each message whole, with Compress), and checks that
// compress/flate and our decoder inflate each message back, and that no
// distance exceeds the window.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello hello hello hello"), byte(7), byte(1), uint32(0x80))
	f.Add([]byte{}, byte(0), byte(0), uint32(0))
	f.Add(bytes.Repeat([]byte("abcd"), 300), byte(0), byte(3), uint32(0x404040))
	f.Add(corpusMessage("json", 5000), byte(4), byte(5), uint32(0x102030))
	f.Add(corpusMessage("chat", 3000), byte(7), byte(2), uint32(0x40302010))
	f.Add(corpusMessage("logs", 60000), byte(6), byte(1), uint32(0x40))
	f.Add(append(noise(300, 1), noise(300, 1)...), byte(0), byte(1), uint32(0xff00ff))
	f.Fuzz(func(t *testing.T, data []byte, w, flags byte, cuts uint32) {
		if len(data) > maxFuzzInput {
			return
		}
		bits := deflate.MinWindowBits + int(w%8)
		takeover := flags&1 != 0
		level := deflate.BestSpeed + deflate.Level(flags>>1&1)
		piece := []int{0, 1, 7, 1000}[flags>>2&3] // 0: Compress
		e := deflate.NewEncoder(bits, takeover, level)
		d := deflate.NewDecoder(bits, takeover)
		inf := stdInflater{takeover: takeover}
		var hist []byte
		for i, m := range splitMessages(data, cuts) {
			var c []byte
			if piece == 0 {
				c = e.Compress(c, m)
			} else {
				for p := m; len(p) > 0; {
					n := min(piece, len(p))
					c = e.Append(c, p[:n])
					p = p[n:]
				}
				c = e.Flush(c)
			}
			if got := inf.inflate(t, c); !bytes.Equal(got, m) {
				t.Fatalf("message %d: compress/flate inflates %d bytes that differ from %d", i, len(got), len(m))
			}
			got, err := d.Decompress(nil, c, -1)
			if err != nil || !bytes.Equal(got, m) {
				t.Fatalf("message %d: Decompress: %v, equal %v", i, err, bytes.Equal(got, m))
			}
			if !takeover {
				hist = nil
			}
			_, maxDist, err := deflate.RefInflate(hist, append(c, tail...))
			if err != nil || maxDist > 1<<bits {
				t.Fatalf("message %d: reference inflate: %v, longest distance %d, window %d", i, err, maxDist, 1<<bits)
			}
			hist = append(hist, m...)
		}
	})
}

// FuzzInflate runs the decoder on arbitrary payloads: it must never
// panic, must not produce more than the limit, must fail only with its
// documented errors, must give the same result through Decompress and
// through Read, and wherever it succeeds compress/flate and the reference
// inflater must produce the same bytes.
func FuzzInflate(f *testing.F) {
	e := deflate.NewEncoder(15, true, deflate.BestSpeed)
	for _, m := range testMessages(true)[:8] {
		f.Add(e.Compress(nil, m), byte(7), byte(1), uint32(0x80))
	}
	for _, c := range stdCompress(f, [][]byte{corpusMessage("logs", 2000), []byte("x")}, flate.BestCompression, false) {
		f.Add(c, byte(7), byte(0), uint32(0))
	}
	f.Add([]byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, byte(0), byte(0), uint32(0)) // RFC 7692 "Hello"
	f.Add([]byte{0x00}, byte(0), byte(0), uint32(0))
	f.Add([]byte{0x03, 0x00}, byte(0), byte(2), uint32(0))
	f.Fuzz(func(t *testing.T, data []byte, w, flags byte, cuts uint32) {
		if len(data) > maxFuzzInput {
			return
		}
		bits := deflate.MinWindowBits + int(w%8)
		takeover := flags&1 != 0
		limit := []int64{-1, 0, 100, 1 << 20}[flags>>1&3]
		d := deflate.NewDecoder(bits, takeover)
		dr := deflate.NewDecoder(bits, takeover)
		inf := stdInflater{takeover: takeover}
		var hist []byte
		for i, m := range splitMessages(data, cuts) {
			got, err := d.Decompress(nil, m, limit)
			dr.Reset(iotest.OneByteReader(bytes.NewReader(m)), limit)
			gotr, errr := io.ReadAll(dr)
			if !errors.Is(err, deflate.ErrCorrupt) && !errors.Is(err, deflate.ErrTooLarge) && err != nil {
				t.Fatalf("message %d: undocumented error %v", i, err)
			}
			if (err == nil) != (errr == nil) || (err != nil && !errors.Is(errr, err)) {
				t.Fatalf("message %d: Decompress error %v, Read error %v", i, err, errr)
			}
			if limit >= 0 && (int64(len(got)) > limit || int64(len(gotr)) > limit) {
				t.Fatalf("message %d: %d and %d bytes over the limit %d", i, len(got), len(gotr), limit)
			}
			if err != nil {
				return // the connection would be failed
			}
			if !bytes.Equal(got, gotr) {
				t.Fatalf("message %d: Decompress and Read differ", i)
			}
			if ref := inf.inflate(t, m); !bytes.Equal(ref, got) {
				t.Fatalf("message %d: compress/flate gives %d bytes, we %d", i, len(ref), len(got))
			}
			if !takeover {
				hist = nil
			}
			ref, _, err := deflate.RefInflate(hist, append(append([]byte(nil), m...), tail...))
			if err != nil || !bytes.Equal(ref, got) {
				t.Fatalf("message %d: reference inflate: %v, equal %v", i, err, bytes.Equal(ref, got))
			}
			hist = append(hist, got...)
		}
	})
}

// fuzzOptions picks option sets from a byte.
func fuzzOptions(b byte) *deflate.Options {
	return &deflate.Options{
		Mode:                deflate.Mode(1 + b&1),
		ServerMaxWindowBits: []int{0, 8, 11, 15}[b>>1&3],
		ClientMaxWindowBits: []int{0, 9, 12, 15}[b>>3&3],
		Level:               deflate.Level(b >> 5 & 1),
	}
}

// FuzzNegotiate feeds arbitrary Sec-WebSocket-Extensions values to the
// server (as an offer) and to the client (as a response). Nothing may
// panic; an accepted offer's response must obey RFC 7692 against the
// offer it accepted, as checked by rfcCheck, and must be accepted by a
// client that made that offer; a confirmed response must obey the rules
// against the client's own offer.
func FuzzNegotiate(f *testing.F) {
	f.Add("permessage-deflate; client_max_window_bits", "permessage-deflate; server_max_window_bits=12", byte(0))
	f.Add("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=10",
		"permessage-deflate; server_no_context_takeover", byte(3))
	f.Add("x, permessage-deflate; server_max_window_bits=16, permessage-deflate", "permessage-deflate; client_max_window_bits", byte(0x55))
	f.Add(`permessage-deflate; client_max_window_bits="8"`, "permessage-deflate, permessage-deflate", byte(0xff))
	f.Fuzz(func(t *testing.T, offer, response string, optBits byte) {
		sopts, copts := fuzzOptions(optBits), fuzzOptions(optBits^0xa5)
		if exts, err := handshake.ParseExtensions([]string{offer}); err == nil {
			cfg, err := deflate.Accept(exts, sopts)
			if err != nil {
				t.Fatalf("Accept: %v", err)
			}
			if cfg != nil {
				chosen, ok := firstAcceptable(exts)
				if !ok {
					t.Fatalf("Accept(%q) accepted, but no offer is acceptable", offer)
				}
				resp := cfg.Response()
				back, err := handshake.ParseExtensions([]string{formatExt(resp)})
				if err != nil || len(back) != 1 {
					t.Fatalf("response %q does not parse back: %v", formatExt(resp), err)
				}
				if msg := rfcCheck(chosen, back[0], cfg.Params); msg != "" {
					t.Fatalf("offer %q, response %q: %s", formatExt(chosen), formatExt(resp), msg)
				}
			} else if _, ok := firstAcceptable(exts); ok {
				t.Fatalf("Accept(%q) declined an acceptable offer", offer)
			}
		}
		if exts, err := handshake.ParseExtensions([]string{response}); err == nil {
			cfg, err := deflate.Confirm(exts, copts)
			if err != nil && !errors.Is(err, deflate.ErrResponse) {
				t.Fatalf("Confirm: undocumented error %v", err)
			}
			if cfg != nil {
				off, _ := deflate.Offer(copts)
				var resp handshake.Extension
				for _, e := range exts {
					if e.Name == deflate.Name {
						resp = e
					}
				}
				if msg := rfcCheck(off[0], resp, cfg.Params); msg != "" {
					t.Fatalf("offer %q, response %q: %s", formatExt(off...), formatExt(resp), msg)
				}
			}
		}
	})
}

// rfcParams reads the parameters of a permessage-deflate element into a
// map, reporting whether every name is known and appears once, flags have
// no value and window bits are "8" to "15" (client_max_window_bits may
// be empty in an offer). It is written apart from the package's parser.
func rfcParams(e handshake.Extension, offer bool) (map[string]string, bool) {
	m := map[string]string{}
	for _, p := range e.Params {
		if _, dup := m[p.Name]; dup {
			return nil, false
		}
		switch p.Name {
		case deflate.ParamServerNoContextTakeover, deflate.ParamClientNoContextTakeover:
			if p.Value != "" {
				return nil, false
			}
		case deflate.ParamServerMaxWindowBits, deflate.ParamClientMaxWindowBits:
			valid := false
			for b := 8; b <= 15; b++ {
				valid = valid || p.Value == strconv.Itoa(b)
			}
			if !valid && !(offer && p.Name == deflate.ParamClientMaxWindowBits && p.Value == "") {
				return nil, false
			}
		default:
			return nil, false
		}
		m[p.Name] = p.Value
	}
	return m, true
}

func firstAcceptable(exts []handshake.Extension) (handshake.Extension, bool) {
	for _, e := range exts {
		if e.Name != deflate.Name {
			continue
		}
		if _, ok := rfcParams(e, true); ok {
			return e, true
		}
	}
	return handshake.Extension{}, false
}

// atoi reads a window bits value, 15 for none.
func atoi(s string) int {
	if s == "" {
		return 15
	}
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// rfcCheck checks a response against the offer it answers (RFC 7692,
// Section 7.1) and the parameters both sides derive from them, returning
// what is wrong.
func rfcCheck(offer, resp handshake.Extension, p deflate.Params) string {
	o, ok := rfcParams(offer, true)
	if !ok {
		return "offer not valid"
	}
	r, ok := rfcParams(resp, false)
	if !ok {
		return "response not valid"
	}
	_, oSNCT := o[deflate.ParamServerNoContextTakeover]
	_, rSNCT := r[deflate.ParamServerNoContextTakeover]
	_, oCNCT := o[deflate.ParamClientNoContextTakeover]
	_, rCNCT := r[deflate.ParamClientNoContextTakeover]
	oSB, oHasSB := o[deflate.ParamServerMaxWindowBits]
	rSB, rHasSB := r[deflate.ParamServerMaxWindowBits]
	oCB, oHasCB := o[deflate.ParamClientMaxWindowBits]
	rCB, rHasCB := r[deflate.ParamClientMaxWindowBits]
	switch {
	case oSNCT && !rSNCT:
		return "server_no_context_takeover offered but not in the response"
	case oHasSB && !rHasSB:
		return "server_max_window_bits offered but not in the response"
	case oHasSB && atoi(rSB) > atoi(oSB):
		return "server_max_window_bits over the offer"
	case rHasCB && !oHasCB:
		return "client_max_window_bits not offered"
	case rHasCB && atoi(rCB) > atoi(oCB):
		return "client_max_window_bits over the offer"
	case p.ServerNoContextTakeover != rSNCT:
		return "server_no_context_takeover differs from the response"
	case p.ClientNoContextTakeover != (rCNCT || oCNCT):
		return "client_no_context_takeover differs from the response"
	case p.ServerMaxWindowBits != atoi(rSB):
		return "server window differs from the response"
	}
	wantCB := 15
	switch {
	case rHasCB:
		wantCB = atoi(rCB)
	case oHasCB && oCB != "":
		wantCB = atoi(oCB) // the offer's value binds the client
	}
	if p.ClientMaxWindowBits != wantCB {
		return "client window differs from offer and response"
	}
	return ""
}
