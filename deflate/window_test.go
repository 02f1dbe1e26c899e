package deflate

import "testing"

// TestEncoderTableBits checks how large a hash table an encoder borrows:
// sized to the window with context takeover, to a whole message without
// it, and never below the window's for a message written in pieces.
func TestEncoderTableBits(t *testing.T) {
	tests := []struct {
		wbits    int
		takeover bool
		whole    bool
		n        int
		want     uint
	}{
		{12, true, true, 16 << 10, 11},
		{15, true, false, 10, 14},
		{8, true, true, 1 << 20, 7},
		{12, false, true, 16 << 10, 14},
		{12, false, true, 1 << 20, 14},
		{12, false, true, 1 << 10, 11},
		{12, false, true, 1000, 10},
		{15, false, true, 1 << 10, 11},
		{15, false, true, 64, 8},
		{15, false, true, 1, 8},
		{12, false, false, 64, 11},
		{12, false, false, 16 << 10, 14},
		{9, false, false, 1, 8},
	}
	for _, tt := range tests {
		e := NewEncoder(tt.wbits, tt.takeover, BestSpeed)
		if got := e.tableBits(tt.n, tt.whole); got != tt.want {
			t.Errorf("window %d, takeover %v, whole %v, %d bytes: %d table bits, want %d",
				tt.wbits, tt.takeover, tt.whole, tt.n, got, tt.want)
		}
	}
}

// TestStatePools checks that a state put back with one table size is
// never handed out for another.
func TestStatePools(t *testing.T) {
	for _, tb := range []uint{8, 11, 14, 8} {
		st := getState(12, tb)
		if len(st.tab) != 1<<tb || st.tabBits != tb || len(st.ring) != 1<<12 {
			t.Fatalf("getState(12, %d): table of %d entries (tabBits %d), window %d", tb, len(st.tab), st.tabBits, len(st.ring))
		}
		st.put(12, BestSpeed, 0, 0)
	}
}

// TestEncoderWideHash checks which encoders hash 6 bytes at a position
// instead of 4: only a whole message without context takeover at
// BestSpeed, and a state goes back to its pool with 4.
func TestEncoderWideHash(t *testing.T) {
	tests := []struct {
		takeover bool
		level    Level
		whole    bool
		want     bool
	}{
		{false, BestSpeed, true, true},
		{false, BestSpeed, false, false},
		{true, BestSpeed, true, false},
		{false, BetterCompression, true, false},
	}
	msg := corpusMessages("json", 4000, 1)[0]
	for _, tt := range tests {
		e := NewEncoder(12, tt.takeover, tt.level)
		e.append(nil, msg, tt.whole)
		st := e.st
		if st.wide != tt.want {
			t.Errorf("takeover %v, level %d, whole %v: wide %v, want %v", tt.takeover, tt.level, tt.whole, st.wide, tt.want)
		}
		e.Reset()
		if st.wide {
			t.Errorf("takeover %v, level %d, whole %v: state back in its pool still wide", tt.takeover, tt.level, tt.whole)
		}
	}
}
