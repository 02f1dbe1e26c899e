package handshake

// ValidFieldValue exposes validFieldValue, whose word-at-a-time loop is
// checked against the byte loop.
var ValidFieldValue = validFieldValue
