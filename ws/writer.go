package ws

import (
	"errors"
	"time"

	"github.com/gorilla/websocket"
)

// An idle connection has no writer goroutine: Send, Close and the
// keepalive timer start one (kick), which writes until nothing is left to
// write and then ends. One goroutine and its stack fewer per idle
// connection is most of what an idle connection costs.

// kick starts the writer unless one is running, the close frame was sent,
// or the connection has ended.
func (c *Conn) kick() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.writing || c.ctx.Err() != nil {
		return
	}
	c.writing = true
	c.wg.Add(1)
	go c.writer()
}

// pingTick runs on the keepalive timer: it asks the writer for a ping and
// sets the timer again.
func (c *Conn) pingTick() {
	c.pingDue.Store(true)
	c.kick()
	c.wmu.Lock() // end stops the timer holding it: no Reset after the end
	defer c.wmu.Unlock()
	if c.ctx.Err() == nil {
		c.pinger.Reset(c.cfg.pingInterval)
	}
}

// writeLoop is the only writer of data frames and pings. It ends when
// there is nothing left to write, after the close frame, or when the
// connection ends.
func (c *Conn) writeLoop() {
	defer c.wg.Done()
	for {
		if err := c.writeQueued(); err != nil {
			c.fail(err)
			return
		}
		if c.pingDue.Swap(false) {
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.cfg.writeTimeout)); err != nil {
				c.fail(err)
				return
			}
		}
		select {
		case <-c.closing:
			c.flushAndClose() // c.writing stays set: no writer after the close frame
			return
		default:
		}
		if c.idle() {
			return
		}
	}
}

// idle reports, and records, that the writer has nothing left to write
// and ends. A message queued after the check kicks a new writer.
func (c *Conn) idle() bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.ctx.Err() != nil {
		return true
	}
	if c.queue.len() > 0 || c.pingDue.Load() {
		return false
	}
	select {
	case <-c.closing:
		return false
	default:
	}
	c.writing = false
	return true
}

// writeQueued sends the queued messages until the queue is empty.
func (c *Conn) writeQueued() error {
	for m := c.queue.pop(); m != nil; m = c.queue.pop() {
		if err := c.write(m); err != nil {
			return err
		}
	}
	return nil
}

func (c *Conn) write(m *Message) error {
	c.ws.SetWriteDeadline(time.Now().Add(c.cfg.writeTimeout))
	return m.write(c.ws)
}

// flushAndClose sends the queued messages, then the close frame, and sets
// the deadline for the peer's answer.
func (c *Conn) flushAndClose() {
	if err := c.writeQueued(); err != nil {
		c.fail(err)
		return
	}
	by := time.Now().Add(c.cfg.closeTimeout)
	c.closeBy.Store(by.UnixNano())
	frame := websocket.FormatCloseMessage(c.closeCode, c.closeReason)
	if err := c.ws.WriteControl(websocket.CloseMessage, frame, time.Now().Add(c.cfg.writeTimeout)); err != nil {
		if !errors.Is(err, websocket.ErrCloseSent) { // the peer closed first and was answered
			c.fail(err)
		}
		return
	}
	c.ws.SetReadDeadline(by)
}
