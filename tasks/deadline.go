package tasks

import (
	"context"
	"sync"
	"time"
)

// deadlines enforces a Queue's per-attempt timeout without a runtime timer
// per attempt. Every attempt of a Queue gets the same timeout, so deadlines
// fall in the order attempts start: the attempts in progress form a list
// in that order, and one timer, set for the head, cancels those whose
// deadline has passed. An attempt that ends unlinks itself; the timer is
// left to fire and re-arm itself for the new head (or disarm), so that a
// fast stream of attempts costs two short critical sections each and no
// timer operation. (context.WithTimeout per attempt made and stopped one
// runtime timer per job, and halved the queue's throughput.)
type deadlines struct {
	timeout time.Duration

	mu         sync.Mutex
	head, tail *attemptCtx
	timer      *time.Timer // nil until the first attempt
	armed      bool        // timer is set to fire
}

// attemptCtx is the context of one attempt: a cancelCtx child of the
// worker's context (for Done, Value, propagation and Cause), with the
// attempt's deadline. Like a context.WithTimeout context, its Deadline is
// the earlier of its own and its parent's, and its Err is
// context.DeadlineExceeded once the deadline has cancelled it; contexts
// derived from it see context.Canceled with context.Cause
// context.DeadlineExceeded.
type attemptCtx struct {
	context.Context
	cancel     context.CancelCauseFunc
	deadline   time.Time
	prev, next *attemptCtx
	linked     bool
}

func (c *attemptCtx) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

func (c *attemptCtx) Err() error {
	err := c.Context.Err()
	if err == context.Canceled && context.Cause(c.Context) == context.DeadlineExceeded {
		return context.DeadlineExceeded
	}
	return err
}

// start returns the context of an attempt starting now under parent; the
// attempt ends with end.
func (d *deadlines) start(parent context.Context) *attemptCtx {
	inner, cancel := context.WithCancelCause(parent)
	c := &attemptCtx{Context: inner, cancel: cancel}
	d.mu.Lock()
	c.deadline = time.Now().Add(d.timeout)
	c.linked = true
	if d.tail == nil {
		d.head = c
	} else {
		d.tail.next, c.prev = c, d.tail
	}
	d.tail = c
	if !d.armed {
		d.arm(d.timeout)
	}
	d.mu.Unlock()
	return c
}

// end unlinks c, if the timer has not already, and cancels it.
func (d *deadlines) end(c *attemptCtx) {
	d.mu.Lock()
	d.unlink(c)
	d.mu.Unlock()
	c.cancel(nil)
}

// arm sets the timer to fire after wait; d.mu is held.
func (d *deadlines) arm(wait time.Duration) {
	if d.timer == nil {
		d.timer = time.AfterFunc(wait, d.fire)
	} else {
		d.timer.Reset(wait)
	}
	d.armed = true
}

func (d *deadlines) unlink(c *attemptCtx) {
	if !c.linked {
		return
	}
	if c.prev == nil {
		d.head = c.next
	} else {
		c.prev.next = c.next
	}
	if c.next == nil {
		d.tail = c.prev
	} else {
		c.next.prev = c.prev
	}
	c.prev, c.next, c.linked = nil, nil, false
}

// fire cancels the attempts whose deadline has passed, then sets the timer
// for the next one, if any.
func (d *deadlines) fire() {
	var due []*attemptCtx
	d.mu.Lock()
	now := time.Now()
	for d.head != nil && !d.head.deadline.After(now) {
		c := d.head
		d.unlink(c)
		due = append(due, c)
	}
	d.armed = false
	if d.head != nil {
		d.arm(d.head.deadline.Sub(now))
	}
	d.mu.Unlock()
	for _, c := range due {
		c.cancel(context.DeadlineExceeded)
	}
}
