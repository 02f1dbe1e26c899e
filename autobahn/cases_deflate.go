package autobahn

import (
	"crypto/sha1"
	"fmt"
	"time"
	"unicode/utf8"
)

// deflateRow is one row of the message-size table of 12.x and 13.x.
type deflateRow struct {
	size int // LEN: bytes, or code points for text sets
	t    int // seconds
	af   int // auto-fragment size, 0 = never
}

var deflateRows = []deflateRow{
	{16, 60, 0}, {64, 60, 0}, {256, 120, 0}, {1024, 240, 0}, {4096, 480, 0},
	{8192, 480, 0}, {16384, 480, 0}, {32768, 480, 0}, {65536, 480, 0}, {131072, 480, 0},
	{8192, 480, 256}, {16384, 480, 256}, {32768, 480, 256}, {65536, 480, 256}, {131072, 480, 256},
	{131072, 480, 1024}, {131072, 480, 4096}, {131072, 480, 32768},
}

// deflateSub is one 12.k or 13.k subsection.
type deflateSub struct {
	id       string
	data     string // data set name
	offer    string
	policies []pmdPolicy
	label    string
}

// Offers and policies of 13.1-13.7 (catalogue §2, section 13).
var (
	offer131 = pmdClientMaxWindowOffer
	offer132 = offer131 + "; " + pmdServerNoContext
	offer133 = offer131 + "; " + pmdServerMaxWindowBits + "=9"
	offer134 = offer131 + "; " + pmdServerMaxWindowBits + "=15"
	offer135 = offer131 + "; " + pmdServerNoContext + "; " + pmdServerMaxWindowBits + "=9"
	offer136 = offer131 + "; " + pmdServerNoContext + "; " + pmdServerMaxWindowBits + "=15"
	offer137 = offer135 + ", " + offer132 + ", " + offer131

	policy131 = pmdPolicy{}
	policy132 = pmdPolicy{addClientNoContext: true}
	policy133 = pmdPolicy{needClientMaxWindow: true, clientMaxWindow: 9}
	policy134 = pmdPolicy{needClientMaxWindow: true, clientMaxWindow: 15}
	policy135 = pmdPolicy{needClientMaxWindow: true, addClientNoContext: true, clientMaxWindow: 9}
	policy136 = pmdPolicy{needClientMaxWindow: true, addClientNoContext: true, clientMaxWindow: 15}
)

var deflateSubs = []deflateSub{
	{"12.1", "json", offer131, []pmdPolicy{policy131}, "text (JSON test-report data)"},
	{"12.2", "bmp", offer131, []pmdPolicy{policy131}, "binary (greyscale BMP image)"},
	{"12.3", "text", offer131, []pmdPolicy{policy131}, "binary (German literary text)"},
	{"12.4", "html", offer131, []pmdPolicy{policy131}, "text (HTML report page)"},
	{"12.5", "pdf", offer131, []pmdPolicy{policy131}, "binary (PDF paper)"},
	{"13.1", "json", offer131, []pmdPolicy{policy131}, "(False, 0)"},
	{"13.2", "json", offer132, []pmdPolicy{policy132}, "(True, 0)"},
	{"13.3", "json", offer133, []pmdPolicy{policy133}, "(False, 9)"},
	{"13.4", "json", offer134, []pmdPolicy{policy134}, "(False, 15)"},
	{"13.5", "json", offer135, []pmdPolicy{policy135}, "(True, 9)"},
	{"13.6", "json", offer136, []pmdPolicy{policy136}, "(True, 15)"},
	{"13.7", "json", offer137, []pmdPolicy{policy135, policy132, policy131}, "[(True, 9), (True, 0), (False, 0)]"},
}

// deflateCases returns sections 12 and 13.
func deflateCases() []*Case {
	var cs []*Case
	for _, sub := range deflateSubs {
		for i, row := range deflateRows {
			l := &deflateCaseLogic{sub: sub, row: row}
			var desc string
			if sub.id[:2] == "12" {
				desc = fmt.Sprintf("Send %d compressed messages each of payload size %d, auto-fragment to %d octets. Use default permessage-deflate offer. Payload: %s.",
					roundTrips, row.size, row.af, sub.label)
			} else {
				desc = fmt.Sprintf("Send %d compressed messages each of payload size %d, auto-fragment to %d octets. Use permessage-deflate client offers (requestNoContextTakeover, requestMaxWindowBits): %s.",
					roundTrips, row.size, row.af, sub.label)
			}
			c := &Case{ID: fmt.Sprintf("%s.%d", sub.id, i+1), Description: desc, logic: l, limit: secs(row.t)}
			c.Close = ExpectedClose{ClosedByMe: true, CloseCode: []int{1000}, RequireClean: true}
			c.Expectation = "Receive echo'ed messages (with payload as sent). Timeout case after " + (secs(row.t)).String() + "."
			cs = append(cs, c)
		}
	}
	return cs
}

// deflateCaseLogic is the logic of one 12.x or 13.x case.
type deflateCaseLogic struct {
	sub deflateSub
	row deflateRow
}

func (l *deflateCaseLogic) offer() string         { return l.sub.offer }
func (l *deflateCaseLogic) policies() []pmdPolicy { return l.sub.policies }
func (l *deflateCaseLogic) run() logicRun {
	return &deflateRun{l: l, data: dataSetByName(l.sub.data)}
}

// deflateRun is one run of a 12.x or 13.x case.
type deflateRun struct {
	l       *deflateCaseLogic
	data    *dataSet
	pointer int
	sent    int
	sum     [sha1.Size]byte
}

func (r *deflateRun) open(s *session) {
	s.autoFrag = r.l.row.af
	if s.pmd == nil {
		s.setBehavior(Unimplemented)
		s.sendClose(closePayload(1000, nil))
		return
	}
	s.armClose(time.Duration(r.l.row.t) * time.Second)
	r.next(s)
}

// next sends the next window of the data set.
func (r *deflateRun) next(s *session) {
	p := r.data.window(r.pointer, r.l.row.size)
	r.pointer = (r.pointer + r.l.row.size) % r.data.units()
	r.sum = sha1.Sum(p)
	r.sent++
	op := OpText
	if r.data.binary {
		op = OpBinary
	}
	s.sendMessage(op, p, r.l.row.af, plain, true)
}

func (r *deflateRun) message(s *session, p []byte, binary bool) {
	n := len(p)
	if !binary {
		n = utf8.RuneCount(p)
	}
	if binary != r.data.binary || n != r.l.row.size || sha1.Sum(p) != r.sum {
		s.setBehavior(Failed)
		s.sendClose(closePayload(1000, nil))
		return
	}
	if r.sent < roundTrips {
		r.next(s)
		return
	}
	s.setBehavior(OK)
	s.sendClose(closePayload(1000, nil))
}
