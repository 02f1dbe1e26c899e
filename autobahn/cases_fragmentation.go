package autobahn

import "fmt"

// fragmentationCases returns section 5: fragmented messages and
// fragmentation state errors.
func fragmentationCases() []*Case {
	f := func(i int) []byte { return fmt.Appendf(nil, "fragment%d", i) }
	nonCont := []byte("non-continuation payload")
	pp := []byte("ping payload")
	modeName := map[writeMode]string{plain: "", sync1: " Octets are sent in frame-wise chops.", chop(1): " Octets are sent in octet-wise chops."}
	modes := []writeMode{plain, sync1, chop(1)}
	var cs []*Case
	add := func(c *Case, exp string) { cs = append(cs, withExp(c, exp)) }
	failExp := "The connection is failed immediately, since control message MUST NOT be fragmented."
	add(peerFails(newCase("5.1", "Send Ping fragmented into 2 fragments.",
		frame(OpPing, false, 0, f(1), plain), frame(OpContinuation, true, 0, f(2), plain), kill(Second)), 1002), failExp)
	add(peerFails(newCase("5.2", "Send Pong fragmented into 2 fragments.",
		frame(OpPong, false, 0, f(1), plain), frame(OpContinuation, true, 0, f(2), plain), kill(Second)), 1002), failExp)
	whole := []byte("fragment1fragment2")
	for i, m := range modes {
		add(echoClean(newCase(fmt.Sprintf("5.%d", 3+i), "Send text Message fragmented into 2 fragments."+modeName[m],
			frame(OpText, false, 0, f(1), m), frame(OpContinuation, true, 0, f(2), m), closeAfter(Second)), msgText(whole)),
			"Message is processed and echo'ed back to us.")
	}
	for i, m := range modes {
		add(echoClean(newCase(fmt.Sprintf("5.%d", 6+i), "Send text Message fragmented into 2 fragments, one ping with payload in-between."+modeName[m],
			frame(OpText, false, 0, f(1), m), ping(pp, m), frame(OpContinuation, true, 0, f(2), m), closeAfter(Second)), pong(pp), msgText(whole)),
			"A pong is received, then the message is echo'ed back to us.")
	}
	for i, m := range modes {
		add(peerFails(newCase(fmt.Sprintf("5.%d", 9+i), "Send unfragmented Text Message after Continuation Frame with FIN = true, where there is nothing to continue, sent in one chop."+modeName[m],
			frame(OpContinuation, true, 0, nonCont, m), text(hello, m), kill(Second)), 1002),
			"The connection is failed immediately, since there is no message to continue.")
	}
	for i, m := range modes {
		add(peerFails(newCase(fmt.Sprintf("5.%d", 12+i), "Send unfragmented Text Message after Continuation Frame with FIN = false, where there is nothing to continue, sent in one chop."+modeName[m],
			frame(OpContinuation, false, 0, nonCont, m), text(hello, m), kill(Second)), 1002),
			"The connection is failed immediately, since there is no message to continue.")
	}
	add(peerFailsNS(newCase("5.15", "Send text Message fragmented into 2 fragments, then Continuation Frame with FIN = false where there is nothing to continue, then unfragmented Text Message, all sent in one chop.",
		frame(OpText, false, 0, f(1), plain), frame(OpContinuation, true, 0, f(2), plain),
		frame(OpContinuation, false, 0, f(3), plain), frame(OpText, true, 0, f(4), plain), kill(Second)),
		[]Event{msgText(whole)}, []Event{}, 1002),
		"The connection is failed immediately, since there is no message to continue.")
	twice := func(firstFin bool) []action {
		var as []action
		for range 2 {
			as = append(as, frame(OpContinuation, firstFin, 0, f(1), plain), frame(OpText, false, 0, f(2), plain),
				frame(OpContinuation, true, 0, f(3), plain))
		}
		return append(as, kill(Second))
	}
	add(peerFails(newCase("5.16", "Repeated 2x: Continuation Frame with FIN = false (where there is nothing to continue), then text Message fragmented into 2 fragments.", twice(false)...), 1002),
		"The connection is failed immediately, since there is no message to continue.")
	add(peerFails(newCase("5.17", "Repeated 2x: Continuation Frame with FIN = true (where there is nothing to continue), then text Message fragmented into 2 fragments.", twice(true)...), 1002),
		"The connection is failed immediately, since there is no message to continue.")
	add(peerFails(newCase("5.18", "Send text Message fragmented into 2 fragments, with both frame opcodes set to text, sent in one chop.",
		frame(OpText, false, 0, f(1), plain), frame(OpText, true, 0, f(2), plain), kill(Second)), 1002),
		"The connection is failed immediately, since all data frames after the initial data frame must have opcode 0.")
	all5 := []byte("fragment1fragment2fragment3fragment4fragment5")
	for i, m := range []writeMode{plain, sync1} {
		desc := "Send text Message fragmented into 5 fragments, with 2 pings in-between and a 1 s pause after the first ping."
		if i == 1 {
			desc += " Every frame is sent on its own."
		}
		c := newCase(fmt.Sprintf("5.%d", 19+i), desc,
			frame(OpText, false, 0, f(1), m), frame(OpContinuation, false, 0, f(2), m), ping([]byte("pongme 1!"), m),
			after(Second,
				frame(OpContinuation, false, 0, f(3), m), frame(OpContinuation, false, 0, f(4), m),
				ping([]byte("pongme 2!"), m), frame(OpContinuation, true, 0, f(5), m), closeAfter(Second)))
		add(echoClean(c, pong([]byte("pongme 1!")), pong([]byte("pongme 2!")), msgText(all5)),
			"The message is processed and echo'ed back to us, and the pings are answered as they arrive, the second before the message is echo'ed.")
	}
	return cs
}
