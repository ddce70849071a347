package tasks

import (
	"context"
	"sync"
	"sync/atomic"
)

// tracker counts work in progress and lets callers wait until none is left.
// The count changes with one atomic add; the mutex is taken only when the
// count reaches zero while somebody waits, so the hot path stays cheap.
type tracker struct {
	n       atomic.Int64
	waiters atomic.Int32
	mu      sync.Mutex
	idle    chan struct{} // closed when n reaches zero; nil when no one waits
}

func (t *tracker) add(d int64) {
	if t.n.Add(d) == 0 && t.waiters.Load() > 0 {
		t.mu.Lock()
		if t.idle != nil {
			close(t.idle)
			t.idle = nil
		}
		t.mu.Unlock()
	}
}

func (t *tracker) count() int64 { return t.n.Load() }

// wait blocks until the count is zero or ctx is done, and returns ctx.Err()
// in the latter case.
func (t *tracker) wait(ctx context.Context) error {
	t.waiters.Add(1)
	defer t.waiters.Add(-1)
	for {
		t.mu.Lock()
		if t.n.Load() == 0 {
			t.mu.Unlock()
			return nil
		}
		if t.idle == nil {
			t.idle = make(chan struct{})
		}
		idle := t.idle
		t.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
