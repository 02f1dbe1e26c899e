package protocol_test

import (
	"fmt"

	"github.com/wirefast/websocket/mask"
	"github.com/wirefast/websocket/protocol"
)

// A text message arrives in three fragments; the second holds the start of
// a code point above U+10FFFF (Autobahn case 6.4.1). The validator fails
// on that fragment, so the connection can be failed with close code 1007
// before the third fragment arrives.
func ExampleUTF8Validator() {
	fragments := [][]byte{
		[]byte("κόσμε"),
		[]byte("\xf4\x90\x80\x80"),
		[]byte("edited"),
	}
	var v protocol.UTF8Validator
	for i, f := range fragments {
		if !v.Feed(f) {
			fmt.Printf("fragment %d: invalid UTF-8, fail with close code %d\n", i, protocol.ErrInvalidUTF8.Code)
			return
		}
		fmt.Printf("fragment %d: ok so far\n", i)
	}
	// Output:
	// fragment 0: ok so far
	// fragment 1: invalid UTF-8, fail with close code 1007
}

// A fragment may end inside a code point: Feed accepts it, and Done tells
// whether the message ended complete.
func ExampleUTF8Validator_Done() {
	euro := []byte("€") // E2 82 AC
	var v protocol.UTF8Validator
	fmt.Println(v.Feed(euro[:2]), v.Done())
	fmt.Println(v.Feed(euro[2:]), v.Done())
	v.Reset()
	fmt.Println(v.Feed(euro[:1]), v.Done())
	// Output:
	// true false
	// true true
	// true false
}

func ExampleValidUTF8() {
	fmt.Println(protocol.ValidUTF8([]byte("normal closure")))
	fmt.Println(protocol.ValidUTF8([]byte("\xed\xa0\x80"))) // the surrogate U+D800
	// Output:
	// true
	// false
}

// A server reads a client's text frame, masked, in two pieces as they
// come off the socket: FeedMasked unmasks each in place and validates it,
// carrying the key position and the code point cut between the pieces.
func ExampleUTF8Validator_FeedMasked() {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	payload := []byte("Grüße 😀")
	mask.Apply(key, 0, payload) // as the client sent it
	var v protocol.UTF8Validator
	_, pos, ok := v.FeedMasked(key, 0, payload[:10], payload[:10]) // ends inside 😀
	fmt.Println(ok, v.Done())
	_, _, ok = v.FeedMasked(key, pos, payload[10:], payload[10:])
	fmt.Println(ok, v.Done(), string(payload))
	// Output:
	// true false
	// true true Grüße 😀
}

// A frame whose payload is whole in a read buffer is copied out,
// unmasked and validated at once.
func ExampleValidUTF8Masked() {
	key := [4]byte{1, 2, 3, 4}
	frame := []byte("café")
	mask.Apply(key, 0, frame)
	msg := make([]byte, len(frame))
	n, ok := protocol.ValidUTF8Masked(key, 0, msg, frame)
	fmt.Println(n, ok, string(msg))
	// Output:
	// 5 true café
}
