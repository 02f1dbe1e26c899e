package load

import (
	"bufio"
	"net"

	"github.com/wirefast/websocket/bench/internal/rawws"
)

// openConn dials addr and, for ProtoWebSocket, runs the opening handshake,
// offering permessage-deflate without context takeover
// (rawws.DeflateOffer) when compress is true and then requiring the
// server to accept it (rawws.CheckDeflate). The returned reader, of
// bufSize bytes, reads the connection from then on. Errors are not
// prefixed: the callers say which load failed.
func openConn(addr, proto string, compress bool, bufSize int) (net.Conn, *bufio.Reader, error) {
	nc, err := net.DialTimeout("tcp", addr, handshakeTimeout)
	if err != nil {
		return nil, nil, err
	}
	if proto != ProtoWebSocket {
		return nc, bufio.NewReaderSize(nc, bufSize), nil
	}
	offer := ""
	if compress {
		offer = rawws.DeflateOffer
	}
	br, ext, err := rawws.HandshakeExtensions(nc, "/", offer, bufSize, handshakeTimeout)
	if err == nil && compress {
		err = rawws.CheckDeflate(ext)
	}
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, br, nil
}

// compressedLimit bounds the compressed payload of a message of size
// bytes: DEFLATE expands incompressible data by little.
func compressedLimit(size int) int64 {
	return int64(size) + int64(size)/64 + 1024
}
