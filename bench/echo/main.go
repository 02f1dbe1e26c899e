package echo

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
)

// Main is the main function of an echo server binary. It serves s on
// -addr in -mode, prints "listening ADDR VERSION" on standard output once
// it accepts connections, and exits when standard input reaches its end
// (the benchmark holds it open) or on SIGINT or SIGTERM. SIGUSR1 makes it
// collect garbage and return freed memory to the system
// (debug.FreeOSMemory), so that the benchmark can read the memory the
// connections keep apart from garbage not yet collected. -list prints
// the modes. -compress serves with permessage-deflate (Mode.Deflate).
// -cpuprofile writes a CPU profile of the whole run (for pprof) when the
// server exits.
func Main(s Server) {
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	mode := fs.String("mode", s.Modes[0].Name, "how to drive the library (see -list)")
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	list := fs.Bool("list", false, "print the modes and exit")
	compress := fs.Bool("compress", false, "enable permessage-deflate (modes marked deflate in -list)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	_ = fs.Parse(os.Args[1:])
	if *list {
		for _, m := range s.Modes {
			deflate := ""
			if m.Deflate != nil {
				deflate = " (deflate)"
			}
			fmt.Printf("%s\t%s%s\n", m.Name, m.Doc, deflate)
		}
		return
	}
	m, ok := s.Mode(*mode)
	if !ok {
		fatalf("unknown mode %q (see -list)", *mode)
	}
	serve := m.Serve
	if *compress {
		if m.Deflate == nil {
			fatalf("mode %q cannot compress", *mode)
		}
		serve = m.Deflate
	}
	if err := RaiseFileLimit(); err != nil {
		fatalf("%v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fatalf("%v", err)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fatalf("%v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatalf("cpuprofile: %v", err)
		}
		defer func() {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				fatalf("cpuprofile: %v", err)
			}
		}()
	}
	fmt.Printf("listening %s %s\n", ln.Addr(), moduleVersion(s.Module))
	served := make(chan error, 1)
	go func() { served <- serve(ln) }()
	stdin := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdin)
	}()
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	go func() {
		for range usr1 {
			debug.FreeOSMemory()
		}
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case err := <-served:
		if err != nil {
			fatalf("serve: %v", err)
		}
	case <-stdin:
	case <-sig:
	}
}

// RaiseFileLimit raises the soft limit on open files to the hard limit,
// so a process can hold the idle benchmark's 10 000 connections.
func RaiseFileLimit() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("getrlimit: %w", err)
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return fmt.Errorf("setrlimit: %w", err)
		}
	}
	return nil
}

// moduleVersion returns the version of module path linked into the
// binary: "local" for a replaced module (wirefast itself), "-" for none.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok || path == "" {
		return "-"
	}
	for _, d := range info.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return "local"
			}
			return d.Version
		}
	}
	return "-"
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "echo: "+format+"\n", args...)
	os.Exit(1)
}
