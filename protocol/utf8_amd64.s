//go:build !purego

#include "textflag.h"

// The lookup algorithm of Keiser and Lemire, "Validating UTF-8 in less
// than one instruction per byte" (2021), over 64-, 32- and 16-byte blocks.
//
// Every invalid text has a bad pair of adjacent bytes, or a lead byte of
// three or four bytes not followed by enough continuation bytes. For the
// pairs, three 16-entry tables map the high nibble of the previous byte,
// its low nibble and the high nibble of the current byte to sets of error
// classes; a pair is bad when the three sets share a class:
//
//	0x01 too short: lead byte followed by a lead byte or ASCII
//	0x02 too long: ASCII followed by a continuation byte
//	0x04 overlong 3: E0 followed by 80..9F
//	0x08 too large: F4 followed by 90..BF, or F5..FF by 90..BF
//	0x10 surrogate: ED followed by A0..BF
//	0x20 overlong 2: C0 or C1 followed by a continuation byte
//	0x40 overlong 4: F0 followed by 80..8F; too large: F5..FF by 80..8F
//	0x80 two continuation bytes in a row
//
// Two continuation bytes in a row are right exactly when the current
// byte is the third or fourth of a sequence, that is when the byte two
// back is E0..FF or the byte three back is F0..FF: that expectation is
// XORed into class 0x80. A sequence left unfinished at the end of the
// text is caught by its last bytes, or by zero bytes after it.

// utf8Byte1High is indexed by the high nibble of the previous byte.
DATA utf8Byte1High<>+0(SB)/8, $0x0202020202020202 // 0_: ASCII
DATA utf8Byte1High<>+8(SB)/8, $0x4915012180808080 // 8_..B_ continuation, C_, D_, E_, F_
GLOBL utf8Byte1High<>(SB), RODATA|NOPTR, $16

// utf8Byte1Low is indexed by the low nibble of the previous byte.
DATA utf8Byte1Low<>+0(SB)/8, $0xcbcbcb8b8383a3e7 // _0, _1, _2, _3, _4, _5.._7
DATA utf8Byte1Low<>+8(SB)/8, $0xcbcbdbcbcbcbcbcb // _8.._C, _D, _E, _F
GLOBL utf8Byte1Low<>(SB), RODATA|NOPTR, $16

// utf8Byte2High is indexed by the high nibble of the current byte.
DATA utf8Byte2High<>+0(SB)/8, $0x0101010101010101 // 0_..7_: ASCII
DATA utf8Byte2High<>+8(SB)/8, $0x01010101babaaee6 // 8_, 9_, A_, B_, C_..F_
GLOBL utf8Byte2High<>(SB), RODATA|NOPTR, $16

DATA utf8Nibble<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA utf8Nibble<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL utf8Nibble<>(SB), RODATA|NOPTR, $16

// A byte minus utf8Third, saturated, has its high bit set exactly when the
// byte is E0..FF; minus utf8Fourth, when it is F0..FF.
DATA utf8Third<>+0(SB)/8, $0x6060606060606060
DATA utf8Third<>+8(SB)/8, $0x6060606060606060
GLOBL utf8Third<>(SB), RODATA|NOPTR, $16

DATA utf8Fourth<>+0(SB)/8, $0x7070707070707070
DATA utf8Fourth<>+8(SB)/8, $0x7070707070707070
GLOBL utf8Fourth<>(SB), RODATA|NOPTR, $16

DATA utf8HighBit<>+0(SB)/8, $0x8080808080808080
DATA utf8HighBit<>+8(SB)/8, $0x8080808080808080
GLOBL utf8HighBit<>(SB), RODATA|NOPTR, $16

// A block minus utf8Incomplete, saturated, is zero exactly when the block
// does not end inside a sequence: no lead byte in its last byte, no lead
// of three or four bytes in the one before, no lead of four bytes before
// that.
DATA utf8Incomplete<>+0(SB)/8, $0xffffffffffffffff
DATA utf8Incomplete<>+8(SB)/8, $0xffffffffffffffff
DATA utf8Incomplete<>+16(SB)/8, $0xffffffffffffffff
DATA utf8Incomplete<>+24(SB)/8, $0xbfdfefffffffffff
GLOBL utf8Incomplete<>(SB), RODATA|NOPTR, $32

// UTF8LOOKUP sets err to the error classes of the 32 bytes in cur, given
// in Y3, Y4 and Y5 the bytes one, two and three back from each; err is
// zero when they are all right. It overwrites Y3-Y6 and reads the
// constants held in Y9-Y15.
#define UTF8LOOKUP(cur, err) \
	VPSRLW   $4, Y3, Y6; \
	VPAND    Y9, Y6, Y6; \
	VPSHUFB  Y6, Y10, Y6; \
	VPAND    Y9, Y3, Y3; \
	VPSHUFB  Y3, Y11, Y3; \
	VPAND    Y3, Y6, Y6; \
	VPSRLW   $4, cur, Y3; \
	VPAND    Y9, Y3, Y3; \
	VPSHUFB  Y3, Y12, Y3; \
	VPAND    Y3, Y6, Y6; \
	VPSUBUSB Y13, Y4, Y4; \
	VPSUBUSB Y14, Y5, Y5; \
	VPOR     Y4, Y5, Y4; \
	VPAND    Y15, Y4, Y4; \
	VPXOR    Y4, Y6, err

// UTF8CHECK is UTF8LOOKUP for the block cur that follows the block prev
// in registers. The bytes back come from VPALIGNR over cur and [prev high
// lane, cur low lane], since VPALIGNR shifts within 128-bit lanes only.
#define UTF8CHECK(cur, prev, err) \
	VPERM2I128 $0x21, cur, prev, err; \
	VPALIGNR   $15, err, cur, Y3; \
	VPALIGNR   $14, err, cur, Y4; \
	VPALIGNR   $13, err, cur, Y5; \
	UTF8LOOKUP(cur, err)

// UTF8CHECKMEM is UTF8LOOKUP for the block cur loaded from memory, whose
// bytes back are loaded from back1, back2 and back3: unaligned loads,
// which cost less than the four shuffles of UTF8CHECK.
#define UTF8CHECKMEM(cur, back1, back2, back3, err) \
	VMOVDQU back1, Y3; \
	VMOVDQU back2, Y4; \
	VMOVDQU back3, Y5; \
	UTF8LOOKUP(cur, err)

// UTF8LOOKUPX is UTF8LOOKUP on 16-byte vectors: X3, X4 and X5 hold the
// bytes back.
#define UTF8LOOKUPX(cur, err) \
	VPSRLW   $4, X3, X6; \
	VPAND    X9, X6, X6; \
	VPSHUFB  X6, X10, X6; \
	VPAND    X9, X3, X3; \
	VPSHUFB  X3, X11, X3; \
	VPAND    X3, X6, X6; \
	VPSRLW   $4, cur, X3; \
	VPAND    X9, X3, X3; \
	VPSHUFB  X3, X12, X3; \
	VPAND    X3, X6, X6; \
	VPSUBUSB X13, X4, X4; \
	VPSUBUSB X14, X5, X5; \
	VPOR     X4, X5, X4; \
	VPAND    X15, X4, X4; \
	VPXOR    X4, X6, err

// UTF8CHECKX is UTF8CHECK on 16-byte vectors, where VPALIGNR alone
// shifts the bytes in.
#define UTF8CHECKX(cur, prev, err) \
	VPALIGNR $15, prev, cur, X3; \
	VPALIGNR $14, prev, cur, X4; \
	VPALIGNR $13, prev, cur, X5; \
	UTF8LOOKUPX(cur, err)

// utf8ShiftDown holds 0 to 15, then 16 bytes with the high bit set. Its
// 16 bytes from 16-m on, as a VPSHUFB control, move the last m bytes of a
// vector to its start and zero the rest.
DATA utf8ShiftDown<>+0(SB)/8, $0x0706050403020100
DATA utf8ShiftDown<>+8(SB)/8, $0x0f0e0d0c0b0a0908
DATA utf8ShiftDown<>+16(SB)/8, $0x8080808080808080
DATA utf8ShiftDown<>+24(SB)/8, $0x8080808080808080
GLOBL utf8ShiftDown<>(SB), RODATA|NOPTR, $32

// UTF8FIRST32 checks the first 32 bytes of a text of at least 64 bytes,
// as if zeros came before them, and steps SI and BX past them. It jumps to
// the function's invalid label on an error.
#define UTF8FIRST32 \
	VMOVDQU (SI), Y0; \
	VPXOR   Y1, Y1, Y1; \
	UTF8CHECK(Y0, Y1, Y2); \
	VPTEST  Y2, Y2; \
	JNZ     invalid; \
	ADDQ    $32, SI; \
	SUBQ    $32, BX

// UTF8LONGTAIL ends the check of a text of at least 64 bytes once fewer
// than 64 are left (BX of them, from SI) and at least 32 checked bytes
// are behind SI: one 32-byte block if there is one, then the 32 bytes
// that end the text (those before SI again, which is harmless), then that
// they do not end inside a sequence. It returns true, or jumps to the
// function's invalid label. Its labels, like every label, are local to
// the function that uses it.
#define UTF8LONGTAIL \
	CMPQ    BX, $32; \
	JB      longtail; \
	VMOVDQU (SI), Y0; \
	UTF8CHECKMEM(Y0, -1(SI), -2(SI), -3(SI), Y2); \
	VPTEST  Y2, Y2; \
	JNZ     invalid; \
	ADDQ    $32, SI; \
	SUBQ    $32, BX; \
longtail: \
	LEAQ    -32(SI)(BX*1), SI; \
	TESTQ   BX, BX; \
	JZ      longend; \
	VMOVDQU (SI), Y0; \
	UTF8CHECKMEM(Y0, -1(SI), -2(SI), -3(SI), Y2); \
	VPTEST  Y2, Y2; \
	JNZ     invalid; \
longend: \
	VMOVDQU  (SI), Y1; \
	VPSUBUSB utf8Incomplete<>(SB), Y1, Y2; \
	VPTEST   Y2, Y2; \
	JNZ      invalid; \
	MOVB     $1, ret+24(FP); \
	VZEROUPPER; \
	RET

// func validAVX2(p []byte) bool
//
// Texts of 64 bytes or more are checked in place: the first 32 bytes with
// UTF8CHECK, as if zeros came before them; then 64 bytes at a time with
// UTF8CHECKMEM, skipping runs of ASCII; then 32; then the last 1 to 31
// bytes as part of the 32 bytes that end the text, which checks some
// bytes twice, harmlessly. utf8Incomplete then checks that the text does
// not end inside a sequence.
//
// Shorter texts are checked 16 bytes at a time with the 16-byte forms of
// the macros, after a test for all ASCII. Their last 1 to 15 bytes are
// shifted into a vector with zeros after them, which catch a sequence
// left unfinished; under 16 bytes they are copied into a zeroed vector
// on the stack instead.
//
// Registers:
//	SI	next byte to check
//	BX	bytes left
//	Y0, Y7	blocks being checked (X0 in 16-byte steps)
//	Y1	the block before Y0 (X1 in 16-byte steps)
//	Y2, Y8	error classes (X8 gathers them in 16-byte steps)
//	Y3-Y6	scratch
//	Y9-Y15	constants: nibble mask, the three tables, utf8Third,
//		utf8Fourth, utf8HighBit; their low halves serve the
//		16-byte steps
TEXT ·validAVX2(SB), NOSPLIT, $16-25
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), BX

	VBROADCASTI128 utf8Nibble<>(SB), Y9
	VBROADCASTI128 utf8Byte1High<>(SB), Y10
	VBROADCASTI128 utf8Byte1Low<>(SB), Y11
	VBROADCASTI128 utf8Byte2High<>(SB), Y12
	VBROADCASTI128 utf8Third<>(SB), Y13
	VBROADCASTI128 utf8Fourth<>(SB), Y14
	VBROADCASTI128 utf8HighBit<>(SB), Y15

	CMPQ BX, $64
	JB   short

	UTF8FIRST32
	CMPQ BX, $64
	JB   block32

loop64:
	VMOVDQU   (SI), Y0
	VMOVDQU   32(SI), Y7
	VPOR      Y0, Y7, Y2
	VPMOVMSKB Y2, AX
	TESTL     AX, AX
	JNZ       multi64

	// 64 ASCII bytes: right unless the block before ends inside a
	// sequence.
	VMOVDQU  -32(SI), Y1
	VPSUBUSB utf8Incomplete<>(SB), Y1, Y2
	VPTEST   Y2, Y2
	JNZ      invalid
	ADDQ     $64, SI
	SUBQ     $64, BX
	CMPQ     BX, $64
	JAE      loop64
	JMP      block32

multi64:
	UTF8CHECKMEM(Y0, -1(SI), -2(SI), -3(SI), Y8)
	UTF8CHECKMEM(Y7, 31(SI), 30(SI), 29(SI), Y2)
	VPOR   Y8, Y2, Y2
	VPTEST Y2, Y2
	JNZ    invalid
	ADDQ   $64, SI
	SUBQ   $64, BX
	CMPQ   BX, $64
	JAE    loop64

block32:
	UTF8LONGTAIL

short:
	// Under 64 bytes: 16-byte vectors. X1 is the vector before X0, X8
	// gathers the error classes.
	VPXOR X1, X1, X1
	VPXOR X8, X8, X8
	CMPQ  BX, $16
	JB    tiny

	// All ASCII? Four overlapping loads cover the text.
	VMOVDQU   (SI), X0
	VPOR      -16(SI)(BX*1), X0, X0
	CMPQ      BX, $32
	JBE       ascii16
	VPOR      16(SI), X0, X0
	VPOR      -32(SI)(BX*1), X0, X0

ascii16:
	VPMOVMSKB X0, AX
	TESTL     AX, AX
	JZ        valid

loop16:
	VMOVDQU (SI), X0
	UTF8CHECKX(X0, X1, X2)
	VPOR    X2, X8, X8
	VMOVDQA X0, X1
	ADDQ    $16, SI
	SUBQ    $16, BX
	CMPQ    BX, $16
	JAE     loop16

	// The last 0 to 15 bytes, followed by zeros: load the 16 bytes that
	// end the text (there are at least 16) and shift them down.
	VPXOR X0, X0, X0
	TESTQ BX, BX
	JZ    last16
	VMOVDQU -16(SI)(BX*1), X0
	LEAQ    utf8ShiftDown<>+16(SB), AX
	SUBQ    BX, AX
	VMOVDQU (AX), X3
	VPSHUFB X3, X0, X0
	JMP     last16

tiny:
	// Under 16 bytes: copy them into a zeroed vector on the stack.
	VMOVDQU X1, (SP)
	LEAQ    (SP), DI
	CMPQ    BX, $8
	JAE     copy8
	CMPQ    BX, $4
	JAE     copy4
	CMPQ    BX, $2
	JAE     copy2
	TESTQ   BX, BX
	JZ      valid
	MOVB    (SI), AX
	MOVB    AX, (DI)
	JMP     copied

copy2:
	MOVW (SI), AX
	MOVW -2(SI)(BX*1), CX
	MOVW AX, (DI)
	MOVW CX, -2(DI)(BX*1)
	JMP  copied

copy4:
	MOVL (SI), AX
	MOVL -4(SI)(BX*1), CX
	MOVL AX, (DI)
	MOVL CX, -4(DI)(BX*1)
	JMP  copied

copy8:
	MOVQ (SI), AX
	MOVQ -8(SI)(BX*1), CX
	MOVQ AX, (DI)
	MOVQ CX, -8(DI)(BX*1)

copied:
	VMOVDQU (DI), X0

last16:
	// The zeros after the text catch a sequence left unfinished.
	UTF8CHECKX(X0, X1, X2)
	VPOR   X2, X8, X8
	VPTEST X8, X8
	JNZ    invalid

valid:
	MOVB $1, ret+24(FP)
	VZEROUPPER
	RET

invalid:
	MOVB $0, ret+24(FP)
	VZEROUPPER
	RET

// ZUTF8LOOKUP is UTF8LOOKUP on 64-byte vectors: Z3, Z4 and Z5 hold the
// bytes one, two and three back from each byte of cur. It ORs the error
// classes into Z8, overwrites Z3-Z7 and reads the constants in Z9-Z15.
// VPTERNLOGD computes a function of three operands given by its truth
// table; with A the destination, B the middle operand and C the first:
// $0x80 is A & B & C, $0xa8 is (A | B) & C, $0xf6 is A | (B ^ C).
#define ZUTF8LOOKUP(cur) \
	VPSRLW     $4, Z3, Z6; \
	VPANDD     Z9, Z6, Z6; \
	VPSHUFB    Z6, Z10, Z6; \
	VPANDD     Z9, Z3, Z3; \
	VPSHUFB    Z3, Z11, Z3; \
	VPSRLW     $4, cur, Z7; \
	VPANDD     Z9, Z7, Z7; \
	VPSHUFB    Z7, Z12, Z7; \
	VPTERNLOGD $0x80, Z7, Z3, Z6; \
	VPSUBUSB   Z13, Z4, Z4; \
	VPSUBUSB   Z14, Z5, Z5; \
	VPTERNLOGD $0xa8, Z15, Z5, Z4; \
	VPTERNLOGD $0xf6, Z6, Z4, Z8

// ZUTF8INIT broadcasts the lookup's constants to all of Z9-Z15, so that
// Y9-Y15 serve the 32-byte steps too, and clears Z8, where the error
// classes of the 64-byte blocks gather.
#define ZUTF8INIT \
	VBROADCASTI32X4 utf8Nibble<>(SB), Z9; \
	VBROADCASTI32X4 utf8Byte1High<>(SB), Z10; \
	VBROADCASTI32X4 utf8Byte1Low<>(SB), Z11; \
	VBROADCASTI32X4 utf8Byte2High<>(SB), Z12; \
	VBROADCASTI32X4 utf8Third<>(SB), Z13; \
	VBROADCASTI32X4 utf8Fourth<>(SB), Z14; \
	VBROADCASTI32X4 utf8HighBit<>(SB), Z15; \
	VPXORQ          Z8, Z8, Z8

// func validAVX512(p []byte) bool
//
// validAVX2's long path with 64-byte AVX-512 blocks; it needs AVX-512 F
// and BW and len(p) >= 64. The first 32 bytes are checked as in
// validAVX2 (UTF8FIRST32); then 64 bytes at a time, the bytes back
// loaded from memory as in UTF8CHECKMEM and runs of ASCII skipped; then
// the last 0 to 63 bytes as in validAVX2 (UTF8LONGTAIL).
// The error classes of the 64-byte blocks gather in Z8 and are tested
// once, at the end: valid text is the common case.
//
// Registers: as in validAVX2, with Z0 the block, Z3-Z7 scratch, Z8 the
// gathered error classes, and the constants broadcast to all of Z9-Z15
// so that Y9-Y15 serve the 32-byte steps.
TEXT ·validAVX512(SB), NOSPLIT, $0-25
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), BX

	ZUTF8INIT

	UTF8FIRST32
	CMPQ BX, $64
	JB   block32

loop64:
	VMOVDQU64 (SI), Z0
	VPMOVB2M  Z0, K1
	KORTESTQ  K1, K1
	JNZ       multi64

	// 64 ASCII bytes: right unless the block before ends inside a
	// sequence.
	VMOVDQU  -32(SI), Y1
	VPSUBUSB utf8Incomplete<>(SB), Y1, Y2
	VPTEST   Y2, Y2
	JNZ      invalid
	ADDQ     $64, SI
	SUBQ     $64, BX
	CMPQ     BX, $64
	JAE      loop64
	JMP      block32

multi64:
	VMOVDQU64 -1(SI), Z3
	VMOVDQU64 -2(SI), Z4
	VMOVDQU64 -3(SI), Z5
	ZUTF8LOOKUP(Z0)
	ADDQ      $64, SI
	SUBQ      $64, BX
	CMPQ      BX, $64
	JAE       loop64

block32:
	VPTESTMQ Z8, Z8, K1
	KORTESTB K1, K1
	JNZ      invalid
	UTF8LONGTAIL

invalid:
	MOVB $0, ret+24(FP)
	VZEROUPPER
	RET

// utf8Back holds 61, 62, ... 132. Its 64 bytes from 3-k on, 64+i-k for
// i = 0 to 63, are VPERMI2B indexes that take from [zeros, block] the
// block's bytes k back, with zeros before the block's start.
DATA utf8Back<>+0(SB)/8, $0x44434241403f3e3d
DATA utf8Back<>+8(SB)/8, $0x4c4b4a4948474645
DATA utf8Back<>+16(SB)/8, $0x54535251504f4e4d
DATA utf8Back<>+24(SB)/8, $0x5c5b5a5958575655
DATA utf8Back<>+32(SB)/8, $0x64636261605f5e5d
DATA utf8Back<>+40(SB)/8, $0x6c6b6a6968676665
DATA utf8Back<>+48(SB)/8, $0x74737271706f6e6d
DATA utf8Back<>+56(SB)/8, $0x7c7b7a7978777675
DATA utf8Back<>+64(SB)/8, $0x84838281807f7e7d
GLOBL utf8Back<>(SB), RODATA|NOPTR, $72

// ZMASKKEYS broadcasts the masking key in AX to Z16, and the key for the
// bytes one, two and three back (the key rotated left by 8, 16 and 24
// bits: a byte k back takes the key byte k before) to Z17, Z18 and Z19.
#define ZMASKKEYS \
	VPBROADCASTD AX, Z16; \
	ROLL         $8, AX; \
	VPBROADCASTD AX, Z17; \
	ROLL         $8, AX; \
	VPBROADCASTD AX, Z18; \
	ROLL         $8, AX; \
	VPBROADCASTD AX, Z19

// ZLOADBACK loads the 64 bytes at base into Z0 and the bytes one, two and
// three back from each into Z3, Z4 and Z5.
#define ZLOADBACK(base) \
	VMOVDQU64 (base), Z0; \
	VMOVDQU64 -1(base), Z3; \
	VMOVDQU64 -2(base), Z4; \
	VMOVDQU64 -3(base), Z5

// ZUNMASKBLOCK unmasks and checks the 64-byte block in Z0 whose bytes
// one, two and three back are in Z3, Z4 and Z5, all four as loaded from
// memory, still masked; Z20 holds the unmasked block before. Runs of
// ASCII skip the lookup, as in validAVX512; then the block before must
// not end inside a sequence, which Z20 shows without a load. The keys
// for the four vectors are in Z16-Z19; the error classes gather in Z8.
#define ZUNMASKBLOCK(lookup, next) \
	VPXORQ        Z16, Z0, Z0; \
	VPMOVB2M      Z0, K1; \
	KORTESTQ      K1, K1; \
	JNZ           lookup; \
	VEXTRACTI64X4 $1, Z20, Y1; \
	VPSUBUSB      utf8Incomplete<>(SB), Y1, Y2; \
	VPORQ         Z2, Z8, Z8; \
	JMP           next; \
lookup: \
	VPXORQ        Z17, Z3, Z3; \
	VPXORQ        Z18, Z4, Z4; \
	VPXORQ        Z19, Z5, Z5; \
	ZUTF8LOOKUP(Z0); \
next:

// func unmaskPrefixAVX512(key uint32, dst, src []byte) bool
//
// unmaskPrefixAVX512 writes to dst[i] src[i] XORed with byte i%4 of key
// (little-endian), for len(src) bytes, and reports whether no byte of the
// result but the last three is wrong after the bytes before it: the
// lookup of validAVX512 on the result, without its check that the text
// does not end inside a sequence. dst is src itself or does not overlap
// it, and is at least as long. It needs AVX-512 F, BW and VBMI and
// len(src) >= 128, touches no memory outside src and dst[:len(src)],
// and writes all of it whatever it reports.
//
// One pass: each 64-byte block is loaded once, unmasked in a register,
// checked there, and stored two blocks later. The bytes back that the
// lookup needs are loaded from src still masked, as validAVX512 loads
// them unmasked, and unmasked with the key rotated by one, two and three
// bytes: the stores wait so that, in place, those loads never meet an
// unmasked byte, nor a store still in flight. The first block takes its
// bytes back from a register, with zeros before it (VPERMI2B); the last
// 1 to 63 bytes are checked as the 64 that end src, unmasked with the
// key for their offset, and stored over the block before them with the
// same bytes.
//
// Registers:
//	SI	next block of src
//	R8	dst - src: a block is stored at (SI)(R8*1)
//	BX	bytes left from SI
//	DI	the last 64 bytes of src
//	Z0	the block; Z3-Z5 its bytes back; Z1, Z2, Z6, Z7 scratch
//	Z8	the error classes gathered
//	Z9-Z15	the lookup's constants, as in validAVX512
//	Z16-Z19	the key for the block and for its bytes one, two, three back
//	Z20	the block before, unmasked, not yet stored
//	Z21	the block before that, unmasked, not yet stored
TEXT ·unmaskPrefixAVX512(SB), NOSPLIT, $0-57
	MOVL key+0(FP), AX
	MOVQ dst_base+8(FP), R8
	MOVQ src_base+32(FP), SI
	MOVQ src_len+40(FP), BX
	SUBQ SI, R8

	ZUTF8INIT

	// Blocks start at multiples of 64 from src, a multiple of 4: the keys
	// are the same for every block.
	ZMASKKEYS

	// The first block, with zeros before it.
	VMOVDQU64 (SI), Z0
	VPXORQ    Z16, Z0, Z0
	VPXORQ    Z20, Z20, Z20
	VMOVDQU64 utf8Back<>+2(SB), Z3
	VPERMI2B  Z0, Z20, Z3
	VMOVDQU64 utf8Back<>+1(SB), Z4
	VPERMI2B  Z0, Z20, Z4
	VMOVDQU64 utf8Back<>+0(SB), Z5
	VPERMI2B  Z0, Z20, Z5
	ZUTF8LOOKUP(Z0)
	VMOVDQA64 Z0, Z20
	ADDQ      $64, SI
	SUBQ      $64, BX

	// The second block: nothing to store yet.
	ZLOADBACK(SI)
	JMP       block

loop:
	ZLOADBACK(SI)
	VMOVDQU64 Z21, -128(SI)(R8*1)

block:
	ZUNMASKBLOCK(lookup, next)
	VMOVDQA64 Z20, Z21
	VMOVDQA64 Z0, Z20
	ADDQ      $64, SI
	SUBQ      $64, BX
	CMPQ      BX, $64
	JAE       loop

	// Everything from SI-128 on is still masked in memory (in place);
	// the two blocks before SI are in Z21 and Z20.
	TESTQ BX, BX
	JZ    flush

	// The last 1 to 63 bytes, as the 64 bytes that end src, and their
	// bytes back (at least SI-67): the key for offset BX&3 is the key
	// rotated right by 8*(BX&3) bits.
	LEAQ         -64(SI)(BX*1), DI
	MOVL         key+0(FP), AX
	MOVQ         BX, CX
	ANDQ         $3, CX
	SHLQ         $3, CX
	RORL         CX, AX
	ZMASKKEYS
	ZLOADBACK(DI)
	VPXORQ       Z16, Z0, Z0
	VPXORQ       Z17, Z3, Z3
	VPXORQ       Z18, Z4, Z4
	VPXORQ       Z19, Z5, Z5
	ZUTF8LOOKUP(Z0)
	VMOVDQU64    Z21, -128(SI)(R8*1)
	VMOVDQU64    Z20, -64(SI)(R8*1)
	VMOVDQU64    Z0, (DI)(R8*1)
	JMP          done

flush:
	VMOVDQU64 Z21, -128(SI)(R8*1)
	VMOVDQU64 Z20, -64(SI)(R8*1)

done:
	VPTESTMQ Z8, Z8, K1
	KORTESTB K1, K1
	SETEQ    ret+56(FP)
	VZEROUPPER
	RET
