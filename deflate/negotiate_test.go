package deflate_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wirefast/websocket/deflate"
	"github.com/wirefast/websocket/handshake"
)

func parseExt(t testing.TB, value string) []handshake.Extension {
	t.Helper()
	if value == "" {
		return nil
	}
	exts, err := handshake.ParseExtensions([]string{value})
	if err != nil {
		t.Fatalf("ParseExtensions(%q): %v", value, err)
	}
	return exts
}

func formatExt(exts ...handshake.Extension) string {
	return string(handshake.AppendExtensions(nil, exts))
}

var (
	takeover   = &deflate.Options{Mode: deflate.ContextTakeover}
	noTakeover = &deflate.Options{Mode: deflate.NoContextTakeover}
	wide       = &deflate.Options{Mode: deflate.ContextTakeover, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}
)

func TestAccept(t *testing.T) {
	tests := []struct {
		name     string
		offer    string
		opts     *deflate.Options
		response string // "" when declined
		params   deflate.Params
	}{
		{"browser (client_max_window_bits)", "permessage-deflate; client_max_window_bits", takeover,
			"permessage-deflate; server_max_window_bits=12; client_max_window_bits=12", deflate.Params{ServerMaxWindowBits: 12, ClientMaxWindowBits: 12}},
		{"browser, wide windows", "permessage-deflate; client_max_window_bits", wide,
			"permessage-deflate", deflate.Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"bare offer: client cannot be limited", "permessage-deflate", takeover,
			"permessage-deflate; client_no_context_takeover; server_max_window_bits=12", deflate.Params{ClientNoContextTakeover: true, ServerMaxWindowBits: 12, ClientMaxWindowBits: 15}},
		{"bare offer, wide windows", "permessage-deflate", wide,
			"permessage-deflate", deflate.Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"server_no_context_takeover", "permessage-deflate; server_no_context_takeover", wide,
			"permessage-deflate; server_no_context_takeover", deflate.Params{ServerNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"client_no_context_takeover", "permessage-deflate; client_no_context_takeover", wide,
			"permessage-deflate; client_no_context_takeover", deflate.Params{ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"no context takeover mode", "permessage-deflate", &deflate.Options{Mode: deflate.NoContextTakeover, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15},
			"permessage-deflate; server_no_context_takeover; client_no_context_takeover", deflate.Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"server_max_window_bits below ours", "permessage-deflate; server_max_window_bits=10", wide,
			"permessage-deflate; server_max_window_bits=10", deflate.Params{ServerMaxWindowBits: 10, ClientMaxWindowBits: 15}},
		{"server_max_window_bits above ours", "permessage-deflate; server_max_window_bits=14; client_max_window_bits", takeover,
			"permessage-deflate; server_max_window_bits=12; client_max_window_bits=12", deflate.Params{ServerMaxWindowBits: 12, ClientMaxWindowBits: 12}},
		{"server_max_window_bits=8", "permessage-deflate; server_max_window_bits=8", wide,
			"permessage-deflate; server_max_window_bits=8", deflate.Params{ServerMaxWindowBits: 8, ClientMaxWindowBits: 15}},
		{"client_max_window_bits below ours", "permessage-deflate; client_max_window_bits=9", takeover,
			"permessage-deflate; server_max_window_bits=12; client_max_window_bits=9", deflate.Params{ServerMaxWindowBits: 12, ClientMaxWindowBits: 9}},
		{"client_max_window_bits above ours", "permessage-deflate; client_max_window_bits=15", takeover,
			"permessage-deflate; server_max_window_bits=12; client_max_window_bits=12", deflate.Params{ServerMaxWindowBits: 12, ClientMaxWindowBits: 12}},
		{"client_max_window_bits value echoed", "permessage-deflate; client_max_window_bits=15", wide,
			"permessage-deflate; client_max_window_bits=15", deflate.Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"quoted value", `permessage-deflate; client_max_window_bits="10"`, wide,
			"permessage-deflate; client_max_window_bits=10", deflate.Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 10}},
		{"all four", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=10", wide,
			"permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=10",
			deflate.Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 9, ClientMaxWindowBits: 10}},
		{"first acceptable of several", "permessage-deflate; server_max_window_bits=16, permessage-deflate; server_max_window_bits=9, permessage-deflate", wide,
			"permessage-deflate; server_max_window_bits=9", deflate.Params{ServerMaxWindowBits: 9, ClientMaxWindowBits: 15}},
		{"other extensions skipped", "x-webkit-deflate-frame, foo; bar=1, permessage-deflate", wide,
			"permessage-deflate", deflate.Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},

		// Declined offers.
		{"disabled", "permessage-deflate", nil, "", deflate.Params{}},
		{"no offer", "x-webkit-deflate-frame", wide, "", deflate.Params{}},
		{"unknown parameter", "permessage-deflate; foo", wide, "", deflate.Params{}},
		{"duplicate flag", "permessage-deflate; server_no_context_takeover; server_no_context_takeover", wide, "", deflate.Params{}},
		{"duplicate bits", "permessage-deflate; client_max_window_bits; client_max_window_bits=10", wide, "", deflate.Params{}},
		{"flag with a value", "permessage-deflate; client_no_context_takeover=1", wide, "", deflate.Params{}},
		{"server bits without value", "permessage-deflate; server_max_window_bits", wide, "", deflate.Params{}},
		{"server bits 16", "permessage-deflate; server_max_window_bits=16", wide, "", deflate.Params{}},
		{"server bits 7", "permessage-deflate; server_max_window_bits=7", wide, "", deflate.Params{}},
		{"leading zero", "permessage-deflate; server_max_window_bits=09", wide, "", deflate.Params{}},
		{"client bits 0", "permessage-deflate; client_max_window_bits=0", wide, "", deflate.Params{}},
		{"client bits not a number", "permessage-deflate; client_max_window_bits=x", wide, "", deflate.Params{}},
		{"case matters", "Permessage-Deflate", wide, "", deflate.Params{}},
		{"parameter case matters", "permessage-deflate; Server_No_Context_Takeover", wide, "", deflate.Params{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := deflate.Accept(parseExt(t, tc.offer), tc.opts)
			if err != nil {
				t.Fatalf("Accept(%q): %v", tc.offer, err)
			}
			if tc.response == "" {
				if cfg != nil {
					t.Fatalf("Accept(%q) = %q, want declined", tc.offer, formatExt(cfg.Response()))
				}
				return
			}
			if cfg == nil {
				t.Fatalf("Accept(%q) declined, want %q", tc.offer, tc.response)
			}
			if got := formatExt(cfg.Response()); got != tc.response {
				t.Errorf("Accept(%q) response = %q, want %q", tc.offer, got, tc.response)
			}
			if diff := cmp.Diff(tc.params, cfg.Params); diff != "" {
				t.Errorf("Accept(%q) params (-want +got):\n%s", tc.offer, diff)
			}
			if !cfg.Server {
				t.Error("Accept config is not the server's")
			}
		})
	}
}

func TestOffer(t *testing.T) {
	tests := []struct {
		opts *deflate.Options
		want string
	}{
		{nil, ""},
		{&deflate.Options{}, ""},
		{takeover, "permessage-deflate; client_max_window_bits"},
		{wide, "permessage-deflate; client_max_window_bits"},
		{noTakeover, "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits"},
		{&deflate.Options{Mode: deflate.ContextTakeover, ServerMaxWindowBits: 10, ClientMaxWindowBits: 9},
			"permessage-deflate; server_max_window_bits=10; client_max_window_bits=9"},
	}
	for _, tc := range tests {
		exts, err := deflate.Offer(tc.opts)
		if err != nil {
			t.Fatalf("Offer(%+v): %v", tc.opts, err)
		}
		if got := formatExt(exts...); got != tc.want {
			t.Errorf("Offer(%+v) = %q, want %q", tc.opts, got, tc.want)
		}
	}
}

func TestConfirm(t *testing.T) {
	asked := &deflate.Options{Mode: deflate.ContextTakeover, ServerMaxWindowBits: 10, ClientMaxWindowBits: 11}
	tests := []struct {
		name     string
		opts     *deflate.Options
		response string
		params   *deflate.Params // nil: declined
		wantErr  bool
	}{
		{"declined", takeover, "", nil, false},
		{"other extension only", takeover, "foo", nil, false},
		{"plain", takeover, "permessage-deflate", &deflate.Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}, false},
		{"server limits itself", takeover, "permessage-deflate; server_max_window_bits=12", &deflate.Params{ServerMaxWindowBits: 12, ClientMaxWindowBits: 15}, false},
		{"server limits the client", takeover, "permessage-deflate; client_max_window_bits=9", &deflate.Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 9}, false},
		{"unsolicited server_no_context_takeover", takeover, "permessage-deflate; server_no_context_takeover", &deflate.Params{ServerNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}, false},
		{"client_no_context_takeover", takeover, "permessage-deflate; client_no_context_takeover", &deflate.Params{ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}, false},
		{"asked windows granted", asked, "permessage-deflate; server_max_window_bits=10; client_max_window_bits=11", &deflate.Params{ServerMaxWindowBits: 10, ClientMaxWindowBits: 11}, false},
		{"asked windows lowered", asked, "permessage-deflate; server_max_window_bits=8; client_max_window_bits=9", &deflate.Params{ServerMaxWindowBits: 8, ClientMaxWindowBits: 9}, false},
		{"offered client bits binds without answer", asked, "permessage-deflate; server_max_window_bits=10", &deflate.Params{ServerMaxWindowBits: 10, ClientMaxWindowBits: 11}, false},
		{"no context takeover granted", noTakeover, "permessage-deflate; server_no_context_takeover", &deflate.Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}, false},

		{"server_no_context_takeover missing", noTakeover, "permessage-deflate; client_no_context_takeover", nil, true},
		{"server bits over the asked", asked, "permessage-deflate; server_max_window_bits=11", nil, true},
		{"server bits missing", asked, "permessage-deflate; client_max_window_bits=11", nil, true},
		{"client bits over the offered", asked, "permessage-deflate; server_max_window_bits=10; client_max_window_bits=12", nil, true},
		{"client bits without value", takeover, "permessage-deflate; client_max_window_bits", nil, true},
		{"server bits without value", takeover, "permessage-deflate; server_max_window_bits", nil, true},
		{"bad value", takeover, "permessage-deflate; server_max_window_bits=16", nil, true},
		{"leading zero", takeover, "permessage-deflate; client_max_window_bits=010", nil, true},
		{"flag with value", takeover, "permessage-deflate; server_no_context_takeover=yes", nil, true},
		{"unknown parameter", takeover, "permessage-deflate; foo=1", nil, true},
		{"duplicate parameter", takeover, "permessage-deflate; server_max_window_bits=9; server_max_window_bits=9", nil, true},
		{"twice", takeover, "permessage-deflate, permessage-deflate", nil, true},
		{"not offered", nil, "permessage-deflate", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := deflate.Confirm(parseExt(t, tc.response), tc.opts)
			if tc.wantErr {
				if !errors.Is(err, deflate.ErrResponse) {
					t.Fatalf("Confirm(%q) error = %v, want ErrResponse", tc.response, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Confirm(%q): %v", tc.response, err)
			}
			if tc.params == nil {
				if cfg != nil {
					t.Fatalf("Confirm(%q) = %+v, want nil", tc.response, cfg.Params)
				}
				return
			}
			if cfg == nil {
				t.Fatalf("Confirm(%q) = nil, want %+v", tc.response, *tc.params)
			}
			if diff := cmp.Diff(*tc.params, cfg.Params); diff != "" {
				t.Errorf("Confirm(%q) params (-want +got):\n%s", tc.response, diff)
			}
		})
	}
}

func TestOptionsInvalid(t *testing.T) {
	for _, opts := range []*deflate.Options{
		{Mode: 3},
		{Mode: -1},
		{Mode: deflate.ContextTakeover, ServerMaxWindowBits: 16},
		{Mode: deflate.ContextTakeover, ClientMaxWindowBits: 7},
		{Mode: deflate.ContextTakeover, Level: 3},
	} {
		if _, err := deflate.Accept(nil, opts); !errors.Is(err, deflate.ErrOptions) {
			t.Errorf("Accept(%+v) error = %v, want ErrOptions", opts, err)
		}
		if _, err := deflate.Offer(opts); !errors.Is(err, deflate.ErrOptions) {
			t.Errorf("Offer(%+v) error = %v, want ErrOptions", opts, err)
		}
		if _, err := deflate.Confirm(nil, opts); !errors.Is(err, deflate.ErrOptions) {
			t.Errorf("Confirm(%+v) error = %v, want ErrOptions", opts, err)
		}
	}
}

// negotiateOptions are the option sets the end-to-end tests pair up.
func negotiateOptions() []*deflate.Options {
	var all []*deflate.Options
	for _, mode := range []deflate.Mode{deflate.NoContextTakeover, deflate.ContextTakeover} {
		for _, sb := range []int{0, 8, 10, 15} {
			for _, cb := range []int{0, 9, 12, 15} {
				all = append(all, &deflate.Options{Mode: mode, ServerMaxWindowBits: sb, ClientMaxWindowBits: cb})
			}
		}
	}
	return all
}

// TestNegotiateEndToEnd pairs every client and server option set: the
// client's offer goes through the header text to the server, the
// response back to the client, both sides must agree on the parameters,
// and messages must flow both ways with the encoders and decoders the
// configs make.
func TestNegotiateEndToEnd(t *testing.T) {
	msgs := [][]byte{corpusMessage("json", 3000), corpusMessage("json", 3000), noise(500, 1), corpusMessage("chat", 40000)}
	for _, copts := range negotiateOptions() {
		for _, sopts := range negotiateOptions() {
			offer, err := deflate.Offer(copts)
			if err != nil {
				t.Fatal(err)
			}
			scfg, err := deflate.Accept(parseExt(t, formatExt(offer...)), sopts)
			if err != nil || scfg == nil {
				t.Fatalf("client %+v, server %+v: Accept = %v, %v", copts, sopts, scfg, err)
			}
			ccfg, err := deflate.Confirm(parseExt(t, formatExt(scfg.Response())), copts)
			if err != nil || ccfg == nil {
				t.Fatalf("client %+v, server %+v: Confirm(%q) = %v, %v", copts, sopts, formatExt(scfg.Response()), ccfg, err)
			}
			if diff := cmp.Diff(scfg.Params, ccfg.Params); diff != "" {
				t.Fatalf("client %+v, server %+v: params differ (-server +client):\n%s", copts, sopts, diff)
			}
			p := scfg.Params
			if copts.Mode == deflate.NoContextTakeover && !(p.ServerNoContextTakeover && p.ClientNoContextTakeover) {
				t.Errorf("client %+v: no context takeover not agreed: %+v", copts, p)
			}
			if copts.ServerMaxWindowBits != 0 && p.ServerMaxWindowBits > copts.ServerMaxWindowBits {
				t.Errorf("client %+v: server window %d over the asked", copts, p.ServerMaxWindowBits)
			}
			want := sopts.ServerMaxWindowBits
			if want == 0 {
				want = deflate.DefaultServerWindowBits
			}
			if p.ServerMaxWindowBits > want {
				t.Errorf("server %+v: server window %d over its own limit", sopts, p.ServerMaxWindowBits)
			}
			exchange(t, scfg, ccfg, msgs)
		}
	}
}

// TestSendingReceiving checks which side's parameters each end uses: a
// server sends with the server's, a client with the client's.
func TestSendingReceiving(t *testing.T) {
	p := deflate.Params{ServerNoContextTakeover: true, ServerMaxWindowBits: 10, ClientMaxWindowBits: 12}
	for _, tc := range []struct {
		server             bool
		sendBits, recvBits int
		sendTake, recvTake bool
	}{
		{server: true, sendBits: 10, sendTake: false, recvBits: 12, recvTake: true},
		{server: false, sendBits: 12, sendTake: true, recvBits: 10, recvTake: false},
	} {
		c := &deflate.Config{Params: p, Server: tc.server}
		if bits, take := c.Sending(); bits != tc.sendBits || take != tc.sendTake {
			t.Errorf("server=%v: Sending() = %d, %v; want %d, %v", tc.server, bits, take, tc.sendBits, tc.sendTake)
		}
		if bits, take := c.Receiving(); bits != tc.recvBits || take != tc.recvTake {
			t.Errorf("server=%v: Receiving() = %d, %v; want %d, %v", tc.server, bits, take, tc.recvBits, tc.recvTake)
		}
	}
}

// exchange sends msgs both ways between two configs.
func exchange(t *testing.T, a, b *deflate.Config, msgs [][]byte) {
	t.Helper()
	for _, dir := range [][2]*deflate.Config{{a, b}, {b, a}} {
		e, d := dir[0].NewEncoder(), dir[1].NewDecoder()
		if e.WindowBits() != d.WindowBits() || e.ContextTakeover() != d.ContextTakeover() {
			t.Fatalf("encoder w%d/%v, decoder w%d/%v", e.WindowBits(), e.ContextTakeover(), d.WindowBits(), d.ContextTakeover())
		}
		sbits, stake := dir[0].Sending()
		rbits, rtake := dir[1].Receiving()
		if sbits != e.WindowBits() || stake != e.ContextTakeover() || rbits != d.WindowBits() || rtake != d.ContextTakeover() {
			t.Fatalf("Sending() = %d, %v and Receiving() = %d, %v; the coders they make: w%d/%v, w%d/%v",
				sbits, stake, rbits, rtake, e.WindowBits(), e.ContextTakeover(), d.WindowBits(), d.ContextTakeover())
		}
		for i, m := range msgs {
			got, err := d.Decompress(nil, e.Compress(nil, m), -1)
			if err != nil || !bytes.Equal(got, m) {
				t.Fatalf("%+v: message %d: %v", dir[0].Params, i, err)
			}
		}
	}
}

func TestShouldCompress(t *testing.T) {
	tests := []struct {
		opts *deflate.Options
		size int
		want bool
	}{
		{noTakeover, deflate.DefaultThreshold - 1, false},
		{noTakeover, deflate.DefaultThreshold, true},
		{takeover, deflate.DefaultThresholdContextTakeover - 1, false},
		{takeover, deflate.DefaultThresholdContextTakeover, true},
		{&deflate.Options{Mode: deflate.ContextTakeover, Threshold: -1}, 0, true},
		{&deflate.Options{Mode: deflate.ContextTakeover, Threshold: 1000}, 999, false},
	}
	for _, tc := range tests {
		cfg, err := deflate.Accept(parseExt(t, "permessage-deflate"), tc.opts)
		if err != nil || cfg == nil {
			t.Fatal(err)
		}
		if got := cfg.ShouldCompress(tc.size); got != tc.want {
			t.Errorf("threshold %d: ShouldCompress(%d) = %v, want %v", tc.opts.Threshold, tc.size, got, tc.want)
		}
	}
}

func TestModeString(t *testing.T) {
	for m, want := range map[deflate.Mode]string{deflate.Disabled: "disabled", deflate.NoContextTakeover: "no context takeover",
		deflate.ContextTakeover: "context takeover", 7: "Mode(7)"} {
		if got := m.String(); got != want {
			t.Errorf("Mode(%d).String() = %q, want %q", int(m), got, want)
		}
	}
}

// TestMemoryBudget checks how a budget lowers the window bits, the
// costlier direction first, down to no context takeover: on a server
// through the response to a browser's offer, on a client through its
// offer.
func TestMemoryBudget(t *testing.T) {
	budget := func(base *deflate.Options, n int) *deflate.Options {
		o := *base
		o.MemoryBudget = n
		return &o
	}
	const browser = "permessage-deflate; client_max_window_bits"
	servers := []struct {
		name     string
		opts     *deflate.Options
		response string
	}{
		{"fits 15/15", budget(wide, 1<<20), "permessage-deflate"},
		{"exactly 15/15", budget(wide, 2<<15+1<<15), "permessage-deflate"},
		{"encoder first", budget(wide, 64<<10), "permessage-deflate; server_max_window_bits=14"},
		{"exactly the default 12/12", budget(takeover, 2<<12+1<<12), "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12"},
		{"one byte short of 12/12", budget(takeover, 2<<12+1<<12-1), "permessage-deflate; server_max_window_bits=11; client_max_window_bits=12"},
		{"smallest windows", budget(takeover, 2<<8+1<<8), "permessage-deflate; server_max_window_bits=8; client_max_window_bits=8"},
		{"below the smallest", budget(wide, 2<<8+1<<8-1), "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
		{"no takeover mode ignores it", budget(noTakeover, 1), "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12"},
	}
	for _, tc := range servers {
		t.Run("server/"+tc.name, func(t *testing.T) {
			cfg, err := deflate.Accept(parseExt(t, browser), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := formatExt(cfg.Response()); got != tc.response {
				t.Errorf("response %q, want %q", got, tc.response)
			}
		})
	}
	clients := []struct {
		name  string
		opts  *deflate.Options
		offer string
	}{
		{"fits 15/15", budget(takeover, 100_000), "permessage-deflate; client_max_window_bits"},
		{"own window first", budget(takeover, 50_000), "permessage-deflate; client_max_window_bits=13"},
		{"both", budget(takeover, 20_000), "permessage-deflate; server_max_window_bits=13; client_max_window_bits=12"},
		{"below the smallest", budget(takeover, 500), "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits"},
	}
	for _, tc := range clients {
		t.Run("client/"+tc.name, func(t *testing.T) {
			exts, err := deflate.Offer(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := formatExt(exts...); got != tc.offer {
				t.Errorf("offer %q, want %q", got, tc.offer)
			}
		})
	}
	if _, err := deflate.Offer(budget(takeover, -1)); !errors.Is(err, deflate.ErrOptions) {
		t.Errorf("negative budget: %v, want ErrOptions", err)
	}
}
