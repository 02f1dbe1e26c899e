package bufpool

import "testing"

func TestGetSizes(t *testing.T) {
	tests := []struct{ n, want int }{
		{0, 4 << 10},
		{1, 4 << 10},
		{4 << 10, 4 << 10},
		{4<<10 + 1, 16 << 10},
		{1 << 20, 1 << 20},
		{1<<20 + 1, 1<<20 + 1},
	}
	for _, tc := range tests {
		b := Get(tc.n)
		if len(*b) != tc.want {
			t.Errorf("len(*Get(%d)) = %d, want %d", tc.n, len(*b), tc.want)
		}
		Put(b)
	}
}

func TestPutGetAllocs(t *testing.T) {
	Put(Get(100))
	allocs := testing.AllocsPerRun(100, func() { Put(Get(100)) })
	// sync.Pool may drop an item on a GC; steady state must not allocate.
	if allocs > 0.1 {
		t.Errorf("Put(Get(100)): %v allocs, want 0", allocs)
	}
}
