package rawws

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestCheckDeflate(t *testing.T) {
	tests := []struct {
		response string
		wantErr  bool
	}{
		{"permessage-deflate; server_no_context_takeover; client_no_context_takeover", false},
		{"permessage-deflate;server_no_context_takeover", false},
		{"permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=12", false},
		{"", true},
		{"permessage-deflate", true}, // the server would keep its context
		{"permessage-deflate; server_no_context_takeover; client_max_window_bits=10", true},
		{"x-webkit-deflate-frame", true},
		{"permessage-deflate; server_no_context_takeover, permessage-deflate", true},
	}
	for _, tc := range tests {
		err := CheckDeflate(tc.response)
		if (err != nil) != tc.wantErr || err != nil && !errors.Is(err, ErrDeflateDeclined) {
			t.Errorf("CheckDeflate(%q) = %v, want error %v (ErrDeflateDeclined)", tc.response, err, tc.wantErr)
		}
	}
}

func TestAppendRequestExtensions(t *testing.T) {
	got := string(AppendRequestExtensions(nil, "h:1", "/", "KEY", DeflateOffer))
	if !strings.Contains(got, "\r\nSec-WebSocket-Extensions: "+DeflateOffer+"\r\n") || !strings.HasSuffix(got, "\r\n\r\n") {
		t.Errorf("AppendRequestExtensions = %q, want the offer as a header line", got)
	}
}

// TestCompressedRoundTrip sends messages compressed and reads them back
// through ReadMessageRSV1 and an Inflater reused across messages.
func TestCompressedRoundTrip(t *testing.T) {
	msgs := [][]byte{nil, []byte("a"), []byte(strings.Repeat("héllo wörld ", 5000)), bytes.Repeat([]byte{0, 1, 2, 250}, 100)}
	var stream []byte
	for _, m := range msgs {
		stream = AppendCompressedFrame(stream, OpText, Compress(m), [4]byte{9, 8, 7, 6})
	}
	br := bufio.NewReader(bytes.NewReader(stream))
	var inf Inflater
	var out []byte
	for i, m := range msgs {
		op, compressed, raw, err := ReadMessageRSV1(br, nil, 1<<20)
		if err != nil || op != OpText || !compressed {
			t.Fatalf("message %d: ReadMessageRSV1 = %d, %v, %v; want text, compressed", i, op, compressed, err)
		}
		if out, err = inf.Inflate(out, raw, 1<<20); err != nil || !bytes.Equal(out, m) {
			t.Fatalf("message %d: Inflate = %d bytes, %v; want the %d sent", i, len(out), err, len(m))
		}
	}
	if _, err := inf.Inflate(nil, Compress(msgs[2]), 100); !errors.Is(err, ErrInflate) {
		t.Errorf("Inflate past the limit = %v, want ErrInflate", err)
	}
	if _, err := inf.Inflate(nil, []byte{0xff, 0xff, 0xff}, 100); !errors.Is(err, ErrInflate) {
		t.Errorf("Inflate of garbage = %v, want ErrInflate", err)
	}
}

func TestReadMessageRSV1Errors(t *testing.T) {
	key := [4]byte{1, 2, 3, 4}
	compressedCont := append(AppendFrame(nil, OpText, []byte("a"), true, key), 0)
	compressedCont[0] &^= 0x80 // not final
	compressedCont = compressedCont[:len(compressedCont)-1]
	compressedCont = append(compressedCont, appendFrame(nil, OpContinuation, true, []byte("b"), true, key)...)
	tests := []struct {
		name   string
		stream []byte
	}{
		{"RSV1 on a continuation", compressedCont},
		{"RSV1 on a ping", appendFrame(nil, OpPing, true, nil, true, key)},
		{"RSV2", func() []byte { f := AppendFrame(nil, OpText, nil, true, key); f[0] |= 0x20; return f }()},
	}
	for _, tc := range tests {
		_, _, _, err := ReadMessageRSV1(bufio.NewReader(bytes.NewReader(tc.stream)), nil, 1<<20)
		if !errors.Is(err, ErrProtocol) {
			t.Errorf("%s: ReadMessageRSV1 = %v, want ErrProtocol", tc.name, err)
		}
	}
	// Without permessage-deflate, RSV1 is an error too.
	if _, _, err := ReadMessage(bufio.NewReader(bytes.NewReader(AppendCompressedFrame(nil, OpText, Compress(nil), key))), nil, 1<<20); !errors.Is(err, ErrProtocol) {
		t.Errorf("ReadMessage of a compressed frame = %v, want ErrProtocol", err)
	}
}
