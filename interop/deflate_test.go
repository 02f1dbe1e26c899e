package interop_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/wirefast/websocket"
	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
)

// deflateCase is one row of the permessage-deflate matrix (RFC 7692):
// the takeover mode of each side and the two windows, set by one side.
type deflateCase struct {
	ours       deflate.Mode // our side's CompressionOptions.Mode
	peerNoCT   bool         // the peer asks for server_ and client_no_context_takeover
	serverBits int          // the server's window, base-2 logarithm
	clientBits int          // the client's window, base-2 logarithm
	// peerLimits says which side sets the windows: the peer (its server
	// configured with both limits, its client offering both), or ours
	// (our client offering both, our server allowing at most them
	// against a client offering client_max_window_bits without a value).
	peerLimits bool
	level      deflate.Level // our compression level
}

// deflateTakeovers are the takeover rows: both sides keeping their
// windows, the peer asking for none, our side asking for none.
var deflateTakeovers = []struct {
	name     string
	ours     deflate.Mode
	peerNoCT bool
}{
	{"takeover", websocket.CompressionContextTakeover, false},
	{"peer-no-takeover", websocket.CompressionContextTakeover, true},
	{"our-no-takeover", websocket.CompressionNoContextTakeover, false},
}

// deflateCases crosses the server windows 9 to 15 (zlib makes 8 into 9)
// with the takeover rows; the client's window goes the other way (24
// minus the server's), and the side setting them alternates. Our level
// is BetterCompression, which costs much more under the race detector,
// at the extreme windows only.
func deflateCases() []deflateCase {
	var cases []deflateCase
	for bits := 9; bits <= 15; bits++ {
		for i, to := range deflateTakeovers {
			cases = append(cases, deflateCase{
				ours:       to.ours,
				peerNoCT:   to.peerNoCT,
				serverBits: bits,
				clientBits: 24 - bits,
				peerLimits: (bits+i)%2 == 1,
				level:      levelFor(bits),
			})
		}
	}
	return cases
}

// window8Cases are rows where our side compresses with an 8-bit window,
// which zlib cannot do but decodes: the peer sends with 15 bits.
func window8Cases(ourSideIsServer bool) []deflateCase {
	var cases []deflateCase
	for _, mode := range []deflate.Mode{websocket.CompressionContextTakeover, websocket.CompressionNoContextTakeover} {
		c := deflateCase{ours: mode, serverBits: 15, clientBits: 8, level: deflate.BetterCompression}
		if ourSideIsServer {
			c.serverBits, c.clientBits = 8, 15
		}
		cases = append(cases, c)
	}
	return cases
}

func levelFor(serverBits int) deflate.Level {
	if serverBits == 9 || serverBits == 15 {
		return deflate.BetterCompression
	}
	return deflate.BestSpeed
}

func (c deflateCase) name() string {
	limiter := "we-limit"
	if c.peerLimits {
		limiter = "peer-limits"
	}
	takeover := ""
	for _, to := range deflateTakeovers {
		if to.ours == c.ours && to.peerNoCT == c.peerNoCT {
			takeover = to.name
		}
	}
	return fmt.Sprintf("server%d-client%d/%s/%s/level%d", c.serverBits, c.clientBits, takeover, limiter, c.level)
}

// peerParams returns the peer's configuration for the deflate query
// parameter, as peers/README.md describes it.
func (c deflateCase) peerParams(peerIsServer bool) string {
	var ps []string
	if c.peerNoCT {
		ps = append(ps, deflate.ParamServerNoContextTakeover, deflate.ParamClientNoContextTakeover)
	}
	switch {
	case c.peerLimits:
		ps = append(ps,
			deflate.ParamServerMaxWindowBits+"="+strconv.Itoa(c.serverBits),
			deflate.ParamClientMaxWindowBits+"="+strconv.Itoa(c.clientBits))
	case !peerIsServer:
		ps = append(ps, deflate.ParamClientMaxWindowBits) // lets our server choose
	}
	return strings.Join(ps, ",")
}

// options returns our side's compression options. Where the peer sets
// the windows, we compress every message (Threshold -1), empty ones too;
// elsewhere small messages go plain (the default threshold).
func (c deflateCase) options(server bool) *websocket.CompressionOptions {
	o := &websocket.CompressionOptions{Mode: c.ours, Level: c.level}
	switch {
	case !c.peerLimits:
		o.ServerMaxWindowBits, o.ClientMaxWindowBits = c.serverBits, c.clientBits
	case server:
		// Allow the client whatever it asks for.
		o.ServerMaxWindowBits, o.ClientMaxWindowBits = deflate.MaxWindowBits, deflate.MaxWindowBits
		o.Threshold = -1
	default:
		o.Threshold = -1
	}
	return o
}

// want returns the response's permessage-deflate element, the same
// whichever side is the server: no context takeover both ways if either
// side asks for it; a window limit set by the peer always appears, ours
// only below 15 (our client offers 15 as no limit, our server announces
// no 15 it was not asked about).
func (c deflateCase) want() []handshake.Extension {
	ext := handshake.Extension{Name: deflate.Name}
	if c.peerNoCT || c.ours == websocket.CompressionNoContextTakeover {
		ext.Params = append(ext.Params,
			handshake.Param{Name: deflate.ParamServerNoContextTakeover},
			handshake.Param{Name: deflate.ParamClientNoContextTakeover})
	}
	if c.peerLimits || c.serverBits < deflate.MaxWindowBits {
		ext.Params = append(ext.Params, handshake.Param{Name: deflate.ParamServerMaxWindowBits, Value: strconv.Itoa(c.serverBits)})
	}
	if c.peerLimits || c.clientBits < deflate.MaxWindowBits {
		ext.Params = append(ext.Params, handshake.Param{Name: deflate.ParamClientMaxWindowBits, Value: strconv.Itoa(c.clientBits)})
	}
	return []handshake.Extension{ext}
}

// withDeflate returns the URL of path on base with the peer's deflate
// configuration in the query.
func withDeflate(base, path, params string) string {
	return base + path + "?deflate=" + url.QueryEscape(params)
}

func TestPythonServerDeflate(t *testing.T) { t.Parallel(); testDeflatePeerServer(t, pythonPeer) }
func TestNodeServerDeflate(t *testing.T)   { t.Parallel(); testDeflatePeerServer(t, nodePeer) }
func TestPythonClientDeflate(t *testing.T) { t.Parallel(); testDeflatePeerClient(t, pythonPeer) }
func TestNodeClientDeflate(t *testing.T)   { t.Parallel(); testDeflatePeerClient(t, nodePeer) }

// peerDefaultResponse is what k's server answers, left at its library
// default, to our client's default offer ("permessage-deflate;
// client_max_window_bits"): python-websockets accepts with 12-bit
// windows, ws declines.
var peerDefaultResponse = map[*peerKind]string{
	pythonPeer: "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
	nodePeer:   "",
}

// testDeflatePeerServer runs the deflate matrix with our Dial against k's
// server, each row on its own connection configured through the URL, then
// dials a server left at the library's compression default.
func testDeflatePeerServer(t *testing.T, k *peerKind) {
	requirePeer(t, k)
	p, base := startPeerServer(t, k, "--compression=off")
	for _, c := range slices.Concat(deflateCases(), window8Cases(false)) {
		t.Run(c.name(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
			defer cancel()
			path := "/deflate/" + c.name()
			s := dialCompressed(t, ctx, p, withDeflate(base, path, c.peerParams(true)), path, c.options(false), c.want())
			testCompressed(t, ctx, s, c.serverBits, c.clientBits)
			s.finish(t, ctx)
		})
	}
	t.Run("peer-default", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
		defer cancel()
		p, base := startPeerServer(t, k, "--compression=default")
		want := parseExtensions(t, peerDefaultResponse[k])
		opts := &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover}
		s := dialCompressed(t, ctx, p, base+"/peer-default", "/peer-default", opts, want)
		if want == nil {
			testNoExtension(t, ctx, s)
		} else {
			testCompressed(t, ctx, s, 12, 12)
		}
		s.finish(t, ctx)
	})
}

// defaultServerOffers are client offers against our server with default
// compression options in context takeover mode, which allows the
// client 12 bits.
var defaultServerOffers = []struct {
	name       string
	params     string // the peer client's deflate configuration
	offer      string // the offer it makes
	response   string // our answer
	clientBits int    // the client's window
}{
	// What browsers (and python-websockets' and ws's clients by
	// default) offer: 12-bit windows both ways.
	{"browser-offer", deflate.ParamClientMaxWindowBits,
		"permessage-deflate; client_max_window_bits",
		"permessage-deflate; server_max_window_bits=12; client_max_window_bits=12", 12},
	// A client that cannot be limited uses 15 bits: our server asks it
	// to reset its window after each message instead.
	{"bare-offer", "",
		"permessage-deflate",
		"permessage-deflate; client_no_context_takeover; server_max_window_bits=12", 15},
}

// testDeflatePeerClient runs the deflate matrix with k's client, one
// process making every row's connection in turn, against our server
// through each upgrader, each row on a server of its own; then clients
// making a browser's offer and a bare one against our server's default
// compression.
func testDeflatePeerClient(t *testing.T, k *peerKind) {
	requirePeer(t, k)
	for _, up := range upgraders {
		t.Run(up.name, func(t *testing.T) {
			p := startPeer(t, k, "client", "--compression=off")
			for _, c := range slices.Concat(deflateCases(), window8Cases(true)) {
				t.Run(c.name(), func(t *testing.T) {
					ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
					defer cancel()
					path := "/deflate/" + c.name()
					srv := up.start(t, &websocket.AcceptOptions{ConnOptions: websocket.ConnOptions{Compression: c.options(true)}})
					s, _ := connectCompressed(t, ctx, p, srv, path, c.peerParams(false), c.want())
					testCompressed(t, ctx, s, c.serverBits, c.clientBits)
					s.finish(t, ctx)
				})
			}
			for _, o := range defaultServerOffers {
				t.Run(o.name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
					defer cancel()
					srv := up.start(t, &websocket.AcceptOptions{ConnOptions: websocket.ConnOptions{
						Compression: &websocket.CompressionOptions{Mode: websocket.CompressionContextTakeover},
					}})
					s, offer := connectCompressed(t, ctx, p, srv, "/"+o.name, o.params, parseExtensions(t, o.response))
					checkExtensions(t, s.peer.String()+"'s offer", offer, parseExtensions(t, o.offer))
					testCompressed(t, ctx, s, 12, o.clientBits)
					s.finish(t, ctx)
				})
			}
			p.end(t)
		})
	}
}

// dialCompressed connects our client with compression opts to the peer
// server p at rawURL, whose path is path, and checks that the response
// and the peer's report of it hold want.
func dialCompressed(t *testing.T, ctx context.Context, p *peer, rawURL, path string, opts *websocket.CompressionOptions, want []handshake.Extension) *session {
	t.Helper()
	c, resp, err := websocket.Dial(ctx, rawURL, &websocket.DialOptions{ConnOptions: websocket.ConnOptions{Compression: opts}})
	if err != nil {
		t.Fatalf("Dial(%s) to %s with compression %+v: %v", rawURL, p, *opts, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	s := &session{c: c, peer: p, path: path}
	checkExtensions(t, "the response of "+p.String(), strings.Join(resp.Header.Values("Sec-WebSocket-Extensions"), ", "), want)
	s.checkNegotiated(t, ctx, want)
	return s
}

// connectCompressed has the peer client p, configured with the deflate
// parameters params, connect to our server at path, checks that the
// peer saw want in our response, and returns the connection and the
// extensions the client offered.
func connectCompressed(t *testing.T, ctx context.Context, p *peer, srv *ourServer, path, params string, want []handshake.Extension) (*session, string) {
	t.Helper()
	p.connect(t, withDeflate(srv.url, path, params))
	a := srv.accept(t, ctx, path, p)
	s := &session{c: a.c, peer: p, path: path}
	s.checkNegotiated(t, ctx, want)
	return s, a.offer
}

// checkNegotiated checks the Sec-WebSocket-Extensions response that the
// peer reports in its open event.
func (s *session) checkNegotiated(t *testing.T, ctx context.Context, want []handshake.Extension) {
	t.Helper()
	ev, err := s.peer.wait(ctx, s.event("open"))
	if err != nil {
		t.Fatalf("%s did not report the connection open: %v", s.peer, err)
	}
	checkExtensions(t, "the response as "+s.peer.String()+" saw it", ev.Negotiated, want)
	wantNames := []string{}
	if len(want) > 0 {
		wantNames = []string{deflate.Name}
	}
	if diff := cmp.Diff(wantNames, ev.Extensions, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s is using extensions %q (-want +got):\n%s", s.peer, ev.Extensions, diff)
	}
}

// checkExtensions checks that the Sec-WebSocket-Extensions value header
// holds want, parameters in any order.
func checkExtensions(t *testing.T, what, header string, want []handshake.Extension) {
	t.Helper()
	got := parseExtensions(t, header)
	sortParams := cmpopts.SortSlices(func(a, b handshake.Param) bool { return a.Name < b.Name })
	if diff := cmp.Diff(want, got, sortParams, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Sec-WebSocket-Extensions of %s = %q (-want +got):\n%s", what, header, diff)
	}
}

// parseExtensions parses a Sec-WebSocket-Extensions value; "" is none.
func parseExtensions(t *testing.T, header string) []handshake.Extension {
	t.Helper()
	if header == "" {
		return nil
	}
	exts, err := handshake.ParseExtensions([]string{header})
	if err != nil {
		t.Fatalf("ParseExtensions(%q): %v", header, err)
	}
	return exts
}
