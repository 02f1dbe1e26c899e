//go:build !purego

#include "go_asm.h"
#include "textflag.h"
#include "key_amd64.h"

// Each entry point loads its arguments, stores its result, rotates the key
// and either finishes a short buffer itself or jumps to a body, which
// returns straight to the entry's caller. Registers:
//	AX	the key rotated by pos, so that its low byte masks (DI); from
//		DOUBLE_KEY on, repeated twice: k | k<<32
//	DI	next byte to mask
//	BX	bytes left
//	X0/Y0	AX broadcast to every quadword
// Bodies align DI before their vector loops, stepping 1, 2, 4, 8 (and 16)
// bytes and rotating AX by the bytes done, and finish with tailBody, so
// no byte outside the buffer is ever read or written.

// func mask(key uint32, pos int, b []byte) int
TEXT ·mask(SB), NOSPLIT, $0-48
	MOVL key+0(FP), AX
	MOVQ pos+8(FP), CX
	MOVQ b_base+16(FP), DI
	MOVQ b_len+24(FP), BX
	LEAQ (CX)(BX*1), DX
	ANDQ $3, DX
	MOVQ DX, ret+40(FP)
	ROTATE_KEY
	CMPQ BX, $32
	JAE  vector

	// Fewer than 32 bytes: mask them here rather than pay for a jump.
	DOUBLE_KEY
	TESTQ $16, BX
	JZ    eight
	XORQ  AX, (DI)
	XORQ  AX, 8(DI)
	ADDQ  $16, DI

eight:
	TESTQ $8, BX
	JZ    four
	XORQ  AX, (DI)
	ADDQ  $8, DI

four:
	TESTQ $4, BX
	JZ    two
	XORL  AX, (DI)
	ADDQ  $4, DI

two:
	TESTQ $2, BX
	JZ    one
	XORW  AX, (DI)
	ADDQ  $2, DI
	SHRL  $16, AX

one:
	TESTQ $1, BX
	JZ    done
	XORB  AX, (DI)

done:
	RET

vector:
	CMPQ BX, $const_avx2Min
	JB   sse2
	CMPB ·useAVX2(SB), $0
	JEQ  sse2
	JMP  avx2Body<>(SB)

sse2:
	JMP sse2Body<>(SB)

// func maskSSE2(key uint32, pos int, b []byte) int
TEXT ·maskSSE2(SB), NOSPLIT, $0-48
	MOVL key+0(FP), AX
	MOVQ pos+8(FP), CX
	MOVQ b_base+16(FP), DI
	MOVQ b_len+24(FP), BX
	LEAQ (CX)(BX*1), DX
	ANDQ $3, DX
	MOVQ DX, ret+40(FP)
	ROTATE_KEY
	JMP  sse2Body<>(SB)

// func maskAVX2(key uint32, pos int, b []byte) int
TEXT ·maskAVX2(SB), NOSPLIT, $0-48
	MOVL key+0(FP), AX
	MOVQ pos+8(FP), CX
	MOVQ b_base+16(FP), DI
	MOVQ b_len+24(FP), BX
	LEAQ (CX)(BX*1), DX
	ANDQ $3, DX
	MOVQ DX, ret+40(FP)
	ROTATE_KEY
	JMP  avx2Body<>(SB)

// sse2Body aligns DI to 16 bytes, masks 64 and then 16 bytes at a time,
// and leaves the rest to tailBody.
TEXT sse2Body<>(SB), NOSPLIT, $0
	DOUBLE_KEY
	CMPQ BX, $64
	JB   broadcast

	// Head: the 0..15 bytes up to a 16-byte boundary; BX stays >= 49.
	MOVQ  DI, CX
	NEGQ  CX
	ANDQ  $15, CX
	SUBQ  CX, BX
	TESTQ $1, CX
	JZ    head2
	XORB  AX, (DI)
	ADDQ  $1, DI
	RORQ  $8, AX

head2:
	TESTQ $2, CX
	JZ    head4
	XORW  AX, (DI)
	ADDQ  $2, DI
	RORQ  $16, AX

head4:
	TESTQ $4, CX
	JZ    head8
	XORL  AX, (DI)
	ADDQ  $4, DI

head8:
	TESTQ $8, CX
	JZ    broadcast
	XORQ  AX, (DI)
	ADDQ  $8, DI

broadcast:
	CMPQ BX, $16
	JB   tail
	MOVQ AX, X0
	PUNPCKLQDQ X0, X0
	CMPQ BX, $64
	JB   loop16

loop64:
	MOVOU (DI), X1
	MOVOU 16(DI), X2
	MOVOU 32(DI), X3
	MOVOU 48(DI), X4
	PXOR  X0, X1
	PXOR  X0, X2
	PXOR  X0, X3
	PXOR  X0, X4
	MOVOU X1, (DI)
	MOVOU X2, 16(DI)
	MOVOU X3, 32(DI)
	MOVOU X4, 48(DI)
	ADDQ  $64, DI
	SUBQ  $64, BX
	CMPQ  BX, $64
	JAE   loop64
	CMPQ  BX, $16
	JB    tail

loop16:
	MOVOU (DI), X1
	PXOR  X0, X1
	MOVOU X1, (DI)
	ADDQ  $16, DI
	SUBQ  $16, BX
	CMPQ  BX, $16
	JAE   loop16

tail:
	JMP tailBody<>(SB)

// avx2Body aligns DI to 32 bytes, masks 128 and then 32 bytes at a time,
// then 16, and leaves the rest to tailBody.
TEXT avx2Body<>(SB), NOSPLIT, $0
	DOUBLE_KEY
	CMPQ BX, $128
	JB   broadcast

	// Head: the 0..31 bytes up to a 32-byte boundary; BX stays >= 97.
	MOVQ  DI, CX
	NEGQ  CX
	ANDQ  $31, CX
	SUBQ  CX, BX
	TESTQ $1, CX
	JZ    head2
	XORB  AX, (DI)
	ADDQ  $1, DI
	RORQ  $8, AX

head2:
	TESTQ $2, CX
	JZ    head4
	XORW  AX, (DI)
	ADDQ  $2, DI
	RORQ  $16, AX

head4:
	TESTQ $4, CX
	JZ    head8
	XORL  AX, (DI)
	ADDQ  $4, DI

head8:
	TESTQ $8, CX
	JZ    head16
	XORQ  AX, (DI)
	ADDQ  $8, DI

head16:
	TESTQ $16, CX
	JZ    broadcast
	XORQ  AX, (DI)
	XORQ  AX, 8(DI)
	ADDQ  $16, DI

broadcast:
	CMPQ BX, $32
	JB   tail
	MOVQ AX, X0
	VPBROADCASTQ X0, Y0
	CMPQ BX, $128
	JB   loop32

loop128:
	VPXOR   (DI), Y0, Y1
	VPXOR   32(DI), Y0, Y2
	VPXOR   64(DI), Y0, Y3
	VPXOR   96(DI), Y0, Y4
	VMOVDQU Y1, (DI)
	VMOVDQU Y2, 32(DI)
	VMOVDQU Y3, 64(DI)
	VMOVDQU Y4, 96(DI)
	ADDQ    $128, DI
	SUBQ    $128, BX
	CMPQ    BX, $128
	JAE     loop128
	CMPQ    BX, $32
	JB      vtail

loop32:
	VPXOR   (DI), Y0, Y1
	VMOVDQU Y1, (DI)
	ADDQ    $32, DI
	SUBQ    $32, BX
	CMPQ    BX, $32
	JAE     loop32

vtail:
	CMPQ    BX, $16
	JB      vdone
	VPXOR   (DI), X0, X1
	VMOVDQU X1, (DI)
	ADDQ    $16, DI
	SUBQ    $16, BX

vdone:
	VZEROUPPER

tail:
	JMP tailBody<>(SB)

// tailBody masks the BX bytes at DI with the doubled key in AX eight, four,
// two and one byte at a time. It never touches a byte past DI+BX.
TEXT tailBody<>(SB), NOSPLIT, $0
	CMPQ BX, $8
	JB   four

loop8:
	XORQ AX, (DI)
	ADDQ $8, DI
	SUBQ $8, BX
	CMPQ BX, $8
	JAE  loop8

four:
	TESTQ $4, BX
	JZ    two
	XORL  AX, (DI)
	ADDQ  $4, DI

two:
	TESTQ $2, BX
	JZ    one
	XORW  AX, (DI)
	ADDQ  $2, DI
	SHRQ  $16, AX

one:
	TESTQ $1, BX
	JZ    done
	XORB  AX, (DI)

done:
	RET

