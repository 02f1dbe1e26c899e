package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// options are the command-line settings.
type options struct {
	bin, out, docs, moddir, gocmd string
	warmup, round                 time.Duration
	rounds                        int
	window0, inflight             int
	sizes, conns                  []int
	libs                          []string
	idleConns                     int
	settle                        time.Duration
	micro                         bool
	compress, plain               bool
	onlyIdle                      bool // only the idle-memory measurements
	compressSizes                 []int
	microCount                    int
	microTime                     string
	pinCPU                        int // CPU of the pinned cells, -1 for none
	args                          []string
	command                       string   // how the run was started, for the report
	from                          string   // results JSON to report again, without measuring
	across                        []string // results JSONs to report side by side, without measuring
}

func parseFlags() *options {
	o := &options{args: os.Args[1:]}
	flag.StringVar(&o.bin, "bin", "bin", "directory of the echo-* and loadgen binaries")
	flag.StringVar(&o.out, "out", "results", "directory of the reports")
	flag.StringVar(&o.docs, "docs", "", `markdown file whose "## Peer comparison" section to rewrite (empty: none)`)
	flag.StringVar(&o.moddir, "moddir", ".", "directory of the bench module, for the micro-benchmarks")
	flag.StringVar(&o.gocmd, "go", "go", "go command, for the micro-benchmarks")
	flag.DurationVar(&o.warmup, "warmup", 200*time.Millisecond, "unmeasured load before each cell's rounds")
	flag.DurationVar(&o.round, "round", 300*time.Millisecond, "length of a measured round")
	flag.IntVar(&o.rounds, "rounds", 5, "measured rounds per cell")
	flag.IntVar(&o.window0, "window", 16, "messages in flight per connection when pipelined")
	flag.IntVar(&o.inflight, "inflight", 2<<20, "most bytes in flight per connection when pipelined")
	sizes := flag.String("sizes", "16,1024,16384,1048576", "payload sizes, bytes")
	conns := flag.String("conns", "1,64", "connection counts")
	libs := flag.String("libs", "", "libraries to run, comma-separated (empty: all; tcp always runs)")
	flag.IntVar(&o.idleConns, "idle-conns", 10000, "connections of the idle-memory measurements (0: skip them)")
	flag.BoolVar(&o.onlyIdle, "only-idle", false, "run only the idle-memory measurements: no echo cells, no micro-benchmarks (with -compress, the compressed one too)")
	flag.DurationVar(&o.settle, "settle", time.Second, "wait before each VmRSS reading")
	flag.BoolVar(&o.micro, "micro", true, "run the micro-benchmarks")
	flag.IntVar(&o.microCount, "micro-count", 5, "rounds of the micro-benchmarks (each round runs every benchmark once)")
	flag.StringVar(&o.microTime, "micro-benchtime", "200ms", "-benchtime of the micro-benchmarks")
	pin := flag.String("pin", "auto", `pin the c=1 round-trip cells to one CPU: "auto" (when there are 2 CPUs or more and taskset), "off"`)
	flag.StringVar(&o.command, "command", "", "how the run was started, as the report names it (default: the peers command line)")
	flag.StringVar(&o.from, "from", "", "write the report (and -docs) again from this results JSON, without measuring")
	acrossRuns := flag.Bool("across", false, "print a report of the results JSONs named as arguments side by side (how often each echo cell met its target and its ceiling missed it, and the frame reads' ratios), without measuring")
	flag.BoolVar(&o.compress, "compress", false, "add compressed echo cells (permessage-deflate without context takeover, round trip, text, -conns × -compress-sizes) and the idle-memory measurement with permessage-deflate")
	compressSizes := flag.String("compress-sizes", "1024,16384", "payload sizes of the compressed cells, bytes")
	flag.BoolVar(&o.plain, "plain", true, "run the uncompressed echo cells (-plain=false -compress: compressed cells only)")
	flag.Parse()
	if *acrossRuns {
		if o.across = flag.Args(); len(o.across) == 0 {
			fatalf("-across needs results JSONs as arguments")
		}
	}
	if o.onlyIdle {
		if o.idleConns <= 0 {
			fatalf("-only-idle needs -idle-conns above 0")
		}
		o.micro = false
	}
	var err error
	if o.compressSizes, err = parseInts(*compressSizes); err != nil {
		fatalf("-compress-sizes: %v", err)
	}
	if o.sizes, err = parseInts(*sizes); err != nil {
		fatalf("-sizes: %v", err)
	}
	if o.conns, err = parseInts(*conns); err != nil {
		fatalf("-conns: %v", err)
	}
	o.libs = parseList(*libs)
	o.pinCPU = -1
	if *pin == "auto" && runtime.NumCPU() >= 2 {
		if _, err := exec.LookPath("taskset"); err == nil {
			o.pinCPU = runtime.NumCPU() - 1
		} else {
			logf("taskset not found: the c=1 round-trip cells run unpinned")
		}
	}
	return o
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range parseList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty list")
	}
	return out, nil
}

func main() {
	o := parseFlags()
	if len(o.across) > 0 {
		names := make([]string, len(o.across))
		runs := make([]*results, len(o.across))
		for i, path := range o.across {
			names[i], runs[i] = runName(path), reload(path)
		}
		fmt.Print(acrossReport(names, runs))
		return
	}
	var res *results
	var base string
	if o.from != "" {
		res = reload(o.from)
		base = strings.TrimSuffix(o.from, ".json")
		if o.command != "" {
			res.Command = strings.TrimSpace(o.command)
		}
	} else {
		res = measure(o)
		res.Command = strings.TrimSpace(o.command) // kept in the JSON, for make report
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			fatalf("%v", err)
		}
		base = filepath.Join(o.out, res.Started.Format("2006-01-02-1504"))
		raw, err := json.Marshal(res)
		if err != nil {
			fatalf("%v", err)
		}
		if err := os.WriteFile(base+".json", raw, 0o644); err != nil {
			fatalf("%v", err)
		}
	}
	report := res.report(filepath.Base(base) + ".md")
	if err := os.WriteFile(base+".md", []byte(report), 0o644); err != nil {
		fatalf("%v", err)
	}
	logf("report: %s.md (%s)", base, time.Duration(res.Seconds*float64(time.Second)).Round(time.Second))
	if o.docs != "" && (!o.plain || o.onlyIdle) {
		// The section would lose the uncompressed or the echo cells.
		logf("-plain=false or -only-idle: %s left as it is", o.docs)
		o.docs = ""
	}
	if o.docs != "" {
		rel, err := relPath(filepath.Dir(o.docs), base+".md")
		if err != nil {
			fatalf("%v", err)
		}
		if err := updateDocs(o.docs, res.docsSection(rel)); err != nil {
			fatalf("%v", err)
		}
		logf("updated %s", o.docs)
	}
}

// measure runs everything o asks for.
func measure(o *options) *results {
	res := &results{
		Started:  time.Now(),
		Machine:  machine(),
		Args:     strings.Join(o.args, " "),
		Pinned:   o.pinCPU,
		Window:   o.window0,
		Inflight: o.inflight,
		Rounds:   o.rounds,
		Round:    o.round.String(),
		Warmup:   o.warmup.String(),
		Versions: map[string]string{},
		Echo:     map[string]map[string]*echoResult{},
	}
	vs := variants(o.libs)
	res.Libs = libraries(vs)
	for _, v := range vs {
		res.Variants = append(res.Variants, v.String())
	}
	runEcho(o, vs, o.echoCells(), res)
	if o.idleConns > 0 {
		res.Idle = runIdle(o, vs, false, res.Versions)
	}
	if o.idleConns > 0 && o.compress {
		res.IdleDeflate = runIdle(o, vs, true, res.Versions)
	}
	if o.micro {
		runMicro(o, res)
	}
	res.LoadEnd = loadAvg()
	res.Seconds = time.Since(res.Started).Seconds()
	return res
}

// reload reads the results of an earlier run.
func reload(path string) *results {
	raw, err := os.ReadFile(path)
	if err != nil {
		fatalf("%v", err)
	}
	var res results
	if err := json.Unmarshal(raw, &res); err != nil {
		fatalf("%s: %v", path, err)
	}
	return &res
}

// relPath returns target relative to dir, both relative to the current
// directory or absolute.
func relPath(dir, target string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	t, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	return filepath.Rel(d, t)
}

// machine describes the machine the run is on.
func machine() machineInfo {
	m := machineInfo{CPUs: runtime.NumCPU(), Go: runtime.Version(), LoadStart: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				m.CPU = strings.TrimSpace(value)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// loadAvg returns the 1-minute load average, or "?".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "peers: "+format+"\n", args...)
}

func fatalf(format string, args ...any) {
	logf(format, args...)
	os.Exit(1)
}
