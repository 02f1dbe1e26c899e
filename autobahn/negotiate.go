package autobahn

import (
	"fmt"
	"strconv"
	"strings"
)

// RFC 7692 permessage-deflate names and limits.
const (
	pmdName                 = "permessage-deflate"
	pmdServerNoContext      = "server_no_context_takeover"
	pmdClientNoContext      = "client_no_context_takeover"
	pmdServerMaxWindowBits  = "server_max_window_bits"
	pmdClientMaxWindowBits  = "client_max_window_bits"
	minWindowBits           = 8
	maxWindowBits           = 15
	bareWindowBits          = -1 // client_max_window_bits offered without a value
	defaultWindowBits       = maxWindowBits
	pmdClientMaxWindowOffer = pmdName + "; " + pmdClientNoContext + "; " + pmdClientMaxWindowBits
)

// pmdParams is one permessage-deflate offer or response. A window field is
// 0 when absent, bareWindowBits for a bare client_max_window_bits, else
// 8-15.
type pmdParams struct {
	serverNoContext bool
	clientNoContext bool
	serverMaxWindow int
	clientMaxWindow int
}

// String formats p as an extension list entry in the parameter order the
// original suite uses.
func (p pmdParams) String() string {
	var b strings.Builder
	b.WriteString(pmdName)
	if p.serverNoContext {
		b.WriteString("; " + pmdServerNoContext)
	}
	if p.serverMaxWindow > 0 {
		b.WriteString("; " + pmdServerMaxWindowBits + "=" + strconv.Itoa(p.serverMaxWindow))
	}
	if p.clientNoContext {
		b.WriteString("; " + pmdClientNoContext)
	}
	switch {
	case p.clientMaxWindow > 0:
		b.WriteString("; " + pmdClientMaxWindowBits + "=" + strconv.Itoa(p.clientMaxWindow))
	case p.clientMaxWindow == bareWindowBits:
		b.WriteString("; " + pmdClientMaxWindowBits)
	}
	return b.String()
}

// parsePMD checks the parameters of one permessage-deflate entry. A bare
// client_max_window_bits is allowed only when allowBare is set (in offers);
// anything unknown, duplicated or out of range is an error.
func parsePMD(e extension, allowBare bool) (pmdParams, error) {
	var p pmdParams
	seen := map[string]bool{}
	for _, q := range e.params {
		if seen[q.name] {
			return p, fmt.Errorf("%w: duplicate %s", ErrHandshake, q.name)
		}
		seen[q.name] = true
		switch q.name {
		case pmdServerNoContext, pmdClientNoContext:
			if q.hasValue {
				return p, fmt.Errorf("%w: %s takes no value", ErrHandshake, q.name)
			}
			if q.name == pmdServerNoContext {
				p.serverNoContext = true
			} else {
				p.clientNoContext = true
			}
		case pmdServerMaxWindowBits, pmdClientMaxWindowBits:
			bits := bareWindowBits
			if q.hasValue {
				n, err := strconv.Atoi(q.value)
				if err != nil || n < minWindowBits || n > maxWindowBits || q.value[0] == '0' {
					return p, fmt.Errorf("%w: %s=%q out of range [8, 15]", ErrHandshake, q.name, q.value)
				}
				bits = n
			} else if !allowBare || q.name == pmdServerMaxWindowBits {
				return p, fmt.Errorf("%w: %s needs a value", ErrHandshake, q.name)
			}
			if q.name == pmdServerMaxWindowBits {
				p.serverMaxWindow = bits
			} else {
				p.clientMaxWindow = bits
			}
		default:
			return p, fmt.Errorf("%w: unknown %s parameter %s", ErrHandshake, pmdName, q.name)
		}
	}
	return p, nil
}

// pmdSetup is what a negotiated permessage-deflate means for F: the window
// and context takeover of its own compressor (tx) and decompressor (rx).
type pmdSetup struct {
	txWindow, rxWindow       int
	txNoContext, rxNoContext bool
	response                 string // the agreed Sec-WebSocket-Extensions value
}

// clientAccept judges a server's extension response to F's offer in client
// mode: any single permessage-deflate entry with valid parameters is
// accepted. It returns nil when the server declined.
func clientAccept(values []string) (*pmdSetup, error) {
	exts, err := parseExtensions(values)
	if err != nil {
		return nil, err
	}
	if len(exts) == 0 {
		return nil, nil
	}
	if len(exts) > 1 {
		return nil, fmt.Errorf("%w: %d extensions in response", ErrHandshake, len(exts))
	}
	if exts[0].name != pmdName {
		return nil, fmt.Errorf("%w: extension %s was not offered", ErrHandshake, exts[0].name)
	}
	p, err := parsePMD(exts[0], false)
	if err != nil {
		return nil, err
	}
	return &pmdSetup{
		txWindow:    windowOr15(p.clientMaxWindow),
		rxWindow:    windowOr15(p.serverMaxWindow),
		txNoContext: p.clientNoContext,
		rxNoContext: p.serverNoContext,
		response:    strings.Join(values, ", "),
	}, nil
}

// windowOr15 returns bits, or 15 when bits is absent or bare.
func windowOr15(bits int) int {
	if bits < minWindowBits {
		return defaultWindowBits
	}
	return bits
}

// pmdPolicy is how server-mode F answers a client's offers in one 12.x or
// 13.x subsection.
type pmdPolicy struct {
	needClientMaxWindow bool // decline offers without client_max_window_bits
	addClientNoContext  bool
	clientMaxWindow     int // 0: do not add client_max_window_bits
}

// serverAccept applies the policies, in order, to the client's offers. It
// returns nil when no offer passes, and an error (answered with HTTP 400)
// when a permessage-deflate offer is malformed.
func serverAccept(values []string, policies []pmdPolicy) (*pmdSetup, error) {
	exts, err := parseExtensions(values)
	if err != nil {
		return nil, err
	}
	var offers []pmdParams
	for _, e := range exts {
		if e.name != pmdName {
			continue
		}
		p, err := parsePMD(e, true)
		if err != nil {
			return nil, err
		}
		offers = append(offers, p)
	}
	for _, pol := range policies {
		for _, o := range offers {
			if pol.needClientMaxWindow && o.clientMaxWindow == 0 {
				continue
			}
			resp := pmdParams{
				serverNoContext: o.serverNoContext,
				serverMaxWindow: o.serverMaxWindow,
				clientNoContext: pol.addClientNoContext,
				clientMaxWindow: pol.clientMaxWindow,
			}
			return &pmdSetup{
				txWindow:    windowOr15(o.serverMaxWindow),
				rxWindow:    windowOr15(pol.clientMaxWindow),
				txNoContext: o.serverNoContext,
				rxNoContext: pol.addClientNoContext,
				response:    resp.String(),
			}, nil
		}
	}
	return nil, nil
}
