package ws

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Conn is an upgraded WebSocket connection, handed to the function given to
// Handler. Each connection runs goroutines of its own: a reader, which
// answers pings and close frames and hands data messages to the Read
// methods one at a time, and, while there is something to send, a writer,
// which sends queued messages, pings and the close frame. Both end with
// the connection; an idle connection has no writer.
//
// The Read methods must be called from one goroutine at a time (normally the
// handler's). The reader reads one message ahead: while a message waits for
// a Read, the connection is not read, so keepalive (which watches reads)
// and the client's close frame wait too, until a write fails. A handler
// that only sends should still read, and discard, in a loop; waiting on ctx
// alone is enough only for clients that never send. The Send methods and Close are safe for concurrent use: they
// only queue, and never block on the network.
type Conn struct {
	ws  *websocket.Conn
	req *http.Request
	cfg *config

	ctx    context.Context
	cancel context.CancelFunc

	queue sendQueue    // outgoing, bounded by the SendQueue option
	in    chan inbound // incoming, unbuffered: one message is read ahead at most

	closeOnce   sync.Once
	closing     chan struct{} // closed by Close
	closed      atomic.Bool   // Close was called or the connection ended
	closeCode   int
	closeReason string
	closeBy     atomic.Int64 // deadline (Unix ns) for the peer's close reply; 0 until the close frame is sent

	endOnce sync.Once
	endErr  error // why the connection ended; read only after ctx is done

	wmu     sync.Mutex  // guards writing, and orders starting a writer before the end
	writing bool        // a writer is running, or the close frame was sent: start none
	ctl     uint8       // the length of the control frame peekControl saw, or 0 (here, where it takes no room)
	pingDue atomic.Bool // the ping timer fired: the writer sends a ping
	pinger  *time.Timer // nil without keepalive; guarded by wmu
	ends    []*endHook  // run by end (see afterEnd); guarded by wmu

	wg     sync.WaitGroup // the reader and the running writer
	writer func()         // c.writeLoop, made once: a go statement with it allocates nothing

	br      *bufio.Reader         // the buffer gorilla reads through, when known
	raw     syscall.RawConn       // the socket, when awaitReadable can wait on it (see readable.go)
	peek    func(fd uintptr) bool // c.peekControl, made once (see readable_unix.go)
	reader  func()                // c.readOn, made once, as writer
	pending inbound               // a message read, for the next reader goroutine to deliver; typ 0 for none
}

type inbound struct {
	typ  MessageType
	data []byte
}

// newConn wraps an upgraded connection and starts its reader and its
// keepalive timer. br is the buffer wsc reads through, or nil when
// unknown.
func newConn(wsc *websocket.Conn, r *http.Request, cfg *config, br *bufio.Reader) *Conn {
	// Only the connection's end cancels ctx, so endErr is always set first.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	c := &Conn{
		ws:      wsc,
		req:     r,
		cfg:     cfg,
		ctx:     ctx,
		cancel:  cancel,
		queue:   sendQueue{limit: cfg.sendQueue},
		in:      make(chan inbound),
		closing: make(chan struct{}),
	}
	c.writer = c.writeLoop
	c.reader = c.readOn
	if br != nil {
		c.br = br
		c.watchSocket(wsc.NetConn())
	}
	if cfg.readLimit > 0 {
		wsc.SetReadLimit(wireLimit(cfg.readLimit, cfg.compression))
	}
	wsc.SetPongHandler(func(string) error {
		c.setReadDeadline()
		return nil
	})
	if cfg.pingInterval > 0 {
		c.wmu.Lock() // pingTick reads c.pinger holding it
		c.pinger = time.AfterFunc(cfg.pingInterval, c.pingTick)
		c.wmu.Unlock()
	}
	c.wg.Add(1)
	go c.reader()
	return c
}

// Context returns the connection's context: the upgrade request's context
// (with the values middleware put there), cancelled when the connection ends.
func (c *Conn) Context() context.Context { return c.ctx }

// Request returns the upgrade request: its headers, URL, and a context
// carrying the values middleware put there, such as security's principal.
// Its context is not cancelled when the connection ends; use Context.
func (c *Conn) Request() *http.Request { return c.req }

// Subprotocol returns the subprotocol negotiated during the upgrade (see
// the Subprotocols option), or "".
func (c *Conn) Subprotocol() string { return c.ws.Subprotocol() }

// Read returns the next data message from the client. When the connection
// has ended, or is closing, it returns an error wrapping ErrClosed and the
// cause.
func (c *Conn) Read() (MessageType, []byte, error) {
	select {
	case m := <-c.in:
		return m.typ, m.data, nil
	case <-c.ctx.Done():
		return 0, nil, c.closedErr()
	}
}

// ReadBytes returns the payload of the next message, text or binary.
func (c *Conn) ReadBytes() ([]byte, error) {
	_, b, err := c.Read()
	return b, err
}

// ReadText returns the next message, which must be a text message of valid
// UTF-8. A binary message gives a *CloseError with code 1003 (unsupported
// data), invalid UTF-8 one with code 1007; the handler may return it to close
// the connection with that code.
func (c *Conn) ReadText() (string, error) {
	typ, b, err := c.Read()
	if err != nil {
		return "", err
	}
	if typ != Text {
		return "", &CloseError{Code: CloseUnsupportedData, Reason: "text message expected"}
	}
	if !utf8.Valid(b) {
		return "", &CloseError{Code: CloseInvalidPayload, Reason: "invalid UTF-8"}
	}
	return string(b), nil
}

// Send queues m for sending and returns at once. When the SendQueue option
// messages are already waiting, a message that is not droppable takes the
// place of the oldest droppable one waiting (see Message.Droppable), which
// is then never sent; when there is none, or m is droppable itself, Send
// returns ErrQueueFull without sending m. It returns ErrClosed when the
// connection is closing or has ended. A nil error means the message was
// queued, not that the client received it.
func (c *Conn) Send(m *Message) error {
	_, err := c.enqueue(m, false)
	return err
}

// enqueue is Send for the hub, which also learns how many queued messages
// m pushed out, and may ask for the oldest message to be pushed out when
// no droppable one is waiting.
func (c *Conn) enqueue(m *Message, dropOldest bool) (evicted int, err error) {
	if c.closed.Load() {
		return 0, ErrClosed
	}
	evicted, err = c.queue.push(m, dropOldest)
	if err == nil {
		c.kick()
	}
	return evicted, err
}

// SendText queues a text message; see Send.
func (c *Conn) SendText(s string) error { return c.Send(NewText(s)) }

// SendBytes queues a binary message holding b, which must not be modified
// afterwards; see Send.
func (c *Conn) SendBytes(b []byte) error { return c.Send(NewBinary(b)) }

// Close starts the closing handshake with code and reason (cut to 123
// bytes) and returns at once. Messages already queued are sent first, then
// the close frame; messages received afterwards are dropped, and the
// connection ends when the client answers, or after the CloseTimeout option.
// An invalid close code (one that may not be sent, such as 1005 or 1006) is
// replaced by 1011. Close returns ErrClosed when the connection is already
// closing or has ended.
func (c *Conn) Close(code int, reason string) error {
	err := ErrClosed
	c.closeOnce.Do(func() {
		if !validCloseCode(code) {
			code = CloseInternalError
		}
		c.closeCode, c.closeReason = code, cutReason(reason)
		c.closed.Store(true)
		close(c.closing)
		err = nil
	})
	if err == nil {
		c.kick()
	}
	if err == nil && c.ctx.Err() != nil {
		return ErrClosed
	}
	return err
}

// validCloseCode reports whether code may be sent in a close frame.
func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// end records why the connection ended and cancels its context; the first
// call wins.
func (c *Conn) end(err error) {
	c.endOnce.Do(func() {
		c.wmu.Lock() // a writer starting now is counted before the reader ends
		c.endErr = err
		c.closed.Store(true)
		c.cancel()
		if c.pinger != nil {
			c.pinger.Stop()
		}
		ends := c.ends
		c.ends = nil
		c.wmu.Unlock()
		for _, e := range ends { // without wmu: a hub's leave takes the hub's lock, which a broadcast holds to queue
			e.f()
		}
	})
}

// endHook is a function that end runs.
type endHook struct {
	c *Conn
	f func()
}

// afterEnd is context.AfterFunc(c.Context(), f) for the hub, with fewer
// allocations per member: f runs when the connection ends (at once, in a
// goroutine of its own, if it has ended), unless stop is called first;
// stop reports whether it prevented f from running.
func (c *Conn) afterEnd(f func()) (stop func() bool) {
	e := &endHook{c: c, f: f}
	c.wmu.Lock()
	ended := c.ctx.Err() != nil
	if !ended {
		c.ends = append(c.ends, e)
	}
	c.wmu.Unlock()
	if ended {
		go f()
	}
	return e.stop
}

func (e *endHook) stop() bool {
	c := e.c
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for i, x := range c.ends {
		if x == e {
			c.ends = slices.Delete(c.ends, i, i+1)
			return true
		}
	}
	return false
}

// fail ends the connection and drops the TCP connection, which unblocks the
// other goroutine.
func (c *Conn) fail(err error) {
	c.end(err)
	c.ws.NetConn().Close()
}

// closedErr is the error of a read on an ended connection.
func (c *Conn) closedErr() error {
	if c.endErr == nil || errors.Is(c.endErr, context.Canceled) {
		return ErrClosed
	}
	return fmt.Errorf("%w: %w", ErrClosed, c.endErr)
}

// readOn reads until the connection fails or the close handshake is done,
// then drops the TCP connection. When the socket is watched (see
// readable.go), it reads one message only, and goes on on a new
// goroutine, which delivers the message before it reads the next one:
// the goroutine that waits for the client, or for the function to read,
// never carried a read, and keeps a small stack. The reader goroutines
// run one after the other, and count as one in wg.
func (c *Conn) readOn() {
	handed, err := c.readMessages()
	if handed {
		return
	}
	c.end(err)
	if lingers(err) {
		c.linger()
	}
	c.ws.NetConn().Close()
	c.wg.Done()
}

// readMessages delivers the pending message, if any, and reads the next
// ones until the reading fails, or, with a watched socket, until it has
// handed the message it read to a new goroutine (handed).
func (c *Conn) readMessages() (handed bool, err error) {
	if m := c.pending; m.typ != 0 {
		c.pending = inbound{}
		if err := c.deliver(m); err != nil {
			return false, err
		}
	}
	for {
		c.setReadDeadline()
		c.awaitReadable()
		if took, err := c.takeControl(); took || err != nil {
			if err != nil {
				return false, err
			}
			go c.reader()
			return true, nil
		}
		typ, data, err := c.readMessage()
		if err != nil {
			return false, err
		}
		if c.raw != nil {
			c.pending = inbound{typ, data}
			go c.reader()
			return true, nil
		}
		if err := c.deliver(inbound{typ, data}); err != nil {
			return false, err
		}
	}
}

// deliver hands m to the Read methods; it drops m once the connection is
// closing (only the peer's close frame matters then), and fails when the
// connection has ended.
func (c *Conn) deliver(m inbound) error {
	select {
	case c.in <- m:
	case <-c.closing:
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
	return nil
}

// readMessage reads the next data message, of at most the ReadLimit option
// bytes once inflated (see readLimited). A larger message is not read to its
// end: the client is sent close 1009, as gorilla does for a message too big
// on the wire, and the error is websocket.ErrReadLimit in both cases.
func (c *Conn) readMessage() (MessageType, []byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, err
	}
	data, err := readLimited(r, c.cfg.readLimit)
	if errors.Is(err, websocket.ErrReadLimit) {
		frame := websocket.FormatCloseMessage(CloseMessageTooBig, "")
		c.ws.WriteControl(websocket.CloseMessage, frame, time.Now().Add(c.cfg.writeTimeout))
	}
	return MessageType(typ), data, err
}

// setReadDeadline gives the peer PingInterval+PongTimeout to show life, or,
// once the close frame is sent, until the close deadline.
func (c *Conn) setReadDeadline() {
	if by := c.closeBy.Load(); by != 0 {
		c.ws.SetReadDeadline(time.Unix(0, by))
		return
	}
	var d time.Time
	if c.cfg.pingInterval > 0 {
		d = time.Now().Add(c.cfg.pingInterval + c.cfg.pongTimeout)
	}
	c.ws.SetReadDeadline(d)
	if by := c.closeBy.Load(); by != 0 { // the writer sent the close frame meanwhile
		c.ws.SetReadDeadline(time.Unix(0, by))
	}
}

// lingers reports whether the peer may still send bytes we should read
// before dropping the TCP connection: dropping it with unread data makes the
// kernel send a reset, which can destroy the close frame in flight.
func lingers(err error) bool {
	var ce *websocket.CloseError
	return errors.As(err, &ce) || errors.Is(err, websocket.ErrReadLimit)
}

// linger ends the connection the way RFC 6455 §7.1.1 asks, the server
// closing first: it half-closes the write side (after the close frame, so
// the peer sees it and then end of stream), then discards what the peer
// still sends until the peer closes too, or CloseTimeout passes. Browsers
// and gorilla clients close as soon as they see the server's end of stream.
func (c *Conn) linger() {
	nc := c.ws.NetConn()
	if hc, ok := nc.(interface{ CloseWrite() error }); ok {
		hc.CloseWrite()
	}
	nc.SetReadDeadline(time.Now().Add(c.cfg.closeTimeout))
	io.Copy(io.Discard, nc)
}
