package procstat

import (
	"errors"
	"testing"
)

// FuzzParseStat checks that any /proc/PID/stat text parses to two
// non-negative figures or ErrFormat, without panicking.
func FuzzParseStat(f *testing.F) {
	f.Add([]byte("1234 (echo-gws) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 4 0 100 0 0"))
	f.Add([]byte("77 (a) b (c)) R 1 77 77 0 -1 0 0 0 0 0 5 6 0 0"))
	f.Add([]byte(")"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := ParseStat(b)
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Fatalf("undocumented error %v", err)
		}
		if n.User < 0 || n.System < 0 || n.Total() < 0 {
			t.Fatalf("negative CPU time %+v", n)
		}
	})
}

// FuzzParseRSS checks that any /proc/PID/status text parses to a
// non-negative size or ErrFormat, without panicking.
func FuzzParseRSS(f *testing.F) {
	f.Add([]byte("Name:\techo\nVmRSS:\t    7232 kB\n"))
	f.Add([]byte("VmRSS: 99999999999999999999 kB"))
	f.Add([]byte("VmRSS:"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := ParseRSS(b)
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Fatalf("undocumented error %v", err)
		}
		if n < 0 {
			t.Fatalf("negative size %d", n)
		}
	})
}
