package ws

// An idle connection parks its reader goroutine until the client sends
// something. Parked inside gorilla's NextReader (bufio, net, the poller),
// the goroutine is about 1.4 KB deep, more than a fresh 2 KiB stack holds,
// so the runtime gives it 4 KiB and, as the stack is more than a quarter
// used, never shrinks it back. So, on the sockets where it can (see
// readable_unix.go), the reader waits in a shallow frame first, until the
// socket has a byte to read, and only then calls NextReader; and since a
// message read leaves the goroutine's stack grown, the next wait runs on a
// new goroutine, whose stack is fresh (see Conn.readOn). The wait is
// skipped when gorilla's buffer already holds bytes: the socket may have
// none left while a message waits in the buffer.
//
// gorilla handles pings and pongs inside NextReader, which then goes on
// reading, and parks deep, until a data message comes: a connection kept
// alive by pings, and otherwise idle, would park deep again after its
// first pong. So the pings and pongs that the client sends between
// messages, when they arrive whole, are taken here, in the shallow frame,
// and given to gorilla's ping and pong handlers, as NextReader would.
// Anything else (a data or close frame, a control frame cut by the
// network, or one gorilla would refuse) is left to NextReader. With
// compression, a message may end before its frame does (deflate's own end
// of stream), so the next bytes are not known to start a frame: the
// frames are then all left to NextReader.

import "github.com/gorilla/websocket"

// maxControlFrame is the length of the largest control frame a client
// sends: 2 bytes of header, a 4-byte mask key, 125 bytes of payload.
const maxControlFrame = 2 + 4 + 125

// controlFrame returns the length of the ping or pong frame from a client
// that p starts with, when p holds all of it and gorilla would accept it
// (final, no reserved bit, masked, at most 125 bytes of payload), or 0.
func controlFrame(p []byte) int {
	if len(p) < 6 || (p[0] != 0x80|websocket.PingMessage && p[0] != 0x80|websocket.PongMessage) || p[1]&0x80 == 0 {
		return 0
	}
	n := 6 + int(p[1]&0x7f)
	if n > maxControlFrame || len(p) < n {
		return 0
	}
	return n
}

// takeControl handles the whole ping and pong frames at the front of what
// the client sent, with gorilla's handlers, and reports whether they were
// all it had sent: the reader then waits again (took). A handler's error
// ends the reading, as in NextReader. It returns at once on a connection
// whose socket is not watched, or that may be compressed.
func (c *Conn) takeControl() (took bool, err error) {
	peeked := int(c.ctl)
	c.ctl = 0
	if c.raw == nil || c.cfg.compression {
		return false, nil
	}
	for {
		p, _ := c.br.Peek(c.br.Buffered())
		if len(p) == 0 && peeked > 0 {
			// The socket holds the frame: one read brings it in.
			p, err = c.br.Peek(peeked)
			peeked = 0
			if err != nil {
				return false, nil // NextReader meets the error again
			}
		}
		n := controlFrame(p)
		if n == 0 {
			return took && len(p) == 0, nil
		}
		var payload [maxControlFrame - 6]byte
		m := payload[:copy(payload[:], p[6:n])]
		for i := range m {
			m[i] ^= p[2+i%4]
		}
		handle := c.ws.PongHandler()
		if p[0]&0x0f == websocket.PingMessage {
			handle = c.ws.PingHandler()
		}
		c.br.Discard(n)
		if err := handle(string(m)); err != nil {
			return false, err
		}
		took = true
	}
}
