//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || solaris)

package ws

import "net"

// watchSocket does nothing on this system: the reader waits inside
// gorilla's NextReader, as on connections that are not net's own.
func (c *Conn) watchSocket(net.Conn) {}

// awaitReadable returns at once: see watchSocket.
func (c *Conn) awaitReadable() {}
