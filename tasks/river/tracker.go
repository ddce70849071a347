package river

import (
	"context"
	"sync"
)

// tracker counts work in progress and lets Shutdown wait until there is
// none, or its context is done.
type tracker struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0; nil while n is 0
}

func (t *tracker) add(d int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n += d
	switch {
	case t.n > 0 && t.idle == nil:
		t.idle = make(chan struct{})
	case t.n == 0 && t.idle != nil:
		close(t.idle)
		t.idle = nil
	}
}

func (t *tracker) wait(ctx context.Context) error {
	t.mu.Lock()
	idle := t.idle
	t.mu.Unlock()
	if idle == nil {
		return nil
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
