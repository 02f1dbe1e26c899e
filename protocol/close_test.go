package protocol_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/wirefast/websocket/protocol"
)

func TestCloseCodeValidOnWire(t *testing.T) {
	valid := map[protocol.CloseCode]bool{}
	for c := 1000; c <= 1003; c++ {
		valid[protocol.CloseCode(c)] = true
	}
	for c := 1007; c <= 1014; c++ {
		valid[protocol.CloseCode(c)] = true
	}
	for c := 3000; c <= 4999; c++ {
		valid[protocol.CloseCode(c)] = true
	}
	for c := range 1 << 16 {
		code := protocol.CloseCode(c)
		if got := code.ValidOnWire(); got != valid[code] {
			t.Errorf("CloseCode(%d).ValidOnWire() = %v, want %v", c, got, valid[code])
		}
	}
}

func TestCloseCodeString(t *testing.T) {
	tests := []struct {
		code protocol.CloseCode
		want string
	}{
		{protocol.CloseNormal, "normal closure"},
		{protocol.CloseMessageTooBig, "message too big"},
		{4000, "4000"},
	}
	for _, tc := range tests {
		if got := tc.code.String(); got != tc.want {
			t.Errorf("CloseCode(%d).String() = %q, want %q", tc.code, got, tc.want)
		}
	}
}

func TestDecodeClosePayload(t *testing.T) {
	long := strings.Repeat("x", protocol.MaxCloseReason)
	tests := []struct {
		name       string
		payload    []byte
		wantCode   protocol.CloseCode
		wantReason string
		wantErr    error
	}{
		{"empty", nil, protocol.CloseNoStatus, "", nil},
		{"code only", []byte{0x03, 0xe8}, protocol.CloseNormal, "", nil},
		{"code and reason", []byte("\x03\xe8bye"), protocol.CloseNormal, "bye", nil},
		{"utf-8 reason", []byte("\x0f\xa0κόσμε"), 4000, "κόσμε", nil},
		{"longest reason", append([]byte{0x03, 0xe8}, long...), protocol.CloseNormal, long, nil},
		{"1014", []byte{0x03, 0xf6}, protocol.CloseBadGateway, "", nil},
		{"4999", []byte{0x13, 0x87}, 4999, "", nil},
		{"one byte", []byte{0x03}, 0, "", protocol.ErrCloseLength},
		{"too long", append([]byte{0x03, 0xe8}, long+"x"...), 0, "", protocol.ErrControlTooLong},
		{"code 0", []byte{0, 0}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 999", []byte{0x03, 0xe7}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 1004", []byte{0x03, 0xec}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 1005", []byte{0x03, 0xed}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 1006", []byte{0x03, 0xee}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 1015", []byte{0x03, 0xf7}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 1016", []byte{0x03, 0xf8}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 1100", []byte{0x04, 0x4c}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 2000", []byte{0x07, 0xd0}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 2999", []byte{0x0b, 0xb7}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 5000", []byte{0x13, 0x88}, 0, "", protocol.ErrInvalidCloseCode},
		{"code 65535", []byte{0xff, 0xff}, 0, "", protocol.ErrInvalidCloseCode},
		{"invalid utf-8", []byte("\x03\xe8\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"), 0, "", protocol.ErrInvalidCloseReason},
		{"truncated utf-8", []byte("\x03\xe8\xe2\x82"), 0, "", protocol.ErrInvalidCloseReason},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, reason, err := protocol.DecodeClosePayload(tc.payload)
			if code != tc.wantCode || reason != tc.wantReason || !errors.Is(err, tc.wantErr) {
				t.Errorf("DecodeClosePayload(%x) = %d, %q, %v, want %d, %q, %v",
					tc.payload, code, reason, err, tc.wantCode, tc.wantReason, tc.wantErr)
			}
		})
	}
}

func TestCloseErrorCodes(t *testing.T) {
	tests := []struct {
		err  error
		want protocol.CloseCode
	}{
		{protocol.ErrCloseLength, protocol.CloseProtocolError},
		{protocol.ErrInvalidCloseCode, protocol.CloseProtocolError},
		{protocol.ErrInvalidCloseReason, protocol.CloseInvalidPayload},
		{protocol.ErrInvalidUTF8, protocol.CloseInvalidPayload},
		{protocol.ErrMessageTooBig, protocol.CloseMessageTooBig},
	}
	for _, tc := range tests {
		if got, ok := protocol.CloseCodeOf(tc.err); !ok || got != tc.want {
			t.Errorf("CloseCodeOf(%v) = %d, %v, want %d, true", tc.err, got, ok, tc.want)
		}
	}
	if _, ok := protocol.CloseCodeOf(protocol.ErrNeedMore); ok {
		t.Error("CloseCodeOf(ErrNeedMore) reports a close code")
	}
}

func TestAppendClosePayload(t *testing.T) {
	long := strings.Repeat("x", protocol.MaxCloseReason)
	tests := []struct {
		name    string
		code    protocol.CloseCode
		reason  string
		want    []byte
		wantErr error
	}{
		{"no status", protocol.CloseNoStatus, "", nil, nil},
		{"normal", protocol.CloseNormal, "", []byte{0x03, 0xe8}, nil},
		{"with reason", 4000, "done", []byte("\x0f\xa0done"), nil},
		{"longest reason", protocol.CloseNormal, long, append([]byte{0x03, 0xe8}, long...), nil},
		{"reason too long", protocol.CloseNormal, long + "x", nil, protocol.ErrCloseReasonTooLong},
		{"invalid code", 1005, "x", nil, protocol.ErrInvalidCloseCode},
		{"invalid code 0", 0, "", nil, protocol.ErrInvalidCloseCode},
		{"invalid reason", protocol.CloseNormal, "\xff", nil, protocol.ErrInvalidCloseReason},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := protocol.AppendClosePayload(nil, tc.code, tc.reason)
			if !bytes.Equal(got, tc.want) || !errors.Is(err, tc.wantErr) {
				t.Errorf("AppendClosePayload(nil, %d, %q) = %x, %v, want %x, %v", tc.code, tc.reason, got, err, tc.want, tc.wantErr)
			}
			if err != nil {
				return
			}
			code, reason, err := protocol.DecodeClosePayload(got)
			if err != nil || code != tc.code || reason != tc.reason {
				t.Errorf("DecodeClosePayload(%x) = %d, %q, %v, want %d, %q, nil", got, code, reason, err, tc.code, tc.reason)
			}
		})
	}
}
