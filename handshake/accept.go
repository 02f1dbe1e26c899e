package handshake

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
)

// keyGUID is the globally unique identifier that RFC 6455, Section 1.3
// appends to Sec-WebSocket-Key before hashing.
const keyGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Sizes of the handshake keys, in bytes of their base64 text.
const (
	// KeyLen is the length of a valid Sec-WebSocket-Key: 16 random bytes
	// in base64 (RFC 6455, Section 4.1).
	KeyLen = 24
	// AcceptKeyLen is the length of a Sec-WebSocket-Accept value: a SHA-1
	// digest in base64.
	AcceptKeyLen = 28
)

// maxStackKey is the longest key hashed from a stack buffer; longer keys,
// which no valid request carries, go through an allocating hash.
const maxStackKey = 64

// AcceptKey returns the Sec-WebSocket-Accept value for a Sec-WebSocket-Key:
// the base64 encoding of the SHA-1 digest of key followed by the RFC 6455
// GUID (RFC 6455, Section 4.2.2). It does not check that key is valid.
func AcceptKey(key string) string {
	var buf [AcceptKeyLen]byte
	sum := acceptSum(key)
	base64.StdEncoding.Encode(buf[:], sum[:])
	return string(buf[:])
}

// AppendAcceptKey appends the Sec-WebSocket-Accept value for key to dst
// and returns the extended slice, like [AcceptKey]. It does not allocate
// when dst has [AcceptKeyLen] bytes of spare capacity and key is at most
// 64 bytes long.
func AppendAcceptKey(dst, key []byte) []byte {
	sum := acceptSum(key)
	return base64.StdEncoding.AppendEncode(dst, sum[:])
}

func acceptSum[S text](key S) [sha1.Size]byte {
	if len(key) > maxStackKey {
		h := sha1.New()
		h.Write([]byte(key))
		h.Write([]byte(keyGUID))
		var sum [sha1.Size]byte
		h.Sum(sum[:0])
		return sum
	}
	var buf [maxStackKey + len(keyGUID)]byte
	n := copy(buf[:], key)
	n += copy(buf[n:], keyGUID)
	return sha1.Sum(buf[:n])
}

// NewKey returns a fresh Sec-WebSocket-Key for a client: 16 bytes from
// crypto/rand in base64 (RFC 6455, Section 4.1). The error is that of
// crypto/rand, which current Go versions never return.
func NewKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b[:]), nil
}

// ValidKey reports whether key is a valid Sec-WebSocket-Key: the canonical
// base64 encoding, with padding, of exactly 16 bytes. Canonical means the
// unused low bits of the last character are zero, as every encoder
// writes them.
func ValidKey(key string) bool { return validKey(key) }

func validKey[S text](key S) bool {
	// 16 bytes are 128 bits: 21 full characters, one character carrying
	// the last 2 bits followed by 4 zero bits, and "==".
	if len(key) != KeyLen || key[22] != '=' || key[23] != '=' {
		return false
	}
	for i := 0; i < 22; i++ {
		v := base64Value[key[i]]
		if v < 0 || i == 21 && v&0x0f != 0 {
			return false
		}
	}
	return true
}

// base64Value maps a character of the standard base64 alphabet to its
// 6-bit value and every other byte to -1.
var base64Value = func() (t [256]int8) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()
