package deps

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/stdapi/stdapi"
)

var (
	// ErrNoScope is the cause of the error returned when a Provider is used
	// in a request that no Scope middleware wraps.
	ErrNoScope = errors.New("deps: no dependency scope in context: wrap the handler with deps.Scope")

	// ErrCycle is the cause of the error returned when dependencies need
	// each other. The error's text names the chain, such as
	// "deps: dependency cycle: A -> B -> A"; errors.Is(err, ErrCycle) holds.
	ErrCycle = errors.New("deps: dependency cycle")

	// ErrScopeEnded is the cause of the error returned when a Provider with a
	// cleanup is first used after the request's cleanups have started (from
	// a goroutine that outlived the handler). The cleanup has run already.
	ErrScopeEnded = errors.New("deps: request scope ended: the cleanup would never run")

	// ErrClosed is the cause of the error returned when a Singleton is used
	// after its App was closed.
	ErrClosed = errors.New("deps: app closed")
)

// wrapError returns err when it holds a *stdapi.Error, whose status the
// client must see (a 401 from an authentication dependency), and otherwise a
// 500 *stdapi.Error whose cause names the dependency. WriteError logs that
// cause and never sends it.
func wrapError(name string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*stdapi.Error](err); ok {
		return err
	}
	return &stdapi.Error{Status: http.StatusInternalServerError, Err: fmt.Errorf("deps: %s: %w", name, err)}
}

// internalError is the 500 answered for err, which already names its cause.
func internalError(err error) error {
	return &stdapi.Error{Status: http.StatusInternalServerError, Err: err}
}
