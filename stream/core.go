package stream

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/stdapi/stdapi"
)

// core is the untyped part of an events stream: a bounded queue of encoded
// frames and the one goroutine that writes them to the client.
type core struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	req *http.Request
	cfg *config

	ctx    context.Context
	cancel context.CancelCauseFunc

	queue chan []byte   // encoded frames; a nil frame only opens the response
	quit  chan struct{} // closed by stop: write what is queued, then end
	done  chan struct{} // closed when run has returned

	opened     bool // the response has started; written by run, read after done
	noDeadline bool // w has no write deadline (http.ErrNotSupported): run stops asking

	mu       sync.Mutex // guards finished, against a late unblock
	finished bool       // the handler is returning: w must not be touched

	memberState // see Stream.Join
}

func newCore(w http.ResponseWriter, r *http.Request, cfg *config) *core {
	ctx, cancel := context.WithCancelCause(r.Context())
	c := &core{
		w: w, rc: http.NewResponseController(w), req: r, cfg: cfg,
		ctx: ctx, cancel: cancel,
		queue: make(chan []byte, cfg.sendQueue),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	context.AfterFunc(ctx, c.unblock)
	return c
}

// unblock ends a write in progress when the stream ends (a hub disconnects
// it), rather than letting it wait for WriteTimeout.
func (c *core) unblock() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.finished {
		c.rc.SetWriteDeadline(time.Now())
	}
}

// send queues frame, waiting while the queue is full.
func (c *core) send(frame []byte) error {
	if c.ctx.Err() != nil {
		return ErrClosed
	}
	select {
	case c.queue <- frame:
		return nil
	case <-c.ctx.Done():
		return ErrClosed
	case <-c.quit:
		return ErrClosed
	}
}

// trySend queues frame if there is room, without waiting.
func (c *core) trySend(frame []byte) (full bool, err error) {
	select {
	case <-c.ctx.Done():
		return false, ErrClosed
	case <-c.quit:
		return false, ErrClosed
	default:
	}
	select {
	case c.queue <- frame:
		return false, nil
	default:
		return true, nil
	}
}

// run is the stream's writer: it writes queued frames, flushing after each
// batch, and a keepalive comment after KeepAlive without writes.
func (c *core) run() {
	defer close(c.done)
	var tick <-chan time.Time
	var t *time.Ticker
	if c.cfg.keepAlive > 0 {
		t = time.NewTicker(c.cfg.keepAlive)
		defer t.Stop()
		tick = t.C
	}
	for {
		var err error
		select {
		case f := <-c.queue:
			err = c.writeBatch(f)
		case <-tick:
			err = c.writeBatch(keepAliveFrame)
		case <-c.quit:
			c.drain()
			return
		case <-c.ctx.Done():
			return
		}
		if err != nil {
			c.cancel(err)
			return
		}
		if t != nil {
			t.Reset(c.cfg.keepAlive)
		}
	}
}

// writeBatch writes f and whatever else is queued already, then flushes
// once: a fast producer costs one flush per batch, not per event.
func (c *core) writeBatch(f []byte) error {
	if !c.noDeadline && errors.Is(c.rc.SetWriteDeadline(time.Now().Add(c.cfg.writeTimeout)), http.ErrNotSupported) {
		c.noDeadline = true // some writers have none (httptest's): each try would cost an error value
	}
	if err := context.Cause(c.ctx); err != nil {
		return err // ended meanwhile: unblock may have run before the deadline was set
	}
	if err := c.write(f); err != nil {
		return err
	}
	for range len(c.queue) {
		if err := c.write(<-c.queue); err != nil {
			return err
		}
	}
	return c.rc.Flush()
}

// drain writes what is queued once the handler has returned.
func (c *core) drain() {
	if len(c.queue) == 0 || c.ctx.Err() != nil {
		return
	}
	if err := c.writeBatch(<-c.queue); err != nil {
		c.cancel(err)
	}
}

func (c *core) write(f []byte) error {
	if !c.opened {
		h := c.w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Accel-Buffering", "no")
		h.Del("Content-Length")
		c.w.WriteHeader(http.StatusOK)
		c.opened = true
	}
	if len(f) == 0 {
		return nil
	}
	_, err := c.w.Write(f)
	return err
}

// stop ends the writer, after it wrote what was queued, and waits for it.
func (c *core) stop() {
	close(c.quit)
	<-c.done
}

// finish answers the way the handler's result asks, once the writer has
// ended; see Events.
func (c *core) finish(err error) {
	defer func() {
		c.mu.Lock()
		c.finished = true
		c.mu.Unlock()
		c.cancel(ErrClosed)
	}()
	if !c.opened {
		if err == nil {
			c.w.WriteHeader(http.StatusNoContent)
			return
		}
		stdapi.WriteError(c.w, c.req, err)
		return
	}
	if err == nil || c.ctx.Err() != nil || errors.Is(err, ErrClosed) {
		return // the client is gone, or was disconnected: nothing to tell it
	}
	frame, _ := encodeEvent("", "error", problemBody(c.req, err), 0)
	c.rc.SetWriteDeadline(time.Now().Add(c.cfg.writeTimeout))
	if _, werr := c.w.Write(frame); werr == nil {
		c.rc.Flush()
	}
}

// problemBody is the body stdapi.WriteError writes for err (which it also
// logs, as for any response).
func problemBody(r *http.Request, err error) []byte {
	var rec problemRecorder
	stdapi.WriteError(&rec, r, err)
	return rec.body
}

type problemRecorder struct {
	header http.Header
	body   []byte
}

func (p *problemRecorder) Header() http.Header {
	if p.header == nil {
		p.header = http.Header{}
	}
	return p.header
}

func (p *problemRecorder) Write(b []byte) (int, error) {
	p.body = append(p.body, b...)
	return len(b), nil
}

func (p *problemRecorder) WriteHeader(int) {}
