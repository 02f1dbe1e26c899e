package protocol_test

import (
	"testing"

	"github.com/wirefast/websocket/protocol"
)

func TestOpcode(t *testing.T) {
	tests := []struct {
		op       protocol.Opcode
		name     string
		control  bool
		reserved bool
	}{
		{protocol.OpContinuation, "continuation", false, false},
		{protocol.OpText, "text", false, false},
		{protocol.OpBinary, "binary", false, false},
		{0x3, "reserved(0x3)", false, true},
		{0x7, "reserved(0x7)", false, true},
		{protocol.OpClose, "close", true, false},
		{protocol.OpPing, "ping", true, false},
		{protocol.OpPong, "pong", true, false},
		{0xb, "reserved(0xb)", true, true},
		{0xf, "reserved(0xf)", true, true},
	}
	for _, tc := range tests {
		if got := tc.op.String(); got != tc.name {
			t.Errorf("Opcode(%d).String() = %q, want %q", tc.op, got, tc.name)
		}
		if got := tc.op.IsControl(); got != tc.control {
			t.Errorf("Opcode(%d).IsControl() = %v, want %v", tc.op, got, tc.control)
		}
		if got := tc.op.IsReserved(); got != tc.reserved {
			t.Errorf("Opcode(%d).IsReserved() = %v, want %v", tc.op, got, tc.reserved)
		}
	}
}
