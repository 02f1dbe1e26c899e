//go:build linux

package protocol_test

import (
	"bytes"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/wirefast/websocket/protocol"
)

// TestUTF8StaysInBounds runs every implementation on texts that start
// right after, or end right before, a page that may not be read: a read
// outside the text crashes the test.
func TestUTF8StaysInBounds(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	if err := syscall.Mprotect(mem[2*page:], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	usable := mem[page : 2*page]
	src := bytes.Repeat([]byte("é世😀a"), 40)
	impls := utf8Impls(t)
	for n := 0; n <= len(src); n++ {
		first, last := usable[:n:n], usable[len(usable)-n:]
		copy(first, src)
		copy(last, src)
		for _, p := range [][]byte{first, last} {
			valid := utf8.Valid(p)
			for _, impl := range impls {
				if got := impl.Valid(p); got != valid {
					t.Fatalf("%s: ValidUTF8(%x) = %v, want %v", impl.Name, p, got, valid)
				}
				s := impl.Feed(protocol.UTF8Accept, p)
				if got, want := s != protocol.UTF8Reject, utf8FirstBad(p) == len(p); got != want {
					t.Fatalf("%s: Feed(%x) = %v, want %v", impl.Name, p, got, want)
				}
			}
		}
	}
}
