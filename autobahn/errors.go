package autobahn

import "errors"

// Errors returned by the frame codec, the handshake and the runners.
var (
	// ErrShortFrame is returned by [ParseHeader] when the buffer does not
	// yet hold a complete frame header; the caller reads more and retries.
	ErrShortFrame = errors.New("autobahn: short frame header")

	// ErrNonMinimalLength is returned by [ParseHeader] for a 16-bit length
	// below 126 or a 64-bit length below 65536 (RFC 6455, Section 5.2).
	ErrNonMinimalLength = errors.New("autobahn: non-minimal payload length encoding")

	// ErrLengthTopBit is returned by [ParseHeader] for a 64-bit payload
	// length with the most significant bit set.
	ErrLengthTopBit = errors.New("autobahn: 64-bit payload length with top bit set")

	// ErrFrameTooLarge is returned by [ReadFrame] when a frame's payload is
	// longer than the limit it was given.
	ErrFrameTooLarge = errors.New("autobahn: frame payload too large")

	// ErrHandshake is wrapped by the opening handshake functions and by
	// [RunClient] when the peer's handshake request or response is invalid.
	ErrHandshake = errors.New("autobahn: bad opening handshake")

	// ErrInflate is wrapped by the decompressor when a compressed message is
	// corrupt or refers further back than the negotiated window allows.
	ErrInflate = errors.New("autobahn: bad deflate data")

	// ErrNoCases is returned by [RunClient] and [NewServer] when the case
	// patterns select no case.
	ErrNoCases = errors.New("autobahn: no case selected")

	// ErrConnect is wrapped by [RunClient] when it cannot open a TCP
	// connection to the server under test; the remaining cases are dropped,
	// as the original suite does.
	ErrConnect = errors.New("autobahn: connect")
)
