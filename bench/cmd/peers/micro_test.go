package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseBench(t *testing.T) {
	out := []byte(`goos: linux
goarch: amd64
pkg: github.com/wirefast/websocket/bench/micro
BenchmarkMask/wirefast/16B-2         	14.95 garbage line
BenchmarkMask/wirefast/16B-2         	80000000	        15.00 ns/op	1000.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkMask/wirefast/16B-2         	80000000	        13.00 ns/op	1200.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkMask/wirefast/16B-2         	80000000	        14.00 ns/op	1100.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkReadFrame/gorilla/binary/1KiB-2 	  915286	      1503 ns/op	 681.20 MB/s	       8 B/op	       1 allocs/op
BenchmarkNoProcs 	  10	      7 ns/op
PASS
ok  	github.com/wirefast/websocket/bench/micro	14.842s
`)
	want := []microResult{
		{Name: "BenchmarkMask/wirefast/16B", Runs: 3, NsOp: 14, MBs: 1100},
		{Name: "BenchmarkReadFrame/gorilla/binary/1KiB", Runs: 1, NsOp: 1503, MBs: 681.2, BOp: 8, Allocs: 1},
		{Name: "BenchmarkNoProcs", Runs: 1, NsOp: 7},
	}
	if diff := cmp.Diff(want, parseBench(out), cmp.AllowUnexported(microResult{})); diff != "" {
		t.Errorf("parseBench mismatch (-want +got):\n%s", diff)
	}
}

// FuzzParseBench checks that any go test output parses without panicking
// into results named after benchmarks, at most one per line.
func FuzzParseBench(f *testing.F) {
	f.Add([]byte("BenchmarkMask/wirefast/16B-2 \t 80000000\t 15.00 ns/op\t 1000.00 MB/s\t 0 B/op\t 0 allocs/op\n"))
	f.Add([]byte("BenchmarkX 1 NaN ns/op 1e400 MB/s\nBenchmarkX-8 2 3 ns/op\n"))
	f.Add([]byte("PASS\nok x 1s\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		rs := parseBench(out)
		if lines := bytes.Count(out, []byte("\n")) + 1; len(rs) > lines {
			t.Fatalf("%d results from %d lines", len(rs), lines)
		}
		for _, r := range rs {
			if !strings.HasPrefix(r.Name, "Benchmark") {
				t.Fatalf("result named %q", r.Name)
			}
		}
	})
}
