package main

import (
	"fmt"
	"strings"
)

// canDeflate reports whether library lib has a mode that can serve with
// permessage-deflate.
func canDeflate(lib string) bool {
	for _, s := range servers {
		if s.Name != lib {
			continue
		}
		for _, m := range s.Modes {
			if m.Deflate != nil {
				return true
			}
		}
	}
	return false
}

// deflateCells returns the run's compressed cells.
func (r *results) deflateCells() []cellInfo {
	var cs []cellInfo
	for _, c := range r.Cells {
		if c.Compress {
			cs = append(cs, c)
		}
	}
	return cs
}

// compressionTable shows the compressed cells per library: msgs/s, server
// CPU per message and the echo's size on the wire.
func (r *results) compressionTable(h string) string {
	cs := r.deflateCells()
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s Compressed echo\n\n", h)
	b.WriteString("permessage-deflate without context takeover in both directions (the load generator offers ")
	b.WriteString("`client_no_context_takeover; server_no_context_takeover`, compresses its messages once, up front, ")
	b.WriteString("with compress/flate at BestSpeed, and inflates every echo; 1 MiB of different messages are sent in turn, ")
	b.WriteString("so that no branch predictor learns them). Each server runs at its library's ")
	b.WriteString("default level and threshold. Per cell: msgs/s ± spread, server CPU µs/msg, and the echo's ")
	b.WriteString("payload bytes on the wire of the first message (sent: the load generator's). \"cannot\" marks the libraries without ")
	b.WriteString("permessage-deflate.\n\n")
	libs := append([]string{ours}, r.peers()...)
	t := newTable(append(append([]string{"cell", "sent B"}, libs...), "wirefast ÷ best peer")...)
	for _, c := range cs {
		sent := "–"
		row := []string{c.Label, sent}
		for _, l := range libs {
			if !canDeflate(l) {
				row = append(row, "cannot")
				continue
			}
			e := r.cellOf(l, c)
			if e.ok() && e.Result.SentWire > 0 {
				row[1] = fmt.Sprintf("%d of %d", e.Result.SentWire, c.Size)
			}
			row = append(row, r.cellText(e, func(e *echoResult) string {
				return fmt.Sprintf("%s ±%s · %s µs · %d B", rate(e.MsgsPerSec), pct(e.Spread), num(e.ServerCPU), e.Result.EchoWire)
			}))
		}
		_, o := r.best(ours, c.Key)
		peer, bp := r.bestPeer(c.Key)
		row = append(row, ratioText(o, bp, peer, func(e *echoResult) float64 { return e.MsgsPerSec }))
		t.add(row...)
	}
	b.WriteString(t.String())
	return b.String()
}

// compressionTarget is the targets' line for the compressed cells.
func (r *results) compressionTarget() string {
	cs := r.deflateCells()
	if len(cs) == 0 {
		return "- Compressed echo: not measured in this run (`-compress`).\n"
	}
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s: %s", c.Label, r.verdict(c)))
	}
	return fmt.Sprintf("- Compressed echo (same target as the echo cells): %s.\n", strings.Join(parts, "; "))
}

// compressMicroTable shows BenchmarkCompress and BenchmarkDecompress.
func (r *results) compressMicroTable() string {
	var b strings.Builder
	b.WriteString("\nOne permessage-deflate message of JSON-like text per op (no context takeover), 1 MiB of different messages taken in turn, MB/s of uncompressed bytes. gorilla, coder and gobwas compress and inflate with compress/flate (\"flate\"), gws with github.com/klauspost/compress/flate (\"klauspost\"), both at BestSpeed, a Writer or reader reset per message; wirefast uses its own deflate package (window 12 bits, a server's default, and 15). The ratio is to the faster of the two.\n\n")
	t := newTable("message", "wirefast", "wirefast w15", "flate", "klauspost", "wirefast ÷ faster peer")
	row := func(label, bench, s string) {
		w, ok1 := r.micro(bench + "/wirefast/" + s)
		f, ok2 := r.micro(bench + "/flate/" + s)
		k, ok3 := r.micro(bench + "/klauspost/" + s)
		if !ok1 || !ok2 || !ok3 {
			return
		}
		ws15 := "–"
		if m, ok := r.micro(bench + "/wirefast-w15/" + s); ok { // compress only
			ws15 = num(m.MBs)
		}
		t.add(label+" "+s, num(w.MBs), ws15, num(f.MBs), num(k.MBs), ratio(w.MBs/max(f.MBs, k.MBs)))
	}
	for _, s := range []string{"1KiB", "16KiB"} {
		row("compress", "BenchmarkCompress", s)
	}
	for _, s := range []string{"1KiB", "16KiB"} {
		row("inflate", "BenchmarkDecompress", s)
	}
	if len(t.rows) == 0 {
		return "\nCompression per message: not run.\n"
	}
	b.WriteString(t.String())
	return b.String()
}
