//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || solaris

package ws

import (
	"net"
	"syscall"
)

// watchSocket lets awaitReadable wait on nc's socket, when nc is one of
// net's own connections: a wrapper that embeds one would promote its
// SyscallConn, but may hold bytes of its own (a PROXY header parser's
// buffer), which a wait on the socket would not see.
func (c *Conn) watchSocket(nc net.Conn) {
	var sc syscall.Conn
	switch nc := nc.(type) {
	case *net.TCPConn:
		sc = nc
	case *net.UnixConn:
		sc = nc
	default:
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	c.raw = raw
	c.peek = c.peekControl
}

// awaitReadable waits until the socket has a byte to read, reaches its
// end, fails, or passes its read deadline, when gorilla's buffer is
// empty and the socket is watched; otherwise it returns at once. It
// reports no error: the read that follows meets the same one.
func (c *Conn) awaitReadable() {
	if c.raw == nil || c.br.Buffered() > 0 {
		return
	}
	c.raw.Read(c.peek)
}

// peekControl is the function awaitReadable gives syscall.RawConn.Read:
// it peeks at what the socket holds, without consuming it, and is done
// unless the socket has nothing to read yet (then Read waits on the poller
// and calls it again). It records in c.ctl the length of the ping or pong
// frame the bytes start with, if they hold all of it (see takeControl).
func (c *Conn) peekControl(fd uintptr) bool {
	var b [maxControlFrame]byte
	n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	c.ctl = 0
	if err == syscall.EAGAIN || err == syscall.EWOULDBLOCK {
		return false
	}
	if err == nil && n > 0 {
		c.ctl = uint8(controlFrame(b[:n]))
	}
	return true
}
