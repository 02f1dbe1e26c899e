package deflate

import (
	"cmp"
	"fmt"
	"strconv"
)

// Window sizes (RFC 7692, Section 7.1.2): an LZ77 sliding window of
// windowBits holds 1<<windowBits bytes.
const (
	MinWindowBits = 8
	MaxWindowBits = 15
)

const (
	minWindowBits = MinWindowBits
	maxWindowBits = MaxWindowBits
)

// Level selects how hard the encoder looks for matches.
type Level int

// Compression levels. Both use the same memory.
const (
	// BestSpeed looks up one candidate per position in a hash table and
	// takes the first match found, as compress/flate's BestSpeed does.
	BestSpeed Level = 1
	// BetterCompression looks up two candidates per position and defers
	// a match by one byte when the next position has a longer one (lazy
	// matching), for smaller output at lower speed.
	BetterCompression Level = 2

	// DefaultLevel is the level used when none is given.
	DefaultLevel = BestSpeed

	maxLevel = BetterCompression
)

// Mode selects whether permessage-deflate is used and whether the
// compression context is kept between messages.
type Mode int

// Compression modes.
const (
	// Disabled neither offers nor accepts the extension. It is the zero
	// Mode.
	Disabled Mode = iota
	// NoContextTakeover compresses each message on its own, in both
	// directions: it asks for server_no_context_takeover and
	// client_no_context_takeover. Between messages a connection holds no
	// compression buffers; they come from pools while a message is
	// compressed or decompressed.
	NoContextTakeover
	// ContextTakeover keeps each direction's window between messages, so
	// a message can refer to earlier ones; repetitive traffic such as
	// JSON compresses much better. The peer may still ask for no context
	// takeover in either direction, which is then honoured. Memory per
	// connection is in the package documentation.
	ContextTakeover
)

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Disabled:
		return "disabled"
	case NoContextTakeover:
		return "no context takeover"
	case ContextTakeover:
		return "context takeover"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// Defaults, used where an [Options] field is zero.
const (
	// DefaultServerWindowBits is the window, in bits, that a server
	// compresses with and allows its clients (4 KiB, as python-websockets'
	// server default). A client asks for no limit by default.
	DefaultServerWindowBits = 12
	// DefaultThreshold is the size in bytes under which a message is sent
	// uncompressed in NoContextTakeover mode: smaller messages gain less
	// than 10% on typical JSON and text.
	DefaultThreshold = 128
	// DefaultThresholdContextTakeover is the same in ContextTakeover
	// mode, where even small messages compress well against the history.
	DefaultThresholdContextTakeover = 32
)

// Options configure permessage-deflate on one side of a connection. The
// same type serves the server ([Accept]) and the client ([Offer],
// [Confirm]). A nil *Options, or the zero value, disables compression.
type Options struct {
	// Mode selects whether compression is used and whether windows are
	// kept between messages. The zero value is Disabled.
	Mode Mode

	// ServerMaxWindowBits is the base-2 logarithm of the window the
	// server compresses with, 8 to 15. On a server it is the largest
	// window it uses (smaller if the client asks; it tells the client
	// with server_max_window_bits when below 15); zero means
	// DefaultServerWindowBits. On a client it is sent as
	// server_max_window_bits to ask the server for at most that; zero
	// asks nothing (the server may then use up to 15).
	ServerMaxWindowBits int

	// ClientMaxWindowBits is the base-2 logarithm of the window the
	// client compresses with, 8 to 15. On a server it is the largest
	// window it lets clients use, sent as client_max_window_bits to
	// clients that offer the parameter; zero means
	// DefaultServerWindowBits. A client that cannot be limited (its offer
	// lacks client_max_window_bits) uses 15; if the limit is below 15
	// the server then asks it for client_no_context_takeover, so its
	// 32 KiB window is only held while a message is read. On a client it
	// is offered as client_max_window_bits when below 15; zero offers the
	// parameter without a value, letting the server choose.
	ClientMaxWindowBits int

	// Level is the compression level; zero means DefaultLevel.
	Level Level

	// Threshold is the size in bytes under which messages are sent
	// uncompressed (RSV1 clear), see [Config.ShouldCompress]. Zero means
	// DefaultThreshold, or DefaultThresholdContextTakeover in
	// ContextTakeover mode; a negative value compresses every message.
	Threshold int

	// MemoryBudget bounds, in bytes, the compression state a connection
	// keeps between messages in ContextTakeover mode: the encoder's
	// window and hash table (2·2^w for its window bits w) plus the
	// decoder's window (2^w for the peer's). The window bits used are
	// lowered from ServerMaxWindowBits and ClientMaxWindowBits (or their
	// defaults) until the state fits, the costlier direction first; if
	// even 8-bit windows (768 bytes) do not fit, the connection uses
	// NoContextTakeover, which holds nothing between messages. Zero means
	// no bound beyond the window bits. Working buffers borrowed while a
	// message is compressed or decompressed are shared through pools and
	// not counted.
	MemoryBudget int
}

// resolved returns a copy of o with the defaults of a server (or of a
// client) filled in, or an error wrapping ErrOptions. For a client, zero
// window bits stay zero: nothing is requested.
func (o *Options) resolved(server bool) (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Mode < Disabled || r.Mode > ContextTakeover {
		return r, fmt.Errorf("%w: mode %d out of range [0, 2]", ErrOptions, int(r.Mode))
	}
	if err := checkBits("server max window bits", r.ServerMaxWindowBits); err != nil {
		return r, err
	}
	if err := checkBits("client max window bits", r.ClientMaxWindowBits); err != nil {
		return r, err
	}
	if r.Level < 0 || r.Level > maxLevel {
		return r, fmt.Errorf("%w: level %d out of range [1, 2]", ErrOptions, int(r.Level))
	}
	if r.Level == 0 {
		r.Level = DefaultLevel
	}
	if r.MemoryBudget < 0 {
		return r, fmt.Errorf("%w: memory budget %d is negative", ErrOptions, r.MemoryBudget)
	}
	if server {
		if r.ServerMaxWindowBits == 0 {
			r.ServerMaxWindowBits = DefaultServerWindowBits
		}
		if r.ClientMaxWindowBits == 0 {
			r.ClientMaxWindowBits = DefaultServerWindowBits
		}
	}
	if r.MemoryBudget > 0 && r.Mode == ContextTakeover {
		r.fitBudget(server)
	}
	switch {
	case r.Threshold < 0:
		r.Threshold = 0
	case r.Threshold == 0 && r.Mode == ContextTakeover:
		r.Threshold = DefaultThresholdContextTakeover
	case r.Threshold == 0:
		r.Threshold = DefaultThreshold
	}
	return r, nil
}

// heldBytes is the compression state a connection keeps between messages
// with context takeover both ways: the encoder's window and hash table,
// and the decoder's window.
func heldBytes(encBits, decBits int) int { return 2<<encBits + 1<<decBits }

// fitBudget lowers r's window bits until heldBytes fits r.MemoryBudget,
// or switches r to NoContextTakeover when even 8-bit windows do not. A
// server encodes with ServerMaxWindowBits and decodes with
// ClientMaxWindowBits; a client the other way round, and its zero fields
// (nothing requested) stand for 15 bits and stay zero when 15 fits.
func (r *Options) fitBudget(server bool) {
	enc, dec := &r.ServerMaxWindowBits, &r.ClientMaxWindowBits
	if !server {
		enc, dec = dec, enc
	}
	e, d := cmp.Or(*enc, MaxWindowBits), cmp.Or(*dec, MaxWindowBits)
	for heldBytes(e, d) > r.MemoryBudget {
		switch {
		case e > MinWindowBits && 2<<e >= 1<<d:
			e--
		case d > MinWindowBits:
			d--
		case e > MinWindowBits:
			e--
		default:
			r.Mode = NoContextTakeover
			return
		}
	}
	if e != cmp.Or(*enc, MaxWindowBits) {
		*enc = e
	}
	if d != cmp.Or(*dec, MaxWindowBits) {
		*dec = d
	}
}

func checkBits(name string, bits int) error {
	if bits != 0 && (bits < MinWindowBits || bits > MaxWindowBits) {
		return fmt.Errorf("%w: %s %d out of range [8, 15]", ErrOptions, name, bits)
	}
	return nil
}
