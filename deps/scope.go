package deps

import (
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/stdapi/stdapi"
)

// Scope wraps h so that each request gets a dependency scope, in which
// providers cache their values and whose cleanups run, last-in first-out,
// after h has returned and the response has been flushed. It opens the
// request scope shared with tasks (stdapi.ServeScoped), or joins the one an
// outer middleware opened; nested Scopes share one cache. Scope panics if h
// is nil.
func Scope(h http.Handler) http.Handler {
	if h == nil {
		panic("deps: Scope with a nil handler")
	}
	s := &scopeHandler{next: h}
	s.inner = http.HandlerFunc(s.serveScoped)
	return s
}

type scopeHandler struct {
	next  http.Handler
	inner http.Handler // serveScoped, bound once so that serving allocates nothing for it
}

func (s *scopeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	stdapi.ServeScoped(w, r, s.inner)
}

// Unwrap returns the wrapped handler.
func (s *scopeHandler) Unwrap() http.Handler { return s.next }

func (s *scopeHandler) serveScoped(w http.ResponseWriter, r *http.Request) {
	v, err := stdapi.ScopeValue(r.Context(), stateKey{}, func() any { return &state{req: r} })
	if err == nil {
		st := v.(*state)
		st.mu.Lock()
		if st.req == nil { // a provider was used by a middleware in front of Scope
			st.req = r
		}
		st.mu.Unlock()
	}
	s.next.ServeHTTP(w, r)
}

type stateKey struct{}

// state is the cache of one request, kept in the request scope. Entries are
// appended under mu and never move, so a cached value is read without
// locking: an entry's d is set before n counts it, and its val and err before
// done is set.
type state struct {
	mu    sync.Mutex
	req   *http.Request // set by Scope; nil means no Scope wraps the handler
	n     atomic.Int32  // entries in use
	first chunk
}

const chunkSize = 4

type chunk struct {
	entries [chunkSize]entry
	next    atomic.Pointer[chunk]
}

type entry struct {
	d    *decl
	done atomic.Bool
	val  any
	err  error
	wait chan struct{} // made by the first waiter, under state.mu
}

func newState() any { return new(state) }

// lookup returns d's entry, or nil. It does not lock.
func (st *state) lookup(d *decl) *entry {
	n := int(st.n.Load())
	for i := range min(n, chunkSize) {
		if e := &st.first.entries[i]; e.d == d {
			return e
		}
	}
	c := &st.first
	for i := chunkSize; i < n; i++ {
		if i%chunkSize == 0 {
			c = c.next.Load()
		}
		if e := &c.entries[i%chunkSize]; e.d == d {
			return e
		}
	}
	return nil
}

// add appends an entry for d. It must be called with mu held.
func (st *state) add(d *decl) *entry {
	n := int(st.n.Load())
	c := &st.first
	for i := chunkSize; i <= n; i += chunkSize {
		next := c.next.Load()
		if next == nil {
			next = new(chunk)
			c.next.Store(next)
		}
		c = next
	}
	e := &c.entries[n%chunkSize]
	e.d = d
	st.n.Store(int32(n + 1))
	return e
}

// publish records the outcome of e and wakes its waiters.
func (st *state) publish(e *entry, val any, err error) {
	st.mu.Lock()
	e.val, e.err = val, err
	e.done.Store(true)
	ch := e.wait
	st.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}
