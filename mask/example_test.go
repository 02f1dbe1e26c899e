package mask_test

import (
	"fmt"

	"github.com/wirefast/websocket/mask"
)

// ExampleApply masks the payload of the single-frame masked text message
// in RFC 6455, Section 5.7, and unmasks it again.
func ExampleApply() {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	payload := []byte("Hello")

	mask.Apply(key, 0, payload)
	fmt.Printf("% x\n", payload)

	mask.Apply(key, 0, payload)
	fmt.Printf("%s\n", payload)
	// Output:
	// 7f 9f 4d 51 58
	// Hello
}

// ExampleApply_chunks unmasks a payload that arrives in pieces, carrying
// the key position from one piece to the next.
func ExampleApply_chunks() {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	chunks := [][]byte{{0x7f, 0x9f, 0x4d}, {0x51, 0x58}}

	pos := 0
	for _, chunk := range chunks {
		pos = mask.Apply(key, pos, chunk)
		fmt.Printf("%q, next key position %d\n", chunk, pos)
	}
	// Output:
	// "Hel", next key position 3
	// "lo", next key position 1
}

// ExampleCopy unmasks the masked payload of RFC 6455, Section 5.7, while
// copying it out of a read buffer into the message.
func ExampleCopy() {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	wire := []byte{0x7f, 0x9f, 0x4d, 0x51, 0x58}
	msg := make([]byte, len(wire))

	n, next := mask.Copy(key, 0, msg, wire)
	fmt.Printf("%q, %d bytes, next key position %d\n", msg, n, next)
	// Output:
	// "Hello", 5 bytes, next key position 1
}
