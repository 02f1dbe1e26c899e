package autobahn

import "fmt"

// hello is the payload most framing cases use.
const hello = "Hello, world!"

// framingCases returns section 1: one unfragmented text or binary frame of
// each length encoding boundary.
func framingCases() []*Case {
	var cs []*Case
	lengths := []int{0, 125, 126, 127, 128, 65535, 65536, 65536}
	for sub, kind := range []struct {
		op   byte
		b    byte
		name string
	}{{OpText, '*', "text"}, {OpBinary, 0xfe, "binary"}} {
		for i, l := range lengths {
			t := Second
			if i >= 5 {
				t = 10 * Second
			}
			m := plain
			desc := fmt.Sprintf("Send %s message with payload of length %d.", kind.name, l)
			if i == 7 {
				m = chop(997)
				desc = fmt.Sprintf("Send %s message with payload of length %d, written in chops of 997 octets.", kind.name, l)
			}
			p := rep(kind.b, l)
			c := newCase(fmt.Sprintf("1.%d.%d", sub+1, i+1), desc, frame(kind.op, true, 0, p, m), kill(t))
			ev := msgText(p)
			if kind.op == OpBinary {
				ev = msgBin(p)
			}
			c.Expectation = "Receive echo'ed " + kind.name + " message (with payload as sent). Clean close with normal code."
			cs = append(cs, echoClean(c, ev))
		}
	}
	return cs
}

// pingCases returns section 2: pings and pongs.
func pingCases() []*Case {
	unsolicited := []byte("unsolicited pong payload")
	pp := []byte("ping payload")
	bin := []byte{0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff}
	tenPings := func(m writeMode) []action {
		var as []action
		for i := range 10 {
			as = append(as, ping(fmt.Appendf(nil, "payload-%d", i), m))
		}
		return append(as, closeAfter(3*Second))
	}
	var tenPongs []Event
	for i := range 10 {
		tenPongs = append(tenPongs, pong(fmt.Appendf(nil, "payload-%d", i)))
	}
	exp := "Receive Pong with payload as sent. Clean close with normal code."
	return []*Case{
		withExp(echoClean(newCase("2.1", "Send ping without payload.", ping([]byte{}, plain), closeAfter(Second)), pong([]byte{})), exp),
		withExp(echoClean(newCase("2.2", "Send ping with small text payload.", ping([]byte(hello), plain), closeAfter(Second)), pong([]byte(hello))), exp),
		withExp(echoClean(newCase("2.3", "Send ping with small binary (non UTF-8) payload.", ping(bin, plain), closeAfter(Second)), pong(bin)), exp),
		withExp(echoClean(newCase("2.4", "Send ping with binary payload of 125 octets.", ping(rep(0xfe, 125), plain), closeAfter(Second)), pong(rep(0xfe, 125))), exp),
		withExp(peerFails(newCase("2.5", "Send ping with binary payload of 126 octets.", ping(rep(0xfe, 126), plain), kill(Second)), 1002),
			"Connection is failed immediately (1002/Protocol Error), since control frames are only allowed to have payload up to and including 125 octets."),
		withExp(echoClean(newCase("2.6", "Send ping with binary payload of 125 octets, send in octet-wise chops.", ping(rep(0xfe, 125), chop(1)), closeAfter(2*Second)), pong(rep(0xfe, 125))), exp),
		withExp(cleanClose(newCase("2.7", "Send unsolicited pong without payload. Verify nothing is received. Clean close with normal code.",
			frame(OpPong, true, 0, []byte{}, plain), closeCode(1000, nil), closeAfter(Second)), 1000), "Nothing."),
		withExp(cleanClose(newCase("2.8", "Send unsolicited pong with payload. Verify nothing is received. Clean close with normal code.",
			frame(OpPong, true, 0, unsolicited, plain), closeCode(1000, nil), closeAfter(Second)), 1000), "Nothing."),
		withExp(echoClean(newCase("2.9", "Send unsolicited pong with payload. Send ping with payload. Verify pong for ping is received.",
			frame(OpPong, true, 0, unsolicited, plain), ping(pp, plain), closeAfter(Second)), pong(pp)),
			"Nothing in reply to own Pong, but Pong with payload echo'ed in reply to Ping. Clean close with normal code."),
		withExp(echoClean(newCase("2.10", "Send 10 Pings with payload.", tenPings(plain)...), tenPongs...),
			"Pongs for our Pings with all the payloads. Note: This is not required by the Spec .. but we check for this behaviour anyway. Clean close with normal code."),
		withExp(echoClean(newCase("2.11", "Send 10 Pings with payload. Send out octets in octet-wise chops.", tenPings(chop(1))...), tenPongs...),
			"Pongs for our Pings with all the payloads. Note: This is not required by the Spec .. but we check for this behaviour anyway. Clean close with normal code."),
	}
}

// withExp sets a case's expectation text.
func withExp(c *Case, exp string) *Case {
	c.Expectation = exp
	return c
}

// rsvCases returns section 3: reserved bits.
func rsvCases() []*Case {
	p := []byte(hello)
	okMsg := []Event{msgText(p)}
	trio := func(rsv byte, m writeMode) []action {
		return []action{frame(OpText, true, 0, p, m), frame(OpText, true, rsv, p, m), ping([]byte{}, m), kill(Second)}
	}
	exp := "The connection is failed immediately, since RSV must be 0."
	exp2 := "Echo for first message is received, but then connection is failed immediately, since RSV must be 0, when no extension defining RSV meaning has been negotiated. The Pong is not received."
	return []*Case{
		withExp(peerFails(newCase("3.1", "Send small text message with RSV = 1.", frame(OpText, true, 1, p, plain), kill(Second)), 1002), exp),
		withExp(peerFailsNS(newCase("3.2", "Send small text message, then send again with RSV = 2, then send Ping.", trio(2, plain)...), okMsg, []Event{}, 1002), exp2),
		withExp(peerFailsNS(newCase("3.3", "Send small text message, then send again with RSV = 3, then send Ping. Octets are sent in frame-wise chops.", trio(3, sync1)...), okMsg, []Event{}, 1002), exp2),
		withExp(peerFailsNS(newCase("3.4", "Send small text message, then send again with RSV = 4, then send Ping. Octets are sent in octet-wise chops.", trio(4, chop(1))...), okMsg, []Event{}, 1002), exp2),
		withExp(peerFails(newCase("3.5", "Send small binary message with RSV = 5.",
			frame(OpBinary, true, 5, []byte{0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff}, plain), kill(Second)), 1002), exp),
		withExp(peerFails(newCase("3.6", "Send small binary message with RSV = 6 (upstream titles it a ping).",
			frame(OpBinary, true, 6, p, plain), kill(Second)), 1002), exp),
		withExp(peerFails(newCase("3.7", "Send close with RSV = 7.", frame(OpClose, true, 7, []byte{}, plain), kill(Second)), 1002), exp),
	}
}

// opcodeCases returns section 4: reserved opcodes.
func opcodeCases() []*Case {
	var cs []*Case
	for sub, ops := range [][]byte{{3, 4, 5, 6, 7}, {11, 12, 13, 14, 15}} {
		kind := "non-control"
		if sub == 1 {
			kind = "control"
		}
		for i, op := range ops {
			var payload []byte
			switch i {
			case 1:
				payload = []byte("reserved opcode payload")
			case 3, 4:
				payload = []byte(hello)
			default:
				payload = []byte{}
			}
			id := fmt.Sprintf("4.%d.%d", sub+1, i+1)
			if i < 2 {
				desc := fmt.Sprintf("Send frame with reserved %s Opcode = %d.", kind, op)
				if i == 1 {
					desc = fmt.Sprintf("Send frame with reserved %s Opcode = %d and non-empty payload.", kind, op)
				}
				cs = append(cs, withExp(peerFails(newCase(id, desc, frame(op, true, 0, payload, plain), kill(Second)), 1002),
					"The connection is failed immediately."))
				continue
			}
			m := plain
			desc := fmt.Sprintf("Send small text message, then send frame with reserved %s Opcode = %d, then send Ping.", kind, op)
			switch i {
			case 3:
				desc = fmt.Sprintf("Send small text message, then send frame with reserved %s Opcode = %d and non-empty payload, then send Ping.", kind, op)
			case 4:
				m = chop(1)
				desc = fmt.Sprintf("Send small text message, then send frame with reserved %s Opcode = %d and non-empty payload, then send Ping. Octets are sent in octet-wise chops.", kind, op)
			}
			c := newCase(id, desc, text(hello, m), frame(op, true, 0, payload, m), ping([]byte{}, m), kill(Second))
			cs = append(cs, withExp(peerFailsNS(c, []Event{msgText([]byte(hello))}, []Event{}, 1002),
				"Echo for first message is received, but then connection is failed immediately, since reserved opcode frame is used. A Pong is not received."))
		}
	}
	return cs
}
