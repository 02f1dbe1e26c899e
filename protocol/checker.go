package protocol

// Role says which end of a connection a [Checker] runs on.
type Role uint8

// Roles. The zero Role is the server.
const (
	RoleServer Role = iota // receives masked frames from a client
	RoleClient             // receives unmasked frames from a server
)

// String returns "server" or "client".
func (r Role) String() string {
	if r == RoleClient {
		return "client"
	}
	return "server"
}

// Checker enforces the framing rules of RFC 6455 on the frames one
// endpoint receives: reserved opcodes and bits, control frame limits,
// masking by role, and the order of fragments (Sections 5.1-5.5). It is a
// value with no I/O; feed it every received header, in order.
//
// The zero Checker is a server with no extensions.
type Checker struct {
	// Role is the role of the receiving endpoint: a server requires
	// masked frames, a client requires unmasked ones.
	Role Role
	// AllowedRSV holds the RSV bits a negotiated extension defines, such
	// as RSV1 for permessage-deflate. They are accepted on the first frame
	// of a data message only (RFC 7692, Section 6): on a continuation or
	// control frame they are still [ErrReservedBits].
	AllowedRSV byte

	inMessage bool   // a fragmented message has started and not finished
	msgOpcode Opcode // OpText or OpBinary while inMessage
}

// Check validates h against the rules and the frames seen before it, and
// records it. It returns nil or one of the [*Error] sentinels, all of
// which carry [CloseProtocolError]. It does not keep h; h is a pointer so
// that a header just decoded in place (see [Header.Decode]) is read a
// field at a time, not copied whole.
func (c *Checker) Check(h *Header) error {
	op := h.Opcode
	if op.IsReserved() {
		return ErrReservedOpcode
	}
	if h.Masked != (c.Role == RoleServer) {
		if h.Masked {
			return ErrMaskedFrame
		}
		return ErrUnmaskedFrame
	}
	if h.RSV != 0 {
		firstDataFrame := op == OpText || op == OpBinary
		if !firstDataFrame || h.RSV&^c.AllowedRSV != 0 {
			return ErrReservedBits
		}
	}
	if op.IsControl() {
		if !h.Fin {
			return ErrFragmentedControl
		}
		if h.Length > MaxControlPayload {
			return ErrControlTooLong
		}
		return nil
	}
	if op == OpContinuation {
		if !c.inMessage {
			return ErrUnexpectedContinuation
		}
		c.inMessage = !h.Fin
		return nil
	}
	if c.inMessage {
		return ErrExpectedContinuation
	}
	c.inMessage = !h.Fin
	c.msgOpcode = op
	return nil
}

// InMessage reports whether a fragmented message has started and its
// final frame has not been checked yet.
func (c *Checker) InMessage() bool { return c.inMessage }

// MessageOpcode returns OpText or OpBinary: the type of the message the
// last data frame checked belongs to.
func (c *Checker) MessageOpcode() Opcode { return c.msgOpcode }

// Reset forgets the message in progress, keeping Role and AllowedRSV.
func (c *Checker) Reset() {
	c.inMessage = false
	c.msgOpcode = 0
}
