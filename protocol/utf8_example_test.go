package protocol_test

import (
	"fmt"

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
