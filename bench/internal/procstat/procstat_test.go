package procstat

import (
	"errors"
	"os"
	"testing"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Ticks
		wantErr error
	}{
		{"plain", "1234 (echo-gws) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 4 0 100 0 0", Ticks{User: 250, System: 37}, nil},
		{"name with spaces and parens", "77 (a) b (c)) R 1 77 77 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0", Ticks{User: 5, System: 6}, nil},
		{"no name", "1234 S 1 2 3", Ticks{}, ErrFormat},
		{"short", "1 (x) S 1 2 3", Ticks{}, ErrFormat},
		{"not a number", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 u s 0", Ticks{}, ErrFormat},
		{"negative", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 -5 1 0", Ticks{}, ErrFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseStat([]byte(tc.in))
			if got != tc.want || !errors.Is(err, tc.wantErr) {
				t.Errorf("ParseStat(%q) = %+v, %v; want %+v, %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseRSS(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr error
	}{
		{"status", "Name:\techo\nVmPeak:\t  9000 kB\nVmRSS:\t    7232 kB\nRssAnon:\t 1000 kB\n", 7232 << 10, nil},
		{"last line without newline", "VmRSS: 1 kB", 1 << 10, nil},
		{"missing", "Name:\techo\n", 0, ErrFormat},
		{"no unit", "VmRSS:\t7232\n", 0, ErrFormat},
		{"garbage", "VmRSS:\tlots kB\n", 0, ErrFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRSS([]byte(tc.in))
			if got != tc.want || !errors.Is(err, tc.wantErr) {
				t.Errorf("ParseRSS(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestSelf reads this process's own figures, which must exist and be
// plausible.
func TestSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	ticks, err := CPUTicks(os.Getpid())
	if err != nil || ticks.User < 0 || ticks.System < 0 {
		t.Errorf("CPUTicks(self) = %+v, %v; want both >= 0, nil", ticks, err)
	}
	rss, err := RSS(os.Getpid())
	if err != nil || rss < 1<<20 {
		t.Errorf("RSS(self) = %d, %v; want at least 1 MiB, nil", rss, err)
	}
	if _, err := CPUTicks(-1); err == nil {
		t.Errorf("CPUTicks(-1) succeeded")
	}
}
