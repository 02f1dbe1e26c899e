package autobahn

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseExtensions(t *testing.T) {
	tests := []struct {
		in      []string
		want    []extension
		wantErr bool
	}{
		{[]string{"permessage-deflate"}, []extension{{name: "permessage-deflate"}}, false},
		{[]string{`permessage-deflate; client_max_window_bits; server_max_window_bits="10"`, "x-foo"},
			[]extension{{name: "permessage-deflate", params: []extParam{{name: "client_max_window_bits"}, {name: "server_max_window_bits", value: "10", hasValue: true}}}, {name: "x-foo"}}, false},
		{[]string{"a, b ;c=1"}, []extension{{name: "a"}, {name: "b", params: []extParam{{name: "c", value: "1", hasValue: true}}}}, false},
		{[]string{""}, nil, false},
		{[]string{"bad name"}, nil, true},
		{[]string{"a; =1"}, nil, true},
		{[]string{"a; b=\"x y\""}, nil, true},
	}
	for _, tc := range tests {
		got, err := parseExtensions(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseExtensions(%q) err = %v, wantErr %v", tc.in, err, tc.wantErr)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(extension{}, extParam{})); diff != "" && !tc.wantErr {
			t.Errorf("parseExtensions(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestClientAccept(t *testing.T) {
	tests := []struct {
		name    string
		resp    []string
		want    *pmdSetup
		wantErr bool
	}{
		{"declined", nil, nil, false},
		{"plain", []string{"permessage-deflate"}, &pmdSetup{txWindow: 15, rxWindow: 15, response: "permessage-deflate"}, false},
		{"all parameters", []string{"permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_no_context_takeover; client_max_window_bits=12"},
			&pmdSetup{txWindow: 12, rxWindow: 9, txNoContext: true, rxNoContext: true,
				response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_no_context_takeover; client_max_window_bits=12"}, false},
		{"bare client_max_window_bits", []string{"permessage-deflate; client_max_window_bits"}, nil, true},
		{"bare server_max_window_bits", []string{"permessage-deflate; server_max_window_bits"}, nil, true},
		{"window 16", []string{"permessage-deflate; server_max_window_bits=16"}, nil, true},
		{"window 7", []string{"permessage-deflate; client_max_window_bits=7"}, nil, true},
		{"unknown parameter", []string{"permessage-deflate; foo"}, nil, true},
		{"duplicate parameter", []string{"permessage-deflate; client_no_context_takeover; client_no_context_takeover"}, nil, true},
		{"two entries", []string{"permessage-deflate, permessage-deflate"}, nil, true},
		{"not offered", []string{"x-webkit-deflate-frame"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := clientAccept(tc.resp)
			if (err != nil) != tc.wantErr {
				t.Fatalf("clientAccept(%q) err = %v, wantErr %v", tc.resp, err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrHandshake) {
				t.Errorf("clientAccept(%q) err = %v, want ErrHandshake", tc.resp, err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(pmdSetup{})); diff != "" {
				t.Errorf("clientAccept(%q) (-want +got):\n%s", tc.resp, diff)
			}
		})
	}
}

// TestServerAccept checks the acceptance policies of 13.1-13.7 against
// the offers python-websockets and Node ws clients make.
func TestServerAccept(t *testing.T) {
	bare := []string{"permessage-deflate; client_max_window_bits"}
	none := []string{"permessage-deflate"}
	tests := []struct {
		name     string
		offers   []string
		policies []pmdPolicy
		want     *pmdSetup
		wantErr  bool
	}{
		{"13.1", bare, []pmdPolicy{policy131}, &pmdSetup{txWindow: 15, rxWindow: 15, response: "permessage-deflate"}, false},
		{"13.2", none, []pmdPolicy{policy132}, &pmdSetup{txWindow: 15, rxWindow: 15, rxNoContext: true,
			response: "permessage-deflate; client_no_context_takeover"}, false},
		{"13.3", bare, []pmdPolicy{policy133}, &pmdSetup{txWindow: 15, rxWindow: 9,
			response: "permessage-deflate; client_max_window_bits=9"}, false},
		{"13.3 declines", none, []pmdPolicy{policy133}, nil, false},
		{"13.5 echoes server parameters", []string{"permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits"},
			[]pmdPolicy{policy135}, &pmdSetup{txWindow: 10, rxWindow: 9, txNoContext: true, rxNoContext: true,
				response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_no_context_takeover; client_max_window_bits=9"}, false},
		{"13.7 falls back to 13.2", none, []pmdPolicy{policy135, policy132, policy131}, &pmdSetup{txWindow: 15, rxWindow: 15, rxNoContext: true,
			response: "permessage-deflate; client_no_context_takeover"}, false},
		{"other extensions ignored", []string{"x-foo; bar=1", "permessage-deflate"}, []pmdPolicy{policy131}, &pmdSetup{txWindow: 15, rxWindow: 15, response: "permessage-deflate"}, false},
		{"no offer", nil, []pmdPolicy{policy131}, nil, false},
		{"bare server_max_window_bits", []string{"permessage-deflate; server_max_window_bits"}, []pmdPolicy{policy131}, nil, true},
		{"unknown parameter", []string{"permessage-deflate; foo=1"}, []pmdPolicy{policy131}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := serverAccept(tc.offers, tc.policies)
			if (err != nil) != tc.wantErr {
				t.Fatalf("serverAccept(%q) err = %v, wantErr %v", tc.offers, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(pmdSetup{})); diff != "" {
				t.Errorf("serverAccept(%q) (-want +got):\n%s", tc.offers, diff)
			}
		})
	}
}

func TestOffers(t *testing.T) {
	tests := map[string]string{
		"13.1": "permessage-deflate; client_no_context_takeover; client_max_window_bits",
		"13.2": "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover",
		"13.3": "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=9",
		"13.6": "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; server_max_window_bits=15",
		"13.7": "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; server_max_window_bits=9, " +
			"permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover, " +
			"permessage-deflate; client_no_context_takeover; client_max_window_bits",
		"12.4": "permessage-deflate; client_no_context_takeover; client_max_window_bits",
	}
	for sub, want := range tests {
		l := CaseByID(sub + ".1").logic.(deflateLogic)
		if got := l.offer(); got != want {
			t.Errorf("%s offer = %q, want %q", sub, got, want)
		}
	}
}

func TestHandshakeKeys(t *testing.T) {
	// RFC 6455, Section 1.3.
	if got, want := acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Errorf("acceptKey = %q, want %q", got, want)
	}
	if hasToken([]string{"keep-alive, Upgrade"}, "upgrade") != true || hasToken([]string{"keep-alive"}, "upgrade") {
		t.Error("hasToken misjudges Connection values")
	}
}
