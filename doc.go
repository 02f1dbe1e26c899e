// Package websocket implements the WebSocket protocol, RFC 6455: a server
// ([Accept], [Handler], [AcceptConn]) and a client ([Dial]) that give a
// [Conn] for reading and writing messages.
//
// The framing, masking and handshake rules live in the sans-I/O packages
// protocol, mask and handshake; this package adds the connection: I/O,
// locks, timers and the closing handshake.
//
//	http.Handle("/echo", websocket.Handler(func(ctx context.Context, c *websocket.Conn) {
//		for {
//			typ, msg, err := c.Read(ctx)
//			if err != nil {
//				return
//			}
//			if err := c.Write(ctx, typ, msg); err != nil {
//				return
//			}
//		}
//	}))
//
// # Messages
//
// [Conn.Read] returns whole messages; [Conn.ReadInto] reuses a buffer so
// reading does not allocate; [Conn.Reader] streams a message frame by
// frame. [Conn.Write] sends a message as one frame; [Conn.Writer] streams
// one as several. Text messages are checked to be UTF-8 as they arrive.
// A server answering pipelined small messages can send a burst of replies
// in one system call with [ConnOptions.CoalesceWrites].
//
// # Concurrency
//
// One goroutine reads, any number write; see [Conn]. Control frames are
// handled by the reading goroutine: keep one reading, or call
// [Conn.CloseRead] when the application only writes.
//
// # Limits
//
// Messages over the read limit ([DefaultReadLimit], 32 MiB) fail the
// connection with [CloseMessageTooBig] before any memory is allocated for
// them. The opening handshake is bounded in size (package handshake) and
// time ([DefaultHandshakeTimeout]), the closing handshake in time
// ([DefaultCloseTimeout]).
//
// # Security
//
// [Accept] refuses browser requests whose Origin is another site than the
// Host, which blocks cross-site WebSocket hijacking; allow other origins
// with [AcceptOptions.OriginPatterns].
//
// # Memory
//
// Buffers are borrowed from pools while a message is in flight and
// returned afterwards, so an idle connection holds no buffers: on Unix,
// a read waits for the socket to become readable before taking a buffer.
package websocket
