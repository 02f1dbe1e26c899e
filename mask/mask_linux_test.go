package mask_test

import (
	"bytes"
	"runtime/debug"
	"syscall"
	"testing"
)

// guardedPage returns one read-write page of memory between two pages that
// cannot be read or written, unmapped when the test ends.
func guardedPage(t *testing.T) []byte {
	ps := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*ps, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Munmap(mem); err != nil {
			t.Errorf("munmap: %v", err)
		}
	})
	for _, guard := range [][]byte{mem[:ps], mem[2*ps:]} {
		if err := syscall.Mprotect(guard, syscall.PROT_NONE); err != nil {
			t.Fatalf("mprotect: %v", err)
		}
	}
	return mem[ps : 2*ps]
}

// TestApplyGuardPages places the buffer right after and right before an
// inaccessible page, so that an implementation reading or writing even one
// byte outside it faults, and checks every implementation there.
func TestApplyGuardPages(t *testing.T) {
	ps := syscall.Getpagesize()
	var ns []int
	for n := 0; n <= 300; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 511, 512, 1000, 1023, 1024, 4000, ps-1, ps)

	forEachImpl(t, func(t *testing.T, im impl) {
		page := guardedPage(t)
		// Turn a fault into a panic that names the case; the setting
		// belongs to this goroutine only.
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		for _, n := range ns {
			for pos := range 4 {
				for _, where := range []string{"start", "end"} {
					b := page[:n]
					if where == "end" {
						b = page[ps-n:]
					}
					for i := range b {
						b[i] = byte(i*13 + n)
					}
					want := bytes.Clone(b)
					refApply(testKeys[0], pos, want)
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Fatalf("%s on %d bytes at the %s of a page, pos %d: %v", im.name, n, where, pos, r)
							}
						}()
						im.apply(testKeys[0], pos, b)
					}()
					if !bytes.Equal(b, want) {
						t.Fatalf("%s on %d bytes at the %s of a page, pos %d: got %x, want %x", im.name, n, where, pos, b, want)
					}
				}
			}
		}
	})
}
