// Package scopeseam lets package bind open the root package's request scope
// for a handler that hands its function a context rather than a request,
// without the copy of the request that stdapi.ServeScoped makes. Package
// stdapi sets Open when it is initialized; bind, which imports stdapi,
// only calls it afterwards.
package scopeseam

import (
	"context"
	"net/http"
)

// Open opens a request scope for r and returns its context and the scope.
// When r's context already has a scope, Open returns that context and a
// nil Scope. The scope's request (stdapi.ScopeRequest) is made from r on
// first use.
var Open func(r *http.Request) (context.Context, Scope)

// Scope is a request scope that Open opened.
type Scope interface {
	// End ends the scope once the handler is done: it flushes w and starts
	// the deferred functions or, when aborted (the handler panicked with
	// http.ErrAbortHandler), records that and starts them without
	// flushing.
	End(w http.ResponseWriter, aborted bool)
}
