package deflate

import (
	"errors"
	"fmt"

	"github.com/wirefast/websocket/protocol"
)

// Error is a fault in the compressed data a peer sent. Code is the close
// code the connection must be failed with. An Error unwraps to the
// [*protocol.Error] with that code, so [protocol.CloseCodeOf] finds it and
// the caller handles it as any other violation.
type Error struct {
	Code   protocol.CloseCode
	Reason string
	proto  *protocol.Error
}

func (e *Error) Error() string { return "deflate: " + e.Reason }

// Unwrap returns the protocol error carrying the same close code.
func (e *Error) Unwrap() error { return e.proto }

var errInvalidData = &protocol.Error{Code: protocol.CloseInvalidPayload, Reason: "invalid compressed data"}

// Errors of the decoder and of negotiation.
var (
	// ErrCorrupt is returned by [Decoder.Read], [Decoder.Decompress] and
	// [Decoder.Discard] when a message's payload is not a valid DEFLATE
	// stream ending as RFC 7692 requires, or refers further back than the
	// window. It is returned wrapped with the detail; the close code is
	// 1007 (invalid payload data), as Node's ws sends for an inflate error
	// (python-websockets sends 1002).
	ErrCorrupt = &Error{Code: protocol.CloseInvalidPayload, Reason: "corrupt compressed data", proto: errInvalidData}

	// ErrTooLarge is returned by [Decoder.Read], [Decoder.Decompress] and
	// [Decoder.Discard] when a message inflates to more than the limit. It
	// is detected while inflating, after at most the limit was produced.
	// The close code is 1009 (message too big), and it unwraps to
	// [protocol.ErrMessageTooBig].
	ErrTooLarge = &Error{Code: protocol.CloseMessageTooBig, Reason: "decompressed message over the limit", proto: protocol.ErrMessageTooBig}

	// ErrUnfinished is returned by [Decoder.Read] and
	// [Decoder.Decompress] when a message begins before the previous one
	// was read to its end, with context takeover: the window no longer
	// matches the peer's. It is a bug in the caller, which must read or
	// [Decoder.Discard] every message.
	ErrUnfinished = errors.New("deflate: message begun before the previous one was finished")

	// ErrResponse is returned by [Confirm] when the server's response does
	// not match the client's offer (RFC 7692, Section 7): the
	// client must fail the connection. It is returned wrapped with the
	// detail.
	ErrResponse = errors.New("deflate: extension response does not match the offer")

	// ErrOptions is returned by [Offer], [Accept] and [Confirm] for
	// invalid [Options]. It is returned wrapped with the detail.
	ErrOptions = errors.New("deflate: invalid options")
)

// corrupt returns ErrCorrupt with a detail.
func corrupt(detail string) error { return fmt.Errorf("%w: %s", ErrCorrupt, detail) }

// Details of ErrCorrupt, preallocated for the hot paths.
var (
	errUnexpectedEnd  = corrupt("unexpected end of data")
	errBadCode        = corrupt("invalid Huffman code")
	errTooFarBack     = corrupt("distance beyond the window")
	errBadBlockType   = corrupt("invalid block type")
	errBadStoredLen   = corrupt("stored block length mismatch")
	errBadCodeLengths = corrupt("invalid code lengths")
	errAfterFinal     = corrupt("data after the final block")
)
