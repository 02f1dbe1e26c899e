// Key macros shared by the masking assembly (mask_amd64.s, copy_amd64.s).

// ROTATE_KEY rotates the key in AX right by pos (CX) bytes.
#define ROTATE_KEY \
	SHLL $3, CX; \
	RORL CX, AX

// DOUBLE_KEY repeats the 32-bit key in AX in its upper half.
#define DOUBLE_KEY \
	MOVQ AX, DX; \
	SHLQ $32, DX; \
	ORQ  DX, AX
