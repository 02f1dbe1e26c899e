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
