package handshake_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket/handshake"
)

func TestSelectSubprotocol(t *testing.T) {
	tests := []struct {
		name               string
		offered, supported []string
		want               string
	}{
		{"server preference wins", []string{"v1.chat, v2.chat"}, []string{"v2.chat", "v1.chat"}, "v2.chat"},
		{"server preference over lines", []string{"v1.chat", "v2.chat"}, []string{"v2.chat", "v1.chat"}, "v2.chat"},
		{"only common one", []string{"chat, superchat"}, []string{"mqtt", "superchat"}, "superchat"},
		{"case sensitive", []string{"Chat"}, []string{"chat"}, ""},
		{"none offered", nil, []string{"chat"}, ""},
		{"none supported", []string{"chat"}, nil, ""},
		{"no common one", []string{"a, b"}, []string{"c"}, ""},
		{"whitespace and empty elements", []string{" ,\tchat\t, "}, []string{"chat"}, "chat"},
		{"no prefix match", []string{"chatty"}, []string{"chat"}, ""},
		{"empty supported never matches", []string{"a,,b"}, []string{""}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := handshake.SelectSubprotocol(tc.offered, tc.supported); got != tc.want {
				t.Errorf("SelectSubprotocol(%q, %q) = %q, want %q", tc.offered, tc.supported, got, tc.want)
			}
		})
	}
}

func TestSelectSubprotocolAllocs(t *testing.T) {
	offered, supported := []string{"v1.chat, v2.chat", "v3.chat"}, []string{"v4.chat", "v3.chat"}
	if allocs := testing.AllocsPerRun(100, func() { handshake.SelectSubprotocol(offered, supported) }); allocs != 0 {
		t.Errorf("SelectSubprotocol allocates %v times, want 0", allocs)
	}
}

func TestParseSubprotocols(t *testing.T) {
	tests := []struct {
		values  []string
		want    []string
		wantErr error
	}{
		{[]string{"chat, superchat"}, []string{"chat", "superchat"}, nil},
		{[]string{"chat", " ,superchat,\t"}, []string{"chat", "superchat"}, nil},
		{nil, nil, nil},
		{[]string{""}, nil, handshake.ErrBadSubprotocol},
		{[]string{","}, nil, handshake.ErrBadSubprotocol},
		{[]string{"chat", "a b"}, nil, handshake.ErrBadSubprotocol},
		{[]string{"chat;q=1"}, nil, handshake.ErrBadSubprotocol},
		{[]string{`"chat"`}, nil, handshake.ErrBadSubprotocol},
	}
	for _, tc := range tests {
		got, err := handshake.ParseSubprotocols(tc.values)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("ParseSubprotocols(%q) error = %v, want %v", tc.values, err, tc.wantErr)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseSubprotocols(%q) mismatch (-want +got):\n%s", tc.values, diff)
		}
	}
}
