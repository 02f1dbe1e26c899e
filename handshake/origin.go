package handshake

import (
	"fmt"
	"net/netip"
	"path"
	"strings"
)

// CheckOrigin decides whether a server accepts a handshake request with
// the given Origin and Host header values, to block cross-site WebSocket
// hijacking (RFC 6455, Section 10.2). It returns nil to accept and an
// [*Error] with status 403 to refuse:
//
//   - An empty origin (no Origin header: a client that is not a browser)
//     is accepted.
//   - If a pattern is "*", every request is accepted.
//   - An origin that is not scheme://host[:port], as browsers serialize
//     origins (RFC 6454), fails with [ErrBadOrigin]; that includes
//     "null", paths and user information.
//   - An origin whose host[:port] equals host under ASCII case folding is
//     accepted; a default port (80 for http and ws, 443 for https and
//     wss) written on one side only does not matter.
//   - Otherwise the origin's host[:port] is matched with [path.Match]
//     against each pattern, both in lower case ("*.example.com",
//     "localhost:*"); a match accepts, no match fails with
//     [ErrOriginNotAllowed].
//
// A malformed pattern fails with an error wrapping [path.ErrBadPattern]
// that carries no status: it is the server's mistake. CheckOrigin does not
// allocate unless patterns must be consulted.
func CheckOrigin(origin, host string, patterns []string) error {
	if origin == "" || allowsAll(patterns) {
		return nil
	}
	authority, same, ok := parseOrigin(origin, host)
	switch {
	case !ok:
		return ErrBadOrigin
	case same:
		return nil
	}
	return matchOrigin(authority, patterns)
}

// The generic code below never sees patterns: a generic function called
// from another package is analyzed without knowing what escapes, so a
// caller's slice literal would then be moved to the heap.

// allowsAll reports whether one of patterns is "*".
func allowsAll(patterns []string) bool {
	for _, p := range patterns {
		if p == "*" {
			return true
		}
	}
	return false
}

// parseOrigin returns the authority of origin, whether it names the same
// host and port as host (see sameHost), and whether origin is a valid
// serialized origin.
func parseOrigin[S text](origin, host S) (authority S, same, ok bool) {
	scheme, authority, ok := splitOrigin(origin)
	if !ok {
		return authority, false, false
	}
	return authority, sameHost(scheme, authority, host), true
}

// matchOrigin matches an origin's authority against the patterns.
func matchOrigin(authority string, patterns []string) error {
	if len(patterns) == 0 {
		return ErrOriginNotAllowed
	}
	a := strings.ToLower(authority)
	for _, p := range patterns {
		ok, err := path.Match(strings.ToLower(p), a)
		if err != nil {
			// Cloning p keeps patterns from escaping on the good path.
			return fmt.Errorf("handshake: origin pattern %q: %w", strings.Clone(p), err)
		}
		if ok {
			return nil
		}
	}
	return ErrOriginNotAllowed
}

// splitOrigin splits a serialized origin, scheme "://" host [":" port],
// and reports whether it is one.
func splitOrigin[S text](origin S) (scheme, authority S, ok bool) {
	sep := -1
	for i := 0; i+2 < len(origin); i++ {
		if origin[i] == ':' {
			if origin[i+1] == '/' && origin[i+2] == '/' {
				sep = i
			}
			break
		}
	}
	if sep <= 0 {
		return scheme, authority, false
	}
	scheme, authority = origin[:sep], origin[sep+3:]
	if !isAlpha(scheme[0]) {
		return scheme, authority, false
	}
	for i := 1; i < len(scheme); i++ {
		if c := scheme[i]; !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return scheme, authority, false
		}
	}
	return scheme, authority, validAuthority(authority)
}

// validAuthority reports whether a is host [":" port], with host a
// bracketed IPv6 address without zone or a non-empty run of Host bytes
// other than colons, brackets and percent signs (browsers serialize host
// names in ASCII, without percent-encoding), and port one or more digits.
func validAuthority[S text](a S) bool {
	if !validHost(a) {
		return false
	}
	i := 0
	if a[0] == '[' {
		for i = 1; i < len(a) && a[i] != ']'; i++ {
			if a[i] == '[' {
				return false
			}
		}
		if i == len(a) {
			return false
		}
		if ip, err := netip.ParseAddr(string(a[1:i])); err != nil || !ip.Is6() || ip.Zone() != "" {
			return false
		}
		i++ // past ']'
	} else {
		for i < len(a) && a[i] != ':' {
			if a[i] == '[' || a[i] == ']' || a[i] == '%' {
				return false
			}
			i++
		}
		if i == 0 {
			return false
		}
	}
	if i == len(a) {
		return true
	}
	if a[i] != ':' || i+1 == len(a) {
		return false
	}
	for i++; i < len(a); i++ {
		if !isDigit(a[i]) {
			return false
		}
	}
	return true
}

// sameHost reports whether the origin's authority names the same host
// and port as the Host header value, ignoring ASCII case and a default
// port for scheme written on one side only.
func sameHost[S text](scheme, authority, host S) bool {
	if equalFold(authority, host) {
		return true
	}
	var def string
	switch {
	case equalFold(scheme, "http"), equalFold(scheme, "ws"):
		def = ":80"
	case equalFold(scheme, "https"), equalFold(scheme, "wss"):
		def = ":443"
	default:
		return false
	}
	return equalFold(trimSuffix(authority, def), trimSuffix(host, def))
}

// trimSuffix returns s without suffix, if s ends with it.
func trimSuffix[S text](s S, suffix string) S {
	if len(s) >= len(suffix) && equal(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)]
	}
	return s
}
