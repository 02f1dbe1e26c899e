package protocol_test

import (
	"fmt"

	"github.com/wirefast/websocket/protocol"
)

// The masked "Hello" frame of RFC 6455, Section 5.7.
func ExampleDecodeHeader() {
	frame := []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}
	h, n, err := protocol.DecodeHeader(frame)
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Fin, h.Opcode, h.Masked, h.Length, n)
	// Output: true text true 5 6
}

func ExampleEncodeHeader() {
	var buf [protocol.MaxHeaderSize]byte
	n := protocol.EncodeHeader(&buf, protocol.Header{Fin: true, Opcode: protocol.OpBinary, Length: 256})
	fmt.Printf("% x\n", buf[:n])
	// Output: 82 7e 01 00
}

// A loop that writes many frames keeps one Header, sets its fields per
// frame and encodes it through a pointer.
func ExampleHeader_Encode() {
	var (
		h   protocol.Header
		buf [protocol.MaxHeaderSize]byte
	)
	for _, size := range []int64{5, 70000} {
		h.Fin, h.Opcode, h.Length = true, protocol.OpBinary, size
		n := h.Encode(&buf)
		fmt.Printf("% x\n", buf[:n])
	}
	// Output:
	// 82 05
	// 82 7f 00 00 00 00 00 01 11 70
}

func ExampleChecker() {
	c := protocol.Checker{Role: protocol.RoleClient}
	fmt.Println(c.Check(&protocol.Header{Opcode: protocol.OpText, Length: 3}))
	fmt.Println(c.Check(&protocol.Header{Fin: true, Opcode: protocol.OpText, Length: 2}))
	err := c.Check(&protocol.Header{Fin: true, Opcode: 0x3})
	code, _ := protocol.CloseCodeOf(err)
	fmt.Println(err, code, int(code))
	// Output:
	// <nil>
	// protocol: new data frame inside a fragmented message
	// protocol: reserved opcode protocol error 1002
}

func ExampleDecodeClosePayload() {
	code, reason, err := protocol.DecodeClosePayload([]byte("\x0f\xa0done"))
	fmt.Println(int(code), reason, err)
	_, _, err = protocol.DecodeClosePayload([]byte{0x03, 0xed})
	fmt.Println(err)
	// Output:
	// 4000 done <nil>
	// protocol: invalid close code
}

func ExampleAppendClosePayload() {
	p, err := protocol.AppendClosePayload(nil, protocol.CloseGoingAway, "restart")
	fmt.Printf("%q %v\n", p, err)
	// Output: "\x03\xe9restart" <nil>
}
