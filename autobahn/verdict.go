package autobahn

// closeState is what the verdict of catalogue §1.7 needs from a finished
// session.
type closeState struct {
	handshakeOK                    bool
	isServer                       bool // F's role
	closedByMe, droppedByMe, clean bool
	remoteCloseCode                int // -1: none
	txText, txCont                 int // F's own sent frame counters (10.1.1)
}

// judge computes behavior and behaviorClose for case c (catalogue §1.7).
// custom is the behavior set by the logic of sections 9, 12 and 13 and is
// ignored for other cases.
func judge(c *Case, received []Event, custom string, st closeState) (behavior, behaviorClose string) {
	if !st.handshakeOK {
		return Failed, Failed
	}
	behavior = Failed
	if c.logic != nil {
		behavior = custom
	} else {
		for _, o := range c.Expected {
			if eventsEqual(o.Events, received) {
				behavior = o.Name
				break
			}
		}
	}
	wrongEndpoint := false
	switch {
	case st.closedByMe != c.Close.ClosedByMe:
		behaviorClose, wrongEndpoint = Failed, true
	case c.Close.RequireClean && !st.clean:
		behaviorClose = Unclean
	case st.remoteCloseCode >= 0 && !containsInt(c.Close.CloseCode, st.remoteCloseCode):
		behaviorClose = WrongCode
	case !st.isServer && st.droppedByMe:
		behaviorClose = FailedByClient
	default:
		behaviorClose = OK
	}
	if c.Close.ClosedByWrongEndpointIsFatal && wrongEndpoint {
		behavior = Failed
	}
	switch c.hook {
	case hookWrongCodeFail:
		if behaviorClose == WrongCode {
			behavior = Failed
		}
	case hookInformational:
		behavior, behaviorClose = Informational, Informational
	case hookFrameCount:
		wantCont := autoFragFrames / autoFragment
		if st.txText != 1 || st.txCont != wantCont {
			behavior = Failed
		}
	}
	return behavior, behaviorClose
}

// autoFragFrames is the message length of 10.1.1.
const autoFragFrames = 65536

// containsInt reports whether xs holds x.
func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// resultText explains behavior in the per-case report.
func resultText(behavior string) string {
	switch behavior {
	case OK:
		return "Actual events match at least one expected."
	case NonStrict:
		return "Actual events match the non-strict expectation."
	case Informational:
		return "Informational: actual events are undefined by the specification."
	case Unimplemented:
		return "The peer did not negotiate the feature this case tests."
	default:
		return "Actual events differ from any expected."
	}
}

// resultCloseText explains behaviorClose in the per-case report.
func resultCloseText(bc string) string {
	switch bc {
	case OK:
		return "Connection was properly closed"
	case WrongCode:
		return "The close code the peer sent is not one of the expected codes"
	case Unclean:
		return "The connection was not closed cleanly"
	case FailedByClient:
		return "The client (F) had to drop the TCP connection: the server did not close it in time"
	case Informational:
		return "Informational: close behaviour is undefined by the specification"
	default:
		return "The wrong endpoint started the close, or the handshake failed"
	}
}
