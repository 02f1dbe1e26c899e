package autobahn

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCatalogueNumbering(t *testing.T) {
	cs := Cases()
	if len(cs) != CaseCount {
		t.Fatalf("len(Cases()) = %d, want %d", len(cs), CaseCount)
	}
	seen := map[string]bool{}
	for i, c := range cs {
		if c.N != i+1 {
			t.Errorf("Cases()[%d].N = %d", i, c.N)
		}
		if seen[c.ID] {
			t.Errorf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
		if CaseByID(c.ID) != c {
			t.Errorf("CaseByID(%s) is not the catalogue's case", c.ID)
		}
		if c.Description == "" || c.Expectation == "" {
			t.Errorf("%s: empty description or expectation", c.ID)
		}
		if (c.logic == nil) == (len(c.script) == 0) {
			t.Errorf("%s: want exactly one of script and logic", c.ID)
		}
	}
	// Start indices from catalogue §3.
	starts := map[string]int{
		"1.1.1": 1, "2.1": 17, "3.1": 28, "4.1.1": 35, "5.1": 45, "6.1.1": 65, "6.2.1": 68, "6.3.1": 72,
		"6.4.1": 74, "6.5.1": 78, "6.6.1": 83, "6.7.1": 94, "6.8.1": 98, "6.9.1": 100, "6.10.1": 104,
		"6.11.1": 107, "6.12.1": 112, "6.13.1": 120, "6.14.1": 125, "6.15.1": 135, "6.16.1": 136,
		"6.17.1": 139, "6.18.1": 144, "6.19.1": 149, "6.20.1": 154, "6.21.1": 161, "6.22.1": 169,
		"6.23.1": 203, "7.1.1": 210, "7.3.1": 216, "7.5.1": 222, "7.7.1": 223, "7.9.1": 236,
		"7.13.1": 245, "9.1.1": 247, "9.2.1": 253, "9.3.1": 259, "9.4.1": 268, "9.5.1": 277,
		"9.6.1": 283, "9.7.1": 289, "9.8.1": 295, "10.1.1": 301, "13.7.18": 517,
	}
	for k := 1; k <= 5; k++ {
		starts[fmt.Sprintf("12.%d.1", k)] = 302 + 18*(k-1)
	}
	for k := 1; k <= 7; k++ {
		starts[fmt.Sprintf("13.%d.1", k)] = 392 + 18*(k-1)
	}
	for id, n := range starts {
		if c := CaseByID(id); c == nil || c.N != n {
			t.Errorf("case %s: got %v, want N=%d", id, c, n)
		}
	}
	counts := map[string]int{}
	for _, c := range cs {
		counts[Section(c.ID)]++
	}
	want := map[string]int{"1": 16, "2": 11, "3": 7, "4": 10, "5": 20, "6": 145, "7": 37, "9": 54, "10": 1, "12": 90, "13": 126}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("cases per section (-want +got):\n%s", diff)
	}
}

func TestCatalogueUTF8Classes(t *testing.T) {
	valid, invalid := 0, 0
	var truncated []string
	for _, c := range Cases() {
		if !strings.HasPrefix(c.ID, "6.") || CaseByID(c.ID).N < 78 {
			continue
		}
		if c.Close.ClosedByMe {
			valid++
			if !utf8.Valid(c.Expected[0].Events[0].Payload) {
				t.Errorf("%s expects an echo of invalid UTF-8", c.ID)
			}
			continue
		}
		invalid++
		if c.Close.CloseCode[0] != 1007 || !c.Close.ClosedByWrongEndpointIsFatal {
			t.Errorf("%s: want PEER-FAILS(1007) fatal, got %+v", c.ID, c.Close)
		}
		// The payload is the case's only frame; recover it from the
		// description, which ends with it in hex.
		hexp := c.Description[strings.LastIndex(c.Description, "0x")+2:]
		var p []byte
		fmt.Sscanf(hexp, "%x", &p)
		var v utf8Validator
		if v.Write(p) < 0 {
			truncated = append(truncated, c.ID)
		}
	}
	if valid != 63 || invalid != 69 {
		t.Errorf("6.5-6.23: %d valid, %d invalid; want 63, 69", valid, invalid)
	}
	want := []string{"6.6.1", "6.6.3", "6.6.4", "6.6.6", "6.6.8", "6.6.10", "6.14.6", "6.14.7"}
	if diff := cmp.Diff(want, truncated); diff != "" {
		t.Errorf("invalid only by truncation (-want +got):\n%s", diff)
	}
}

func TestCatalogueSection7(t *testing.T) {
	suppress, wrongCodeFail, info := []string{}, []string{}, []string{}
	for _, c := range Cases() {
		if Section(c.ID) != "7" {
			continue
		}
		if c.SuppressClose {
			suppress = append(suppress, c.ID)
		}
		switch c.hook {
		case hookWrongCodeFail:
			wrongCodeFail = append(wrongCodeFail, c.ID)
		case hookInformational:
			info = append(info, c.ID)
		}
	}
	if got := strings.Join(suppress, " "); got != "7.1.2 7.1.3 7.1.4 7.1.5 7.1.6 7.3.1 7.3.2 7.3.3 7.3.4 7.3.5 7.3.6 7.5.1 7.13.1 7.13.2" {
		t.Errorf("suppressClose on %s", got)
	}
	if got := strings.Join(info, " "); got != "7.1.6 7.13.1 7.13.2" {
		t.Errorf("informational: %s", got)
	}
	if len(wrongCodeFail) != 37-3 {
		t.Errorf("WRONG CODE hook on %d cases, want 34: %v", len(wrongCodeFail), wrongCodeFail)
	}
}

func TestDataSets(t *testing.T) {
	tests := []struct {
		name          string
		binary        bool
		bytes, units  int
		nonASCIIBytes int
	}{
		{"json", false, sizeJSON, sizeJSON, 0},
		{"bmp", true, sizeBMP, sizeBMP, -1},
		{"text", true, sizeText, sizeText, -1},
		{"html", false, 263647, sizeHTMLRunes, 53},
		{"pdf", true, sizePDF, sizePDF, -1},
	}
	for _, tc := range tests {
		d := dataSetByName(tc.name)
		if len(d.data) != tc.bytes || d.units() != tc.units || d.binary != tc.binary {
			t.Errorf("%s: %d bytes, %d units, binary %v; want %d, %d, %v", tc.name, len(d.data), d.units(), d.binary, tc.bytes, tc.units, tc.binary)
		}
		if tc.nonASCIIBytes >= 0 {
			n := 0
			for _, b := range d.data {
				if b >= 0x80 {
					n++
				}
			}
			if n != tc.nonASCIIBytes || !utf8.Valid(d.data) {
				t.Errorf("%s: %d non-ASCII bytes (valid %v), want %d", tc.name, n, utf8.Valid(d.data), tc.nonASCIIBytes)
			}
		}
		// A window that wraps has exactly LEN units.
		w := d.window(d.units()-10, 131072)
		if n := len(w); !d.binary {
			n = utf8.RuneCount(w)
			if n != 131072 {
				t.Errorf("%s: wrapped window has %d code points", tc.name, n)
			}
		} else if n != 131072 {
			t.Errorf("%s: wrapped window has %d bytes", tc.name, n)
		}
	}
}

// frameSummary is what the recorder checks of each frame F sends.
type frameSummary struct {
	Op   byte
	Fin  bool
	Rsv  byte
	Size int
}

// recordFrames runs case id against a server that records F's frames and
// closes after want frames.
func recordFrames(t *testing.T, id string, want int) []frameSummary {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []frameSummary, 1)
	go func() {
		var frames []frameSummary
		defer func() { got <- frames }()
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(20 * time.Second))
		br := bufio.NewReader(c)
		sr, err := readServerRequest(br)
		if err != nil {
			return
		}
		_, _ = c.Write(serverResponse(sr, ""))
		for len(frames) < want {
			f, err := ReadFrame(br, MaxMessageSize)
			if err != nil {
				return
			}
			frames = append(frames, frameSummary{f.Opcode, f.Fin, f.Rsv, len(f.Payload)})
		}
		_, _ = c.Write(AppendFrame(nil, Frame{Fin: true, Opcode: OpClose, Payload: closePayload(1000, nil)}, [4]byte{}))
		for {
			if f, err := ReadFrame(br, MaxMessageSize); err != nil || f.Opcode == OpClose {
				return
			}
		}
	}()
	if _, err := RunClient(t.Context(), "ws://"+ln.Addr().String(), &ClientOptions{Cases: []string{id}}); err != nil {
		t.Fatal(err)
	}
	return <-got
}

// TestCaseFrames checks what F puts on the wire for cases with
// fragmentation quirks.
func TestCaseFrames(t *testing.T) {
	ones := func(op byte, n int) []frameSummary {
		out := []frameSummary{{op, false, 0, 1}}
		for range n - 1 {
			out = append(out, frameSummary{OpContinuation, false, 0, 1})
		}
		return append(out, frameSummary{OpContinuation, true, 0, 0})
	}
	autoFrag := []frameSummary{{OpText, false, 0, 1300}}
	for range 49 {
		autoFrag = append(autoFrag, frameSummary{OpContinuation, false, 0, 1300})
	}
	autoFrag = append(autoFrag, frameSummary{OpContinuation, true, 0, 536})
	tests := []struct {
		id   string
		want []frameSummary
	}{
		{"6.2.3", ones(OpText, 29)},
		{"6.3.2", ones(OpText, 20)},
		{"6.1.2", []frameSummary{{OpText, false, 0, 0}, {OpContinuation, false, 0, 0}, {OpContinuation, true, 0, 0}}},
		{"10.1.1", autoFrag},
		{"3.4", []frameSummary{{OpText, true, 0, 13}, {OpText, true, 4, 13}, {OpPing, true, 0, 0}}},
		{"3.7", []frameSummary{{OpClose, true, 7, 0}}},
		{"7.1.2", []frameSummary{{OpClose, true, 0, 2}, {OpClose, true, 0, 0}}},
		{"7.3.6", []frameSummary{{OpClose, true, 0, 126}}},
		{"2.5", []frameSummary{{OpPing, true, 0, 126}}},
		{"6.4.3", []frameSummary{{OpText, false, 0, 21}, {OpContinuation, true, 0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			got := recordFrames(t, tc.id, len(tc.want))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("frames of %s (-want +got):\n%s", tc.id, diff)
			}
		})
	}
}
