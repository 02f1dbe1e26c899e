package handshake_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wirefast/websocket/handshake"
)

type (
	ext   = handshake.Extension
	param = handshake.Param
)

var extensionCases = []struct {
	name   string
	values []string
	want   []ext
	format string // AppendExtensions of want
}{
	{"rfc 7692 offer", []string{"permessage-deflate; client_max_window_bits"},
		[]ext{{"permessage-deflate", []param{{"client_max_window_bits", ""}}}},
		"permessage-deflate; client_max_window_bits"},
	{"two offers", []string{"permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate"},
		[]ext{
			{"permessage-deflate", []param{{"client_max_window_bits", ""}, {"server_max_window_bits", "10"}}},
			{"permessage-deflate", nil},
		},
		"permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate"},
	{"several fields", []string{"foo", "bar; baz=2"},
		[]ext{{"foo", nil}, {"bar", []param{{"baz", "2"}}}},
		"foo, bar; baz=2"},
	{"quoted value", []string{`x; a="10"`}, []ext{{"x", []param{{"a", "10"}}}}, "x; a=10"},
	{"quoted escapes", []string{`x; a="\1\0"`}, []ext{{"x", []param{{"a", "10"}}}}, "x; a=10"},
	{"whitespace everywhere", []string{" \tx \t;\t a \t=\t 1 \t; b ,\t y\t"},
		[]ext{{"x", []param{{"a", "1"}, {"b", ""}}}, {"y", nil}}, "x; a=1; b, y"},
	{"no spaces", []string{"x;a=1;b,y"}, []ext{{"x", []param{{"a", "1"}, {"b", ""}}}, {"y", nil}}, "x; a=1; b, y"},
	{"empty elements", []string{",, x ,, , y,"}, []ext{{"x", nil}, {"y", nil}}, "x, y"},
	{"token chars", []string{"!#$%&'*+-.^_`|~; A9=~z"}, []ext{{"!#$%&'*+-.^_`|~", []param{{"A9", "~z"}}}}, "!#$%&'*+-.^_`|~; A9=~z"},
	{"repeated params kept", []string{"x; a; a=1"}, []ext{{"x", []param{{"a", ""}, {"a", "1"}}}}, "x; a; a=1"},
	{"case kept", []string{"Permessage-Deflate; Client_Max_Window_Bits"},
		[]ext{{"Permessage-Deflate", []param{{"Client_Max_Window_Bits", ""}}}}, "Permessage-Deflate; Client_Max_Window_Bits"},
	{"no values", nil, nil, ""},
}

func TestParseExtensions(t *testing.T) {
	for _, tc := range extensionCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := handshake.ParseExtensions(tc.values)
			if err != nil {
				t.Fatalf("ParseExtensions(%q) error %v", tc.values, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseExtensions(%q) mismatch (-want +got):\n%s", tc.values, diff)
			}
			out := handshake.AppendExtensions(nil, got)
			if string(out) != tc.format {
				t.Errorf("AppendExtensions(%v) = %q, want %q", got, out, tc.format)
			}
			back, err := handshake.ParseExtensions([]string{string(out)})
			if len(got) == 0 {
				return // "" has no extension and does not parse
			}
			if err != nil {
				t.Fatalf("ParseExtensions(%q) error %v", out, err)
			}
			if diff := cmp.Diff(got, back); diff != "" {
				t.Errorf("round trip through %q mismatch (-want +got):\n%s", out, diff)
			}
		})
	}
}

func TestParseExtensionsErrors(t *testing.T) {
	tests := []struct {
		name   string
		values []string
	}{
		{"empty value", []string{""}},
		{"only commas", []string{" , ,"}},
		{"second value empty", []string{"x", ""}},
		{"trailing semicolon", []string{"x;"}},
		{"leading semicolon", []string{";x"}},
		{"empty param", []string{"x;;a"}},
		{"missing value", []string{"x; a="}},
		{"missing value before next", []string{"x; a=; b"}},
		{"missing name", []string{"x; =1"}},
		{"two equals", []string{"x; a==1"}},
		{"space in name", []string{"per message"}},
		{"space in value", []string{"x; a=1 2"}},
		{"separator in name", []string{"x/y"}},
		{"separator in value", []string{"x; a=1/2"}},
		{"unterminated quote", []string{`x; a="10`}},
		{"empty quoted", []string{`x; a=""`}},
		{"quoted space", []string{`x; a="1 0"`}},
		{"quoted comma", []string{`x; a="1,0"`}},
		{"quoted escaped quote", []string{`x; a="\""`}},
		{"quoted escaped space", []string{`x; a="\ "`}},
		{"quoted trailing backslash", []string{`x; a="1\`}},
		{"quoted then junk", []string{`x; a="1"2`}},
		{"quoted name", []string{`"x"`}},
		{"non-ASCII", []string{"caf\xc3\xa9"}},
		{"control", []string{"x;\x00a"}},
		{"bad second field", []string{"x", "y;"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := handshake.ParseExtensions(tc.values)
			if !errors.Is(err, handshake.ErrBadExtensions) || got != nil {
				t.Errorf("ParseExtensions(%q) = %v, %v, want nil, ErrBadExtensions", tc.values, got, err)
			}
		})
	}
}

func TestExtensionString(t *testing.T) {
	e := ext{"permessage-deflate", []param{{"server_no_context_takeover", ""}, {"client_max_window_bits", "12"}}}
	if got, want := e.String(), "permessage-deflate; server_no_context_takeover; client_max_window_bits=12"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestAppendExtensionsPanics(t *testing.T) {
	tests := []struct {
		name string
		exts []ext
	}{
		{"empty name", []ext{{}}},
		{"name with space", []ext{{Name: "a b"}}},
		{"param name", []ext{{"x", []param{{"a=b", ""}}}}},
		{"empty param name", []ext{{"x", []param{{"", "1"}}}}},
		{"param value", []ext{{"x", []param{{"a", "1\r\nX: y"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("AppendExtensions(%v) did not panic", tc.exts)
				}
			}()
			handshake.AppendExtensions(nil, tc.exts)
		})
	}
}

func TestParseExtensionsSharesInput(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := handshake.ParseExtensions([]string{"permessage-deflate; client_max_window_bits"}); err != nil {
			t.Fatal(err)
		}
	})
	// The Extension slice and the Param slice; names are substrings.
	if allocs > 2 {
		t.Errorf("ParseExtensions allocates %v times, want at most 2", allocs)
	}
}
