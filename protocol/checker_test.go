package protocol_test

import (
	"errors"
	"testing"

	"github.com/wirefast/websocket/protocol"
)

// frame builds a header for checker tests; masked is set by role below.
func frame(fin bool, op protocol.Opcode, length int64) protocol.Header {
	return protocol.Header{Fin: fin, Opcode: op, Length: length}
}

func TestChecker(t *testing.T) {
	text, bin, cont := protocol.OpText, protocol.OpBinary, protocol.OpContinuation
	ping, pong, closeOp := protocol.OpPing, protocol.OpPong, protocol.OpClose
	withRSV := func(h protocol.Header, rsv byte) protocol.Header { h.RSV = rsv; return h }

	tests := []struct {
		name       string
		allowedRSV byte
		frames     []protocol.Header
		// wantErr is the error of the last frame; all earlier frames pass.
		wantErr error
	}{
		{"single text", 0, []protocol.Header{frame(true, text, 5)}, nil},
		{"fragmented", 0, []protocol.Header{frame(false, text, 1), frame(false, cont, 1), frame(true, cont, 1), frame(true, bin, 0)}, nil},
		{"control inside fragments", 0, []protocol.Header{frame(false, bin, 1), frame(true, ping, 125), frame(true, pong, 0), frame(true, cont, 1)}, nil},
		{"close inside fragments", 0, []protocol.Header{frame(false, bin, 1), frame(true, closeOp, 2)}, nil},
		{"reserved opcode 3", 0, []protocol.Header{frame(true, 0x3, 0)}, protocol.ErrReservedOpcode},
		{"reserved opcode 7", 0, []protocol.Header{frame(true, 0x7, 0)}, protocol.ErrReservedOpcode},
		{"reserved opcode 11", 0, []protocol.Header{frame(true, 0xb, 0)}, protocol.ErrReservedOpcode},
		{"reserved opcode 15", 0, []protocol.Header{frame(true, 0xf, 0)}, protocol.ErrReservedOpcode},
		{"rsv1 without extension", 0, []protocol.Header{withRSV(frame(true, text, 1), protocol.RSV1)}, protocol.ErrReservedBits},
		{"rsv2 without extension", 0, []protocol.Header{withRSV(frame(true, text, 1), protocol.RSV2)}, protocol.ErrReservedBits},
		{"rsv3 without extension", 0, []protocol.Header{withRSV(frame(true, text, 1), protocol.RSV3)}, protocol.ErrReservedBits},
		{"rsv1 negotiated", protocol.RSV1, []protocol.Header{withRSV(frame(true, text, 1), protocol.RSV1), withRSV(frame(false, bin, 1), protocol.RSV1), frame(true, cont, 1)}, nil},
		{"rsv2 not negotiated", protocol.RSV1, []protocol.Header{withRSV(frame(true, text, 1), protocol.RSV2)}, protocol.ErrReservedBits},
		{"rsv1 on continuation", protocol.RSV1, []protocol.Header{withRSV(frame(false, text, 1), protocol.RSV1), withRSV(frame(true, cont, 1), protocol.RSV1)}, protocol.ErrReservedBits},
		{"rsv1 on ping", protocol.RSV1, []protocol.Header{withRSV(frame(true, ping, 1), protocol.RSV1)}, protocol.ErrReservedBits},
		{"rsv1 on close", protocol.RSV1, []protocol.Header{withRSV(frame(true, closeOp, 2), protocol.RSV1)}, protocol.ErrReservedBits},
		{"fragmented ping", 0, []protocol.Header{frame(false, ping, 1)}, protocol.ErrFragmentedControl},
		{"fragmented close", 0, []protocol.Header{frame(false, closeOp, 2)}, protocol.ErrFragmentedControl},
		{"ping 126 bytes", 0, []protocol.Header{frame(true, ping, 126)}, protocol.ErrControlTooLong},
		{"close 126 bytes", 0, []protocol.Header{frame(true, closeOp, 126)}, protocol.ErrControlTooLong},
		{"pong 65536 bytes", 0, []protocol.Header{frame(true, pong, 65536)}, protocol.ErrControlTooLong},
		{"continuation first", 0, []protocol.Header{frame(true, cont, 1)}, protocol.ErrUnexpectedContinuation},
		{"continuation after message", 0, []protocol.Header{frame(false, text, 1), frame(true, cont, 1), frame(true, cont, 1)}, protocol.ErrUnexpectedContinuation},
		{"text inside fragments", 0, []protocol.Header{frame(false, text, 1), frame(true, text, 1)}, protocol.ErrExpectedContinuation},
		{"binary inside fragments", 0, []protocol.Header{frame(false, text, 1), frame(false, cont, 1), frame(true, bin, 1)}, protocol.ErrExpectedContinuation},
	}
	for _, role := range []protocol.Role{protocol.RoleServer, protocol.RoleClient} {
		for _, tc := range tests {
			t.Run(role.String()+"/"+tc.name, func(t *testing.T) {
				c := protocol.Checker{Role: role, AllowedRSV: tc.allowedRSV}
				for i, h := range tc.frames {
					h.Masked = role == protocol.RoleServer
					err := c.Check(&h)
					want := error(nil)
					if i == len(tc.frames)-1 {
						want = tc.wantErr
					}
					if !errors.Is(err, want) {
						t.Fatalf("frame %d: Check(%+v) = %v, want %v", i, h, err, want)
					}
					if code, ok := protocol.CloseCodeOf(err); err != nil && (!ok || code != protocol.CloseProtocolError) {
						t.Errorf("CloseCodeOf(%v) = %d, %v, want 1002, true", err, code, ok)
					}
				}
			})
		}
	}
}

func TestCheckerMasking(t *testing.T) {
	tests := []struct {
		role    protocol.Role
		masked  bool
		wantErr error
	}{
		{protocol.RoleServer, true, nil},
		{protocol.RoleServer, false, protocol.ErrUnmaskedFrame},
		{protocol.RoleClient, false, nil},
		{protocol.RoleClient, true, protocol.ErrMaskedFrame},
	}
	for _, tc := range tests {
		c := protocol.Checker{Role: tc.role}
		h := protocol.Header{Fin: true, Opcode: protocol.OpBinary, Masked: tc.masked}
		if err := c.Check(&h); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: Check(masked=%v) = %v, want %v", tc.role, tc.masked, err, tc.wantErr)
		}
	}
}

func TestCheckerState(t *testing.T) {
	c := protocol.Checker{Role: protocol.RoleClient}
	steps := []struct {
		h         protocol.Header
		inMessage bool
		opcode    protocol.Opcode
	}{
		{frame(false, protocol.OpBinary, 1), true, protocol.OpBinary},
		{frame(true, protocol.OpPing, 0), true, protocol.OpBinary},
		{frame(true, protocol.OpContinuation, 1), false, protocol.OpBinary},
		{frame(true, protocol.OpText, 1), false, protocol.OpText},
	}
	for i, s := range steps {
		if err := c.Check(&s.h); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if c.InMessage() != s.inMessage || c.MessageOpcode() != s.opcode {
			t.Errorf("step %d: InMessage, MessageOpcode = %v, %v, want %v, %v", i, c.InMessage(), c.MessageOpcode(), s.inMessage, s.opcode)
		}
	}
	if err := c.Check(new(frame(false, protocol.OpText, 1))); err != nil {
		t.Fatal(err)
	}
	c.Reset()
	if c.InMessage() {
		t.Error("InMessage() after Reset = true")
	}
	if err := c.Check(new(frame(true, protocol.OpText, 1))); err != nil {
		t.Errorf("Check after Reset: %v", err)
	}
}
