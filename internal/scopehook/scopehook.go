// Package scopehook lets a caller observe the request scopes that the root
// package's ServeScoped opens for a context: the test client uses it to wait
// for one request's background tasks and dependency cleanups, without
// waiting for every request of the process. Package ws also calls Open for
// a WebSocket connection it runs after ServeHTTP has returned (its Detach
// option), and calls done when the connection has ended, so that the test
// client waits for the connection as it waits for a handler.
package scopehook

import (
	"context"
	"sync/atomic"
)

type key struct{}

// used is set by the first With, so that Open costs a production server one
// atomic load and no context lookup.
var used atomic.Bool

// With returns a copy of ctx under which opening a request scope calls open,
// at once and on the goroutine opening it. The function open returns, when
// not nil, is called once after every function deferred in that scope has
// run (right away when nothing was deferred, also when the handler
// panicked).
func With(ctx context.Context, open func() (done func())) context.Context {
	used.Store(true)
	return context.WithValue(ctx, key{}, open)
}

// Open is called by ServeScoped when it opens a scope for ctx. It calls the
// hook that With put in ctx and returns the function to call when the
// scope's deferred functions have all run, or nil when ctx has no hook.
func Open(ctx context.Context) (done func()) {
	if !used.Load() {
		return nil
	}
	open, _ := ctx.Value(key{}).(func() func())
	if open == nil {
		return nil
	}
	return open()
}
