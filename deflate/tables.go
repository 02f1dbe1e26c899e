package deflate

// DEFLATE alphabet sizes and limits (RFC 1951, Section 3.2.5).
const (
	maxMatch   = 258 // longest match, bytes
	minMatch   = 4   // shortest match the encoder emits (DEFLATE allows 3)
	endOfBlock = 256 // literal/length symbol ending a block
	numLitLen  = 286 // literal/length symbols that may appear (286, 287 never do)
	numDist    = 30  // distance symbols that may appear (30, 31 never do)
	numCodeLen = 19  // code length symbols
	maxCodeLen = 15  // longest literal/length or distance code, bits
	maxCLenLen = 7   // longest code length code, bits
)

// Base values and extra bit counts of the length symbols 257..285 and the
// distance symbols 0..29 (RFC 1951, Section 3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// codeLenOrder is the order in which the code length code lengths are
// sent (RFC 1951, Section 3.2.7).
var codeLenOrder = [numCodeLen]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// lenCode maps a match length 3..258 to its length code 0..28 (symbol
// 257+code). distCodeLo maps distance-1 below 256 to its distance code,
// distCodeHi maps (distance-1)>>7 for larger distances (as zlib's d_code).
var (
	lenCode    [maxMatch + 1]uint8
	distCodeLo [256]uint8
	distCodeHi [256]uint8
)

func init() {
	for c, base := range lengthBase {
		// Code 27 (symbol 284) spans 227..257; 258 has code 28.
		for l := int(base); l < int(base)+1<<lengthExtra[c] && l < maxMatch; l++ {
			lenCode[l] = uint8(c)
		}
	}
	for c, base := range distBase {
		for d := int(base) - 1; d < int(base)-1+1<<distExtra[c]; d++ {
			if d < 256 {
				distCodeLo[d] = uint8(c)
			} else {
				distCodeHi[d>>7] = uint8(c)
			}
		}
	}
	lenCode[maxMatch] = 28
}

// distCode returns the distance code of dist, 1..32768.
func distCode(dist int) int {
	if d := dist - 1; d < 256 {
		return int(distCodeLo[d])
	} else {
		return int(distCodeHi[d>>7])
	}
}
