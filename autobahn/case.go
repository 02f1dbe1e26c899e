package autobahn

import (
	"bytes"
	"time"
)

// Event kinds a case records (catalogue §1.5).
const (
	KindMessage = "message"
	KindPong    = "pong"
	KindTimeout = "timeout"
)

// Event is one entry of what a case records: a complete data message, a
// pong, or a synthetic timeout marker of the 6.4.x steps.
type Event struct {
	Kind    string
	Payload []byte // message and pong payloads
	Binary  bool   // message type
	Tag     string // timeout tag
}

// equal reports whether e and o are the same event.
func (e Event) equal(o Event) bool {
	return e.Kind == o.Kind && e.Binary == o.Binary && e.Tag == o.Tag &&
		bytes.Equal(e.Payload, o.Payload)
}

// eventsEqual reports whether a and b are equal event lists.
func eventsEqual(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].equal(b[i]) {
			return false
		}
	}
	return true
}

// Outcome is one named list of expected events: "OK" or "NON-STRICT".
type Outcome struct {
	Name   string
	Events []Event
}

// ExpectedClose is how a case expects the connection to end (catalogue
// §1.6).
type ExpectedClose struct {
	ClosedByMe                   bool  // F must send the first CLOSE
	CloseCode                    []int // codes allowed in P's CLOSE
	RequireClean                 bool
	ClosedByWrongEndpointIsFatal bool
}

// hook is a case-specific verdict adjustment (catalogue §1.7).
type hook int

const (
	hookNone          hook = iota
	hookWrongCodeFail      // WRONG CODE makes behavior FAILED
	hookInformational      // both verdicts INFORMATIONAL
	hookFrameCount         // 10.1.1: check F's own sent frame counters
)

// Case is one case of the catalogue. The exported fields are data from
// the catalogue; what F does on the wire lives in unexported fields.
type Case struct {
	N             int    // 1-based index in the full catalogue
	ID            string // dotted id, e.g. "6.4.1"
	Description   string
	Expectation   string
	Expected      []Outcome // empty in 9.x, 12.x and 13.x
	Close         ExpectedClose
	SuppressClose bool

	hook   hook
	script []action    // run when the connection opens
	logic  customLogic // 9.x, 10.x, 12.x, 13.x: own verdict logic
	limit  time.Duration
}

// action is one step of a case script, run on the session's event loop.
type action func(s *session)

// customLogic is the own verdict logic of sections 9, 12 and 13. run
// returns the state of one run; a Case is shared between runs.
type customLogic interface {
	run() logicRun
}

// logicRun is one run of a customLogic case.
type logicRun interface {
	open(s *session)
	message(s *session, payload []byte, binary bool)
}

// deflateLogic is implemented by the 12.x and 13.x logic, which negotiates
// permessage-deflate.
type deflateLogic interface {
	customLogic
	offer() string         // client mode Sec-WebSocket-Extensions
	policies() []pmdPolicy // server mode acceptance policy
}

// writeMode says how a frame's bytes are written (catalogue §1.3).
type writeMode struct {
	sync bool
	chop int // > 0: write this many bytes at a time
}

var (
	plain = writeMode{}
	sync1 = writeMode{sync: true}
)

// chop returns the mode that writes n bytes at a time.
func chop(n int) writeMode { return writeMode{sync: true, chop: n} }

// Verdict values of behavior and behaviorClose (catalogue §1.7).
const (
	OK             = "OK"
	NonStrict      = "NON-STRICT"
	Failed         = "FAILED"
	Informational  = "INFORMATIONAL"
	Unimplemented  = "UNIMPLEMENTED"
	WrongCode      = "WRONG CODE"
	Unclean        = "UNCLEAN"
	FailedByClient = "FAILED BY CLIENT"
)

// Payload helpers.

// rep returns b repeated n times.
func rep(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }

// cycle returns pattern repeated and cut to n bytes.
func cycle(pattern string, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = pattern[i%len(pattern)]
	}
	return out
}

// pat10 is the catalogue's pat10(n).
func pat10(n int) []byte { return cycle("BAsd7&jh23", n) }

// pat5 is the catalogue's pat5(n).
func pat5(n int) []byte { return cycle("\x00\xfe\x23\xfa\xf0", n) }

// Event constructors.

func msgText(p []byte) Event { return Event{Kind: KindMessage, Payload: p} }
func msgBin(p []byte) Event  { return Event{Kind: KindMessage, Payload: p, Binary: true} }
func pong(p []byte) Event    { return Event{Kind: KindPong, Payload: p} }
func timeout(t string) Event { return Event{Kind: KindTimeout, Tag: t} }

// Expectation constructors (catalogue §1.6 shorthands).

// echoClean is ECHO-CLEAN[ev...].
func echoClean(c *Case, ev ...Event) *Case {
	c.Expected = []Outcome{{Name: OK, Events: ev}}
	c.Close = ExpectedClose{ClosedByMe: true, CloseCode: []int{1000}, RequireClean: true}
	return c
}

// peerFails is PEER-FAILS(codes) with OK=[].
func peerFails(c *Case, codes ...int) *Case {
	c.Expected = []Outcome{{Name: OK, Events: []Event{}}}
	c.Close = ExpectedClose{CloseCode: codes}
	return c
}

// peerFailsNS is PEER-FAILS(codes) with OK=ok and NON-STRICT=ns.
func peerFailsNS(c *Case, ok, ns []Event, codes ...int) *Case {
	c.Expected = []Outcome{{Name: OK, Events: ok}, {Name: NonStrict, Events: ns}}
	c.Close = ExpectedClose{CloseCode: codes}
	return c
}

// fatal sets closedByWrongEndpointIsFatal.
func fatal(c *Case) *Case {
	c.Close.ClosedByWrongEndpointIsFatal = true
	return c
}

// badClose is BAD-CLOSE(codes).
func badClose(c *Case, codes ...int) *Case {
	c.Expected = []Outcome{{Name: OK, Events: []Event{}}}
	c.Close = ExpectedClose{ClosedByMe: true, CloseCode: codes}
	return c
}

// cleanClose is "OK=[], closedByMe=true, codes, clean".
func cleanClose(c *Case, codes ...int) *Case {
	c.Expected = []Outcome{{Name: OK, Events: []Event{}}}
	c.Close = ExpectedClose{ClosedByMe: true, CloseCode: codes, RequireClean: true}
	return c
}

// Script constructors (catalogue §1.3).

// newCase returns a case with a script.
func newCase(id, desc string, script ...action) *Case {
	return &Case{ID: id, Description: desc, script: script}
}

// frame sends one raw frame.
func frame(op byte, fin bool, rsv byte, payload []byte, m writeMode) action {
	return func(s *session) {
		s.sendFrame(Frame{Fin: fin, Rsv: rsv, Opcode: op, Payload: payload}, m)
	}
}

// text sends one unfragmented TEXT frame.
func text(p string, m writeMode) action { return frame(OpText, true, 0, []byte(p), m) }

// message sends a message fragmented with fragment size frag (0: one
// frame), with the empty-tail quirk.
func message(op byte, payload []byte, frag int, m writeMode) action {
	return func(s *session) { s.sendMessage(op, payload, frag, m, false) }
}

// ping sends one PING frame.
func ping(p []byte, m writeMode) action { return frame(OpPing, true, 0, p, m) }

// closeCode sends F's close primitive with a code and reason.
func closeCode(code int, reason []byte) action {
	return func(s *session) { s.sendClose(closePayload(code, reason)) }
}

// closeRaw sends F's close primitive with a verbatim payload.
func closeRaw(payload []byte) action {
	return func(s *session) { s.sendClose(payload) }
}

// kill arms K(d).
func kill(d time.Duration) action { return func(s *session) { s.armKill(d) } }

// closeAfter arms C(d).
func closeAfter(d time.Duration) action { return func(s *session) { s.armClose(d) } }

// after arms W(d): the actions run d later.
func after(d time.Duration, next ...action) action {
	return func(s *session) {
		s.after(d, func() {
			for _, a := range next {
				a(s)
			}
		})
	}
}

// closePayload encodes a close code (or none when code < 0) and a reason.
func closePayload(code int, reason []byte) []byte {
	if code < 0 {
		return []byte{}
	}
	return append([]byte{byte(code >> 8), byte(code)}, reason...)
}

// Second is one second, the unit of every case timer.
const Second = time.Second
