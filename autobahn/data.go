package autobahn

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
)

// dataSet is one of the payload files of sections 12 and 13. The upstream
// files are not redistributed; each set is generated deterministically with
// the same kind of content and the exact size the catalogue gives, so the
// windows wrap at the same places and the verdicts are the same (catalogue
// §2, section 12: only the compression ratios and timings differ).
type dataSet struct {
	name   string
	binary bool   // sent as binary messages; else text, measured in code points
	data   []byte // the content
	offs   []int  // text only: byte offset of every code point, plus len(data)
}

// units returns the length of the set in its units.
func (d *dataSet) units() int {
	if d.binary {
		return len(d.data)
	}
	return len(d.offs) - 1
}

// window returns n units starting at unit p, wrapping at the end.
func (d *dataSet) window(p, n int) []byte {
	u := d.units()
	at := func(i int) int {
		if d.binary {
			return i
		}
		return d.offs[i]
	}
	if p+n <= u {
		return d.data[at(p):at(p+n)]
	}
	out := append([]byte{}, d.data[at(p):]...)
	return append(out, d.data[:at(p+n-u)]...)
}

// newDataSet builds a set and indexes text.
func newDataSet(name string, binary bool, data []byte) *dataSet {
	d := &dataSet{name: name, binary: binary, data: data}
	if !binary {
		d.offs = make([]int, 0, len(data)+1)
		for i := range string(data) {
			d.offs = append(d.offs, i)
		}
		d.offs = append(d.offs, len(data))
	}
	return d
}

// Sizes of the upstream files (catalogue §2, section 12).
const (
	sizeJSON      = 194056
	sizeBMP       = 263222
	sizeText      = 222218
	sizeHTMLRunes = 263620
	sizePDF       = 1042328
)

var (
	dataOnce sync.Once
	dataSets map[string]*dataSet
)

// dataSetByName returns one of "json", "bmp", "text", "html", "pdf".
func dataSetByName(name string) *dataSet {
	dataOnce.Do(func() {
		dataSets = map[string]*dataSet{
			"json": newDataSet("data1.json (synthetic)", false, genJSON()),
			"bmp":  newDataSet("lena512.bmp (synthetic)", true, genBMP()),
			"text": newDataSet("pg2229.txt (synthetic)", true, genGerman()),
			"html": newDataSet("data1.html (synthetic)", false, genHTML()),
			"pdf":  newDataSet("10.1.1.105.5439.pdf (synthetic)", true, genPDF()),
		}
	})
	return dataSets[name]
}

// rng returns the deterministic generator of one data set.
func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6175746f6261686e)) }

// genJSON makes ASCII JSON test-report data of sizeJSON bytes.
func genJSON() []byte {
	r := rng(1)
	agents := []string{"AutobahnPython/0.6.0", "AutobahnServer/0.5.2", "websockets/10.4", "ws/8.23.0", "wirefast/1"}
	behaviors := []string{"OK", "OK", "OK", "NON-STRICT", "INFORMATIONAL", "FAILED"}
	var b strings.Builder
	b.WriteString("{\n")
	for i := 0; b.Len() < sizeJSON; i++ {
		fmt.Fprintf(&b, "   \"%s\": {\n      \"%d.%d.%d\": {\n         \"behavior\": \"%s\",\n         \"behaviorClose\": \"%s\",\n"+
			"         \"duration\": %d,\n         \"remoteCloseCode\": %d,\n         \"reportfile\": \"case_%d_%d_%d.json\"\n      }\n   },\n",
			agents[r.IntN(len(agents))], 1+r.IntN(13), 1+r.IntN(20), 1+r.IntN(18),
			behaviors[r.IntN(len(behaviors))], behaviors[r.IntN(3)], r.IntN(3000), 1000+r.IntN(12), i, r.IntN(99), r.IntN(999))
	}
	return []byte(b.String()[:sizeJSON])
}

// genBMP makes a 512x512 8-bit greyscale BMP with smooth shapes and noise.
func genBMP() []byte {
	r := rng(2)
	const w, h, hdr = 512, 512, 54 + 1024
	out := make([]byte, 0, sizeBMP)
	le32 := func(v int) { out = append(out, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	out = append(out, 'B', 'M')
	le32(sizeBMP)
	le32(0)
	le32(hdr)
	le32(40)
	le32(w)
	le32(h)
	out = append(out, 1, 0, 8, 0)
	le32(0)
	le32(w * h)
	le32(2835)
	le32(2835)
	le32(256)
	le32(256)
	for i := range 256 {
		out = append(out, byte(i), byte(i), byte(i), 0)
	}
	for y := range h {
		for x := range w {
			v := (x*3+y*5)/8 + int(64*sinApprox(x+y*y/64)) + r.IntN(24)
			out = append(out, byte(v))
		}
	}
	return out
}

// sinApprox is a cheap periodic shape in [-1, 1].
func sinApprox(i int) float64 {
	t := float64(i%200)/100 - 1
	return 4 * t * (1 - abs(t)) * 0.9
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// germanWords is vocabulary for the literary text set.
var germanWords = strings.Fields("der die das und ist nicht ein eine zu mit sich auf für von dem den des " +
	"Herz Seele Nacht Welt Liebe Gott Himmel Erde Geist Mensch Leben Zeit Hände Augen Tür Straße Mädchen " +
	"schön groß über hören fühlen müssen können würde während Frühling Größe Bäume Vögel König Töchter " +
	"Faust Gretchen Mephistopheles Wagner Schüler Hexe Marthe Valentin Engel Chor Stimme Wald Höhle")

// genGerman makes UTF-8 literary-looking German text of sizeText bytes.
func genGerman() []byte {
	r := rng(3)
	var b strings.Builder
	for b.Len() < sizeText {
		n := 4 + r.IntN(12)
		for i := range n {
			w := germanWords[r.IntN(len(germanWords))]
			if i == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
			if i < n-1 {
				b.WriteByte(' ')
			}
		}
		b.WriteString([]string{".", "!", "?", ",", ";"}[r.IntN(5)])
		if r.IntN(4) == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte('\n')
		}
	}
	return []byte(b.String()[:sizeText])
}

// genHTML makes an HTML report page of exactly sizeHTMLRunes code points
// with 25 two-byte and one three-byte character (263,647 bytes), the mix
// of the upstream file.
func genHTML() []byte {
	r := rng(4)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Autobahn Fuzzing Report</title>\n</head>\n<body>\n<table>\n")
	const specials = 26
	for b.Len() < sizeHTMLRunes {
		cls := []string{"case_ok", "case_non_strict", "case_failed", "case_info"}[r.IntN(4)]
		fmt.Fprintf(&b, "<tr><td class=\"case_id\">%d.%d.%d</td><td class=\"%s\"><a href=\"case_%d.html\">%d ms</a></td></tr>\n",
			1+r.IntN(13), 1+r.IntN(20), 1+r.IntN(18), cls, r.IntN(999), r.IntN(5000))
	}
	ascii := b.String()[:sizeHTMLRunes-specials]
	out := make([]byte, 0, sizeHTMLRunes+27)
	step := len(ascii) / specials
	for i := range specials {
		out = append(out, ascii[i*step:(i+1)*step]...)
		if i == specials-1 {
			out = append(out, "€"...)
		} else {
			out = append(out, "ü"...)
		}
	}
	return append(out, ascii[specials*step:]...)
}

// genPDF makes PDF-like data of sizePDF bytes: object headers around
// incompressible stream data, as in a PDF with compressed streams.
func genPDF() []byte {
	r := rng(5)
	out := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	for obj := 1; len(out) < sizePDF; obj++ {
		n := 2000 + r.IntN(30000)
		out = fmt.Appendf(out, "%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", obj, n)
		for range n {
			out = append(out, byte(r.Uint32()))
		}
		out = append(out, "\nendstream\nendobj\n"...)
	}
	return out[:sizePDF]
}
