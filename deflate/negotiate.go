package deflate

import (
	"fmt"
	"strconv"

	"github.com/wirefast/websocket/handshake"
)

// Name is the extension's token in Sec-WebSocket-Extensions (RFC 7692,
// Section 7).
const Name = "permessage-deflate"

// Extension parameter names (RFC 7692, Section 7.1).
const (
	ParamServerNoContextTakeover = "server_no_context_takeover"
	ParamClientNoContextTakeover = "client_no_context_takeover"
	ParamServerMaxWindowBits     = "server_max_window_bits"
	ParamClientMaxWindowBits     = "client_max_window_bits"
)

// Params are the parameters in effect on a connection once negotiated,
// resolved from the offer and the response: for each direction, whether
// the sender resets its window after every message and the size of that
// window (8 to 15, 15 when no parameter limits it).
type Params struct {
	ServerNoContextTakeover bool
	ClientNoContextTakeover bool
	ServerMaxWindowBits     int
	ClientMaxWindowBits     int
}

// Config is the outcome of a successful negotiation for one side of a
// connection: the agreed parameters and the local options that go with
// them. Its methods make the connection's encoder and decoder.
type Config struct {
	Params
	// Server reports whether this side is the server: it compresses
	// with the server's parameters and decompresses with the client's.
	Server bool

	// Which window bits a server's response states (accept): the
	// response is made from the Params when asked for, so that a
	// connection keeping its Config does not keep the response too.
	// Here, beside Server, they fit in its word.
	respondServerBits, respondClientBits bool

	// Level is the local compression level.
	Level Level
	// Threshold is the resolved size in bytes under which messages are
	// sent uncompressed; 0 compresses all.
	Threshold int
}

// Response returns the element a server puts in its
// Sec-WebSocket-Extensions response header to accept the offer, for
// [handshake.AppendExtensions]. On a client it returns the zero Extension.
func (c *Config) Response() handshake.Extension {
	if !c.Server {
		return handshake.Extension{}
	}
	resp := handshake.Extension{Name: Name}
	if c.ServerNoContextTakeover {
		resp.Params = append(resp.Params, handshake.Param{Name: ParamServerNoContextTakeover})
	}
	if c.ClientNoContextTakeover {
		resp.Params = append(resp.Params, handshake.Param{Name: ParamClientNoContextTakeover})
	}
	if c.respondServerBits {
		resp.Params = append(resp.Params, handshake.Param{Name: ParamServerMaxWindowBits, Value: strconv.Itoa(c.ServerMaxWindowBits)})
	}
	if c.respondClientBits {
		resp.Params = append(resp.Params, handshake.Param{Name: ParamClientMaxWindowBits, Value: strconv.Itoa(c.ClientMaxWindowBits)})
	}
	return resp
}

// Sending returns the window, as bits, and the context takeover of the
// messages this side sends: the server's on a server, the client's on a
// client. [Config.NewEncoder] makes its encoder with them.
func (c *Config) Sending() (windowBits int, contextTakeover bool) {
	if c.Server {
		return c.ServerMaxWindowBits, !c.ServerNoContextTakeover
	}
	return c.ClientMaxWindowBits, !c.ClientNoContextTakeover
}

// Receiving returns the window, as bits, and the context takeover of the
// messages this side receives: the peer's. [Config.NewDecoder] makes its
// decoder with them.
func (c *Config) Receiving() (windowBits int, contextTakeover bool) {
	if c.Server {
		return c.ClientMaxWindowBits, !c.ClientNoContextTakeover
	}
	return c.ServerMaxWindowBits, !c.ServerNoContextTakeover
}

// NewEncoder returns an encoder for the messages this side sends, with
// the window and takeover [Config.Sending] returns.
func (c *Config) NewEncoder() *Encoder {
	bits, takeover := c.Sending()
	return NewEncoder(bits, takeover, c.Level)
}

// NewDecoder returns a decoder for the messages this side receives, with
// the window and takeover [Config.Receiving] returns.
func (c *Config) NewDecoder() *Decoder {
	return NewDecoder(c.Receiving())
}

// ShouldCompress reports whether a message of size bytes should be sent
// compressed: whether it is at least the threshold. A streaming writer
// that does not know the size yet may compress regardless.
func (c *Config) ShouldCompress(size int) bool { return size >= c.Threshold }

// paramSet is the parsed parameter list of one offer or response.
// Window bits are 0 when absent, -1 when present without a value.
type paramSet struct {
	serverNoCT, clientNoCT bool
	serverBits, clientBits int
}

// parseParams parses the parameters of a permessage-deflate element. It
// returns a description of the first problem: an unknown parameter, one
// given twice, or a bad value. client_max_window_bits may lack a value
// only in an offer.
func parseParams(ps []handshake.Param, offer bool) (paramSet, string) {
	var s paramSet
	for _, p := range ps {
		switch p.Name {
		case ParamServerNoContextTakeover, ParamClientNoContextTakeover:
			flag := &s.serverNoCT
			if p.Name == ParamClientNoContextTakeover {
				flag = &s.clientNoCT
			}
			if *flag {
				return s, "duplicate " + p.Name
			}
			if p.Value != "" {
				return s, p.Name + " has a value"
			}
			*flag = true
		case ParamServerMaxWindowBits, ParamClientMaxWindowBits:
			bits := &s.serverBits
			if p.Name == ParamClientMaxWindowBits {
				bits = &s.clientBits
			}
			if *bits != 0 {
				return s, "duplicate " + p.Name
			}
			switch v := parseBits(p.Value); {
			case v != 0:
				*bits = v
			case p.Value == "" && offer && p.Name == ParamClientMaxWindowBits:
				*bits = -1
			default:
				return s, "bad value " + strconv.Quote(p.Value) + " for " + p.Name
			}
		default:
			return s, "unknown parameter " + p.Name
		}
	}
	return s, ""
}

// parseBits parses a window bits value: a decimal 8 to 15 without leading
// zeros (RFC 7692, Section 7.1.2). It returns 0 for anything else.
func parseBits(v string) int {
	switch {
	case len(v) == 1 && v[0] >= '8' && v[0] <= '9':
		return int(v[0] - '0')
	case len(v) == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5':
		return 10 + int(v[1]-'0')
	}
	return 0
}

// Accept chooses, on a server, the first acceptable permessage-deflate
// offer in offers, the parsed Sec-WebSocket-Extensions of the request
// (see [handshake.ParseExtensions]; elements of other extensions are
// skipped). An offer with an unknown, repeated or out-of-range parameter
// is declined, not an error (RFC 7692, Section 7). Accept returns nil
// when compression is disabled or no offer is acceptable; otherwise the
// Config's [Config.Response] goes in the response.
//
// The response holds only what Section 7.1 allows: the no context
// takeover parameters the offer asked for or opts require,
// server_max_window_bits when the offer had it or the server uses less
// than 15, and client_max_window_bits only when the offer had it (with
// the offer's value, or less, when it had one).
//
// The error, wrapping ErrOptions, is for invalid opts only.
func Accept(offers []handshake.Extension, opts *Options) (*Config, error) {
	o, err := opts.resolved(true)
	if err != nil || o.Mode == Disabled {
		return nil, err
	}
	for _, ext := range offers {
		if ext.Name != Name {
			continue
		}
		offer, bad := parseParams(ext.Params, true)
		if bad != "" {
			continue
		}
		return accept(offer, &o), nil
	}
	return nil, nil
}

// accept builds the response to an acceptable offer.
func accept(offer paramSet, o *Options) *Config {
	p := Params{
		ServerNoContextTakeover: offer.serverNoCT || o.Mode == NoContextTakeover,
		ClientNoContextTakeover: offer.clientNoCT || o.Mode == NoContextTakeover,
		ServerMaxWindowBits:     o.ServerMaxWindowBits,
		ClientMaxWindowBits:     MaxWindowBits,
	}
	if offer.serverBits > 0 {
		p.ServerMaxWindowBits = min(p.ServerMaxWindowBits, offer.serverBits)
	}
	sendClientBits := false
	switch {
	case offer.clientBits == 0:
		// The client cannot be limited: it may use 15. If the server
		// wanted less, it at least keeps the window only per message.
		if o.ClientMaxWindowBits < MaxWindowBits {
			p.ClientNoContextTakeover = true
		}
	case offer.clientBits < 0:
		p.ClientMaxWindowBits = o.ClientMaxWindowBits
		sendClientBits = p.ClientMaxWindowBits < MaxWindowBits
	default:
		p.ClientMaxWindowBits = min(o.ClientMaxWindowBits, offer.clientBits)
		sendClientBits = true
	}

	return &Config{
		Params: p, Server: true, Level: o.Level, Threshold: o.Threshold,
		respondServerBits: offer.serverBits > 0 || p.ServerMaxWindowBits < MaxWindowBits,
		respondClientBits: sendClientBits,
	}
}

// Offer returns the permessage-deflate offer a client puts in its
// Sec-WebSocket-Extensions request header: none when compression is
// disabled, else one element. NoContextTakeover asks for both no context
// takeover parameters; window bits below 15 are asked for; the client
// always offers client_max_window_bits, without a value unless
// opts.ClientMaxWindowBits is set, so the server may limit its window.
// The error, wrapping ErrOptions, is for invalid opts only.
func Offer(opts *Options) ([]handshake.Extension, error) {
	o, err := opts.resolved(false)
	if err != nil || o.Mode == Disabled {
		return nil, err
	}
	ext := handshake.Extension{Name: Name}
	if o.Mode == NoContextTakeover {
		ext.Params = append(ext.Params,
			handshake.Param{Name: ParamServerNoContextTakeover},
			handshake.Param{Name: ParamClientNoContextTakeover})
	}
	if o.ServerMaxWindowBits != 0 && o.ServerMaxWindowBits < MaxWindowBits {
		ext.Params = append(ext.Params, handshake.Param{Name: ParamServerMaxWindowBits, Value: strconv.Itoa(o.ServerMaxWindowBits)})
	}
	cb := handshake.Param{Name: ParamClientMaxWindowBits}
	if o.ClientMaxWindowBits != 0 && o.ClientMaxWindowBits < MaxWindowBits {
		cb.Value = strconv.Itoa(o.ClientMaxWindowBits)
	}
	ext.Params = append(ext.Params, cb)
	return []handshake.Extension{ext}, nil
}

// Confirm checks, on a client, the server's parsed
// Sec-WebSocket-Extensions response against the offer [Offer] made from
// the same opts, and returns the connection's Config, or nil when the
// server declined (no permessage-deflate element). Elements of other
// extensions are ignored: the caller rejects those it did not offer.
//
// A response that does not match the offer fails with an error wrapping
// ErrResponse, after which the client must fail the connection: the
// extension twice or not offered, an unknown or repeated parameter, a bad
// value, client_max_window_bits without a value, a window larger than
// asked for, or server_no_context_takeover or server_max_window_bits
// missing when asked for (RFC 7692, Section 7).
func Confirm(response []handshake.Extension, opts *Options) (*Config, error) {
	o, err := opts.resolved(false)
	if err != nil {
		return nil, err
	}
	var found *handshake.Extension
	for i := range response {
		if response[i].Name != Name {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("%w: %s more than once", ErrResponse, Name)
		}
		found = &response[i]
	}
	if found == nil {
		return nil, nil
	}
	if o.Mode == Disabled {
		return nil, fmt.Errorf("%w: %s not offered", ErrResponse, Name)
	}
	resp, bad := parseParams(found.Params, false)
	if bad != "" {
		return nil, fmt.Errorf("%w: %s", ErrResponse, bad)
	}
	askedNoCT := o.Mode == NoContextTakeover
	if askedNoCT && !resp.serverNoCT {
		return nil, fmt.Errorf("%w: %s missing", ErrResponse, ParamServerNoContextTakeover)
	}
	p := Params{
		ServerNoContextTakeover: resp.serverNoCT,
		ClientNoContextTakeover: resp.clientNoCT || askedNoCT,
		ServerMaxWindowBits:     MaxWindowBits,
		ClientMaxWindowBits:     MaxWindowBits,
	}
	askedServer := o.ServerMaxWindowBits
	if askedServer == MaxWindowBits {
		askedServer = 0 // not sent
	}
	switch {
	case resp.serverBits > 0 && askedServer != 0 && resp.serverBits > askedServer:
		return nil, fmt.Errorf("%w: %s %d over the %d asked for", ErrResponse, ParamServerMaxWindowBits, resp.serverBits, askedServer)
	case resp.serverBits > 0:
		p.ServerMaxWindowBits = resp.serverBits
	case askedServer != 0:
		return nil, fmt.Errorf("%w: %s missing", ErrResponse, ParamServerMaxWindowBits)
	}
	offered := o.ClientMaxWindowBits
	if offered == MaxWindowBits {
		offered = 0 // offered without a value
	}
	switch {
	case resp.clientBits > 0 && offered != 0 && resp.clientBits > offered:
		return nil, fmt.Errorf("%w: %s %d over the %d offered", ErrResponse, ParamClientMaxWindowBits, resp.clientBits, offered)
	case resp.clientBits > 0:
		p.ClientMaxWindowBits = resp.clientBits
	case offered != 0:
		// The offer's value binds the client even if the server does not
		// repeat it (as python-websockets reads Section 7.1.2.2).
		p.ClientMaxWindowBits = offered
	}
	return &Config{Params: p, Level: o.Level, Threshold: o.Threshold}, nil
}
