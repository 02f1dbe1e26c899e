package autobahn

import "fmt"

// closeCases returns section 7: the closing handshake.
func closeCases() []*Case {
	var cs []*Case
	add := func(c *Case, exp string) {
		c.script = append(c.script, kill(Second))
		cs = append(cs, withExp(c, exp))
	}
	hw := []byte("Hello World!")
	frag := func(i int) []byte { return fmt.Appendf(nil, "fragment%d", i) }
	nothing := "Clean close with normal code. Nothing is echo'ed or answered after the close."
	add(echoClean(newCase("7.1.1", "Send a message followed by a close frame.", frame(OpText, true, 0, hw, plain)), msgText(hw)),
		"Echoed message followed by clean close with normal code.")
	add(cleanClose(newCase("7.1.2", "Send two close frames.", closeCode(1000, nil), frame(OpClose, true, 0, []byte{}, plain)), 1000), nothing)
	add(cleanClose(newCase("7.1.3", "Send a ping after close message.", closeCode(1000, nil), ping([]byte{}, plain)), 1000), nothing)
	add(cleanClose(newCase("7.1.4", "Send text message after sending a close frame.", closeCode(1000, nil), frame(OpText, true, 0, hw, plain)), 1000), nothing)
	add(cleanClose(newCase("7.1.5", "Send message fragment1 followed by close then fragment2.",
		frame(OpText, false, 0, frag(1), plain), closeCode(1000, nil), frame(OpContinuation, true, 0, frag(2), plain)), 1000), nothing)
	c := newCase("7.1.6", "Send 256K message followed by close then a ping.",
		frame(OpText, true, 0, pat10(262144), plain), frame(OpText, true, 0, hw, plain), closeCode(1000, nil), ping([]byte{}, plain))
	c.Expected = []Outcome{{Name: OK, Events: []Event{msgText(hw)}}}
	c.Close = ExpectedClose{ClosedByMe: true, CloseCode: []int{1000}}
	c.hook = hookInformational
	add(c, "Case outcome depends on implementation defined close behavior. Message and close frame are sent back to back. If the close frame is processed before the text message write is complete (as can happen in asynchronous processing models) the close frame is processed first and the text message may not be received or may only be partially recieved.")
	for _, c := range cs[1:5] {
		c.hook = hookWrongCodeFail
	}
	cs[0].hook = hookWrongCodeFail

	closeOK := "Clean close with normal or echoed code."
	add(cleanClose(newCase("7.3.1", "Send a close frame with payload length 0 (no close code, no close reason).", closeRaw([]byte{})), 1000), closeOK)
	add(badClose(newCase("7.3.2", "Send a close frame with payload length 1.", closeRaw([]byte("a"))), 1002),
		"Clean close with protocol error or drop TCP.")
	add(cleanClose(newCase("7.3.3", "Send a close frame with payload length 2 (regular close with a code).", closeCode(1000, nil)), 1000), closeOK)
	add(cleanClose(newCase("7.3.4", "Send a close frame with close code and close reason.", closeCode(1000, hw)), 1000), closeOK)
	add(cleanClose(newCase("7.3.5", "Send a close frame with close code and close reason of maximum length (123).", closeCode(1000, rep('*', 123))), 1000), closeOK)
	add(badClose(newCase("7.3.6", "Send a close frame with close code and close reason which is too long (124) - total frame payload 126 octets.",
		closeRaw(closePayload(1000, rep('*', 124)))), 1002), "Clean close with protocol error code or dropped TCP connection.")
	add(badClose(newCase("7.5.1", "Send a close frame with invalid UTF8 payload.", closeRaw(closePayload(1000, x3))), 1002, 1007),
		"Clean close with protocol error or invalid utf8 code or dropped TCP.")
	for i, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999} {
		add(cleanClose(newCase(fmt.Sprintf("7.7.%d", i+1), fmt.Sprintf("Send close with valid close code %d.", code), closeCode(code, nil)), 1000, code),
			"Clean close with normal or echoed code.")
	}
	for i, code := range []int{0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999} {
		add(badClose(newCase(fmt.Sprintf("7.9.%d", i+1), fmt.Sprintf("Send close with invalid close code %d.", code), closeRaw(closePayload(code, nil))), 1002),
			"Clean close with protocol error code or drop TCP.")
	}
	for i, code := range []int{5000, 65535} {
		c := newCase(fmt.Sprintf("7.13.%d", i+1), fmt.Sprintf("Send close with close code %d.", code), closeRaw(closePayload(code, nil)))
		c.Expected = []Outcome{{Name: OK, Events: []Event{}}}
		c.Close = ExpectedClose{ClosedByMe: true, CloseCode: []int{1000, code, 1002}}
		c.hook = hookInformational
		add(c, "Actual events are undefined by the spec.")
	}
	for _, c := range cs[6:] {
		switch {
		case c.hook == hookInformational:
			c.SuppressClose = true
		case c.ID[:3] == "7.3" || c.ID == "7.5.1":
			c.hook, c.SuppressClose = hookWrongCodeFail, true
		default:
			c.hook = hookWrongCodeFail
		}
	}
	for _, c := range cs[1:6] {
		c.SuppressClose = true
	}
	return cs
}
