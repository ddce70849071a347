package testclient

import (
	"sync"
	"time"
)

// DefaultWaitTimeout is how long Wait waits when Client.WaitTimeout is zero.
const DefaultWaitTimeout = 10 * time.Second

// pending counts the request scopes (and, for WebSockets, the handlers) that
// have not finished, for one request or for a whole client (parent).
type pending struct {
	mu     sync.Mutex
	n      int
	idle   chan struct{} // closed while n == 0; nil until the first add
	parent *pending
}

func (p *pending) add(d int) {
	p.mu.Lock()
	if p.n == 0 && d > 0 {
		p.idle = make(chan struct{})
	}
	p.n += d
	if p.n == 0 && p.idle != nil {
		close(p.idle)
	}
	p.mu.Unlock()
	if p.parent != nil {
		p.parent.add(d)
	}
}

// open is the hook given to internal/scopehook: a scope opened, and the
// function it returns is called when the scope's deferred functions have run.
func (p *pending) open() func() {
	p.add(1)
	var once sync.Once
	return func() { once.Do(func() { p.add(-1) }) }
}

// wait reports whether p became idle within timeout.
func (p *pending) wait(timeout time.Duration) bool {
	p.mu.Lock()
	idle := p.idle
	p.mu.Unlock()
	if idle == nil {
		return true
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-idle:
		return true
	case <-t.C:
		return false
	}
}

func (p *pending) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}
