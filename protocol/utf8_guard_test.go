//go:build linux

package protocol_test

import (
	"bytes"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/wirefast/websocket/mask"
	"github.com/wirefast/websocket/protocol"
)

// guardedPage returns a page of memory between two that may be neither
// read nor written: an access outside it crashes the test.
func guardedPage(t *testing.T) []byte {
	t.Helper()
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	if err := syscall.Mprotect(mem[2*page:], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	return mem[page : 2*page]
}

// TestUTF8StaysInBounds runs every implementation on texts that start
// right after, or end right before, a page that may not be read: a read
// outside the text crashes the test.
func TestUTF8StaysInBounds(t *testing.T) {
	usable := guardedPage(t)
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

// TestFeedMaskedStaysInBounds runs FeedMasked and ValidUTF8Masked, in
// place and from one buffer into another, on texts that start right after, or end right
// before, a page that may be neither read nor written.
func TestFeedMaskedStaysInBounds(t *testing.T) {
	usable := guardedPage(t)
	text := bytes.Repeat([]byte("é世😀a"), 40)
	key := [4]byte{0x31, 0x41, 0x59, 0x26}
	for n := 0; n <= len(text); n++ {
		masked := bytes.Clone(text[:n])
		mask.Apply(key, n%4, masked)
		// src at the start of the page, dst at its end, and the other
		// way round; then in place at either end.
		pairs := [][2][]byte{
			{usable[len(usable)-n:], usable[:n:n]},
			{usable[:n:n], usable[len(usable)-n:]},
			{usable[:n:n], usable[:n:n]},
			{usable[len(usable)-n:], usable[len(usable)-n:]},
		}
		for _, pair := range pairs {
			dst, src := pair[0], pair[1]
			copy(src, masked)
			var v protocol.UTF8Validator
			_, _, ok := v.FeedMasked(key, n%4, dst, src)
			if !ok || v.Done() != utf8.Valid(text[:n]) || !bytes.Equal(dst, text[:n]) {
				t.Fatalf("FeedMasked of %d bytes: ok %v, done %v, unmasked right %v", n, ok, v.Done(), bytes.Equal(dst, text[:n]))
			}
			copy(src, masked)
			if _, ok := protocol.ValidUTF8Masked(key, n%4, dst, src); ok != utf8.Valid(text[:n]) || !bytes.Equal(dst, text[:n]) {
				t.Fatalf("ValidUTF8Masked of %d bytes: ok %v, unmasked right %v", n, ok, bytes.Equal(dst, text[:n]))
			}
		}
	}
}
