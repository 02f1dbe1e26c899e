package procstat

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// TicksPerSecond is the unit of the CPU times in /proc/PID/stat (USER_HZ,
// sysconf(_SC_CLK_TCK)). It is 100 on every Linux ABI Go supports; the
// kernel converts to it whatever its internal HZ.
const TicksPerSecond = 100

// ErrFormat is returned by ParseStat and ParseRSS when the text is not in
// the kernel's format.
var ErrFormat = errors.New("procstat: unexpected format")

// Ticks are a process's CPU times in ticks of 1/TicksPerSecond seconds,
// all threads included.
type Ticks struct {
	User   int64 // utime: running the program's own code
	System int64 // stime: in the kernel on its behalf (system calls, faults)
}

// Total returns User + System.
func (t Ticks) Total() int64 { return t.User + t.System }

// CPUTicks returns the CPU time process pid has used so far.
func CPUTicks(pid int) (Ticks, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Ticks{}, fmt.Errorf("procstat: %w", err)
	}
	return ParseStat(b)
}

// ParseStat returns utime and stime from the contents of /proc/PID/stat.
// The command name, in parentheses, may hold spaces and parentheses, so
// fields are counted from the last ')'.
func ParseStat(b []byte) (Ticks, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return Ticks{}, fmt.Errorf("%w: no command name", ErrFormat)
	}
	// After ")": state(3) ppid(4) ... utime(14) stime(15).
	f := bytes.Fields(b[i+1:])
	const utime, stime = 14 - 3, 15 - 3
	if len(f) <= stime {
		return Ticks{}, fmt.Errorf("%w: %d fields", ErrFormat, len(f)+2)
	}
	u, err1 := strconv.ParseInt(string(f[utime]), 10, 64)
	s, err2 := strconv.ParseInt(string(f[stime]), 10, 64)
	// A machine-lifetime of ticks fits in far less than 2^53; bounding
	// each keeps their sum from overflowing.
	const maxTicks = 1 << 53
	if err1 != nil || err2 != nil || u < 0 || s < 0 || u > maxTicks || s > maxTicks {
		return Ticks{}, fmt.Errorf("%w: utime %q stime %q", ErrFormat, f[utime], f[stime])
	}
	return Ticks{User: u, System: s}, nil
}

// RSS returns the resident set size of process pid (VmRSS), in bytes.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("procstat: %w", err)
	}
	return ParseRSS(b)
}

// ParseRSS returns VmRSS, in bytes, from the contents of
// /proc/PID/status, where it reads "VmRSS:\t  1234 kB".
func ParseRSS(b []byte) (int64, error) {
	for line := range bytes.Lines(b) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("%w: VmRSS line %q", ErrFormat, bytes.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil || kb < 0 || kb > 1<<40 {
			return 0, fmt.Errorf("%w: VmRSS %q", ErrFormat, f[0])
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("%w: no VmRSS line", ErrFormat)
}
