package cpu

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestX86MatchesProcCPUInfo checks the CPUID reading against the flags the
// Linux kernel reports, which also accounts for what the OS enabled.
func TestX86MatchesProcCPUInfo(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("needs linux/amd64 for /proc/cpuinfo, have %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Fatal(err)
	}
	var flags map[string]bool
	for line := range strings.Lines(string(data)) {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = map[string]bool{}
			for _, f := range strings.Fields(value) {
				flags[f] = true
			}
			break
		}
	}
	if flags == nil {
		t.Fatal("no flags line in /proc/cpuinfo")
	}
	purego := !X86.HasSSE2 // only the purego build leaves SSE2 unset on amd64
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"sse2", X86.HasSSE2, flags["sse2"] && !purego},
		{"avx2", X86.HasAVX2, flags["avx2"] && !purego},
		{"avx512", X86.HasAVX512, flags["avx512f"] && flags["avx512bw"] && !purego},
		{"avx512vbmi", X86.HasAVX512VBMI, flags["avx512f"] && flags["avx512bw"] && flags["avx512vbmi"] && !purego},
		{"bmi2", X86.HasBMI2, flags["bmi2"] && !purego},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("X86.Has%s = %v, want %v (from /proc/cpuinfo)", strings.ToUpper(tc.name), tc.got, tc.want)
		}
	}
}
