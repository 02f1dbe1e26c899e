//go:build !purego

#include "textflag.h"
#include "key_amd64.h"

// func copyMaskAVX2(key uint32, pos int, dst, src []byte) int
//
// Registers: AX the key rotated by pos and doubled (k | k<<32), so that
// its low byte masks (SI); Y0 AX in every quadword; SI next source byte;
// DI next destination byte; BX bytes left. Vector loads and stores are
// unaligned; every block is a multiple of four bytes, so the key stays in
// phase until the tail, which steps 8, 4, 2 and 1 bytes and never touches
// a byte past the end of either buffer.
TEXT ·copyMaskAVX2(SB), NOSPLIT, $0-72
	MOVL key+0(FP), AX
	MOVQ pos+8(FP), CX
	MOVQ dst_base+16(FP), DI
	MOVQ src_base+40(FP), SI
	MOVQ src_len+48(FP), BX
	LEAQ (CX)(BX*1), DX
	ANDQ $3, DX
	MOVQ DX, ret+64(FP)
	ROTATE_KEY
	DOUBLE_KEY
	CMPQ BX, $32
	JB   tail
	MOVQ AX, X0
	VPBROADCASTQ X0, Y0
	CMPQ BX, $128
	JB   loop32

loop128:
	VPXOR   (SI), Y0, Y1
	VPXOR   32(SI), Y0, Y2
	VPXOR   64(SI), Y0, Y3
	VPXOR   96(SI), Y0, Y4
	VMOVDQU Y1, (DI)
	VMOVDQU Y2, 32(DI)
	VMOVDQU Y3, 64(DI)
	VMOVDQU Y4, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $128, BX
	CMPQ    BX, $128
	JAE     loop128
	CMPQ    BX, $32
	JB      vdone

loop32:
	VPXOR   (SI), Y0, Y1
	VMOVDQU Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $32, BX
	CMPQ    BX, $32
	JAE     loop32

vdone:
	VZEROUPPER

tail:
	CMPQ BX, $8
	JB   four

loop8:
	MOVQ (SI), DX
	XORQ AX, DX
	MOVQ DX, (DI)
	ADDQ $8, SI
	ADDQ $8, DI
	SUBQ $8, BX
	CMPQ BX, $8
	JAE  loop8

four:
	TESTQ $4, BX
	JZ    two
	MOVL  (SI), DX
	XORL  AX, DX
	MOVL  DX, (DI)
	ADDQ  $4, SI
	ADDQ  $4, DI

two:
	TESTQ $2, BX
	JZ    one
	MOVW  (SI), DX
	XORW  AX, DX
	MOVW  DX, (DI)
	ADDQ  $2, SI
	ADDQ  $2, DI
	SHRQ  $16, AX

one:
	TESTQ $1, BX
	JZ    done
	MOVB  (SI), DX
	XORB  AX, DX
	MOVB  DX, (DI)

done:
	RET
