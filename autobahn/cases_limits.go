package autobahn

import (
	"fmt"
	"time"
)

// Kibi and mebi byte units of the catalogue.
const (
	Ki = 1024
	Mi = 1024 * 1024
)

// sizeLogic is 9.1-9.6: one big message, checked for type and length.
type sizeLogic struct {
	op      byte
	payload func() []byte
	frag    int
	mode    writeMode
	t       time.Duration
}

func (l *sizeLogic) run() logicRun { return &sizeRun{l: l, payload: l.payload()} }

// sizeRun is one run of a sizeLogic case.
type sizeRun struct {
	l       *sizeLogic
	payload []byte
}

func (r *sizeRun) open(s *session) {
	s.armClose(r.l.t)
	s.sendMessage(r.l.op, r.payload, r.l.frag, r.l.mode, false)
}

func (r *sizeRun) message(s *session, p []byte, binary bool) {
	if binary == (r.l.op == OpBinary) && len(p) == len(r.payload) {
		s.setBehavior(OK)
	}
	s.sendClose(closePayload(1000, nil))
}

// roundTripLogic is 9.7 and 9.8: 1000 sequential echoes.
type roundTripLogic struct {
	op   byte
	size int
	t    time.Duration
}

// roundTrips is the number of echoes 9.7, 9.8, 12.x and 13.x wait for.
const roundTrips = 1000

func (l *roundTripLogic) run() logicRun {
	return &roundTripRun{l: l, payload: rep(payloadByte(l.op), l.size)}
}

// payloadByte is the filler byte of 9.7 (text) and 9.8 (binary).
func payloadByte(op byte) byte {
	if op == OpBinary {
		return 0xfe
	}
	return '*'
}

type roundTripRun struct {
	l       *roundTripLogic
	payload []byte
	got     int
}

func (r *roundTripRun) open(s *session) {
	s.armClose(r.l.t)
	s.sendMessage(r.l.op, r.payload, 0, plain, false)
}

func (r *roundTripRun) message(s *session, p []byte, binary bool) {
	if binary != (r.l.op == OpBinary) || len(p) != len(r.payload) {
		s.setBehavior(Failed)
		s.sendClose(closePayload(1000, nil))
		return
	}
	r.got++
	if r.got == roundTrips {
		s.setBehavior(OK)
		s.sendClose(closePayload(1000, nil))
		return
	}
	s.sendMessage(r.l.op, r.payload, 0, plain, false)
}

// limitCases returns section 9.
func limitCases() []*Case {
	var cs []*Case
	add := func(id, desc string, l customLogic, t time.Duration) {
		c := &Case{ID: id, Description: desc, logic: l, limit: t}
		c.Close = ExpectedClose{ClosedByMe: true, CloseCode: []int{1000}, RequireClean: true}
		c.Expectation = fmt.Sprintf("Receive echo'ed message (with payload as sent). Clean close with normal code. Limit %v.", t)
		cs = append(cs, c)
	}
	sizes := []int{64 * Ki, 256 * Ki, Mi, 4 * Mi, 8 * Mi, 16 * Mi}
	t91 := []int{10, 10, 100, 100, 100, 100}
	t92 := []int{10, 10, 10, 10, 100, 100}
	for i, n := range sizes {
		add(fmt.Sprintf("9.1.%d", i+1), fmt.Sprintf("Send text message message with payload of length %d.", n),
			&sizeLogic{op: OpText, payload: func() []byte { return pat10(n) }, t: secs(t91[i])}, secs(t91[i]))
	}
	for i, n := range sizes {
		add(fmt.Sprintf("9.2.%d", i+1), fmt.Sprintf("Send binary message message with payload of length %d.", n),
			&sizeLogic{op: OpBinary, payload: func() []byte { return pat5(n) }, t: secs(t92[i])}, secs(t92[i]))
	}
	frags := []int{64, 256, Ki, 4 * Ki, 16 * Ki, 64 * Ki, 256 * Ki, Mi, 4 * Mi}
	for i, f := range frags {
		add(fmt.Sprintf("9.3.%d", i+1), fmt.Sprintf("Send fragmented text message message with message payload of length 4 * 2**20 (4M). Sent out in fragments of %d.", f),
			&sizeLogic{op: OpText, payload: func() []byte { return rep('*', 4*Mi) }, frag: f, t: secs(100)}, secs(100))
	}
	for i, f := range frags {
		b := byte('*')
		if i == 0 {
			b = 0xfe
		}
		add(fmt.Sprintf("9.4.%d", i+1), fmt.Sprintf("Send fragmented binary message message with message payload of length 4 * 2**20 (4M). Sent out in fragments of %d.", f),
			&sizeLogic{op: OpBinary, payload: func() []byte { return rep(b, 4*Mi) }, frag: f, t: secs(100)}, secs(100))
	}
	chops := []int{64, 128, 256, 512, 1024, 2048}
	for i, n := range chops {
		add(fmt.Sprintf("9.5.%d", i+1), fmt.Sprintf("Send text message message with payload of length 1 * 2**20 (1M). Sent out data in chops of %d octets.", n),
			&sizeLogic{op: OpText, payload: func() []byte { return pat10(Mi) }, mode: chop(n), t: secs(1000)}, secs(1000))
	}
	for i, n := range chops {
		add(fmt.Sprintf("9.6.%d", i+1), fmt.Sprintf("Send binary message message with payload of length 1 * 2**20 (1M). Sent out data in chops of %d octets.", n),
			&sizeLogic{op: OpBinary, payload: func() []byte { return pat5(Mi) }, mode: chop(n), t: secs(1000)}, secs(1000))
	}
	rt := []int{0, 16, 64, 256, 1024, 4096}
	rtT := []int{60, 60, 60, 120, 240, 480}
	for i, n := range rt {
		add(fmt.Sprintf("9.7.%d", i+1), fmt.Sprintf("Send 1000 text messages of payload size %d to measure implementation/network RTT (round trip time) / latency.", n),
			&roundTripLogic{op: OpText, size: n, t: secs(rtT[i])}, secs(rtT[i]))
	}
	for i, n := range rt {
		add(fmt.Sprintf("9.8.%d", i+1), fmt.Sprintf("Send 1000 binary messages of payload size %d to measure implementation/network RTT (round trip time) / latency.", n),
			&roundTripLogic{op: OpBinary, size: n, t: secs(rtT[i])}, secs(rtT[i]))
	}
	return cs
}

// secs returns n seconds.
func secs(n int) time.Duration { return time.Duration(n) * time.Second }

// autoFragCases returns section 10.
func autoFragCases() []*Case {
	p := rep('*', 65536)
	c := newCase("10.1.1", "Send text message with payload of length 65536 auto-fragmented with autoFragmentSize = 1300.",
		message(OpText, p, autoFragment, plain), kill(10*Second))
	c.hook = hookFrameCount
	c.Expectation = "Receive echo'ed text message (with payload as sent and transmitted frame counts as expected). Clean close with normal code."
	return []*Case{echoClean(c, msgText(p))}
}

// autoFragment is F's auto-fragment size in 10.1.1.
const autoFragment = 1300
