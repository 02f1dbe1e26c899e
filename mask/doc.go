// Package mask applies the WebSocket masking transform of RFC 6455,
// Section 5.3: every payload byte is XORed with one byte of a 4-byte key,
// cycling through the key.
//
// Masking and unmasking are the same operation. [Apply] works in place and
// returns the key position to continue from, so a payload can be masked in
// chunks as it is read or written. [Copy] masks while copying, in one
// pass, for a payload that moves from one buffer to another anyway.
//
// # Speed
//
// On amd64 the work is done by AVX2 (or, lacking it, SSE2) assembly chosen
// once at start-up, which runs at about the speed of copying the buffer.
// Elsewhere, or when built with the purego tag, a portable word-at-a-time
// loop is used. Every implementation gives the same bytes.
package mask
