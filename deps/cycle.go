package deps

import (
	"context"
	"net/http"
	"slices"
	"strings"
)

// cycleError names the chain of a dependency cycle.
type cycleError struct{ chain []string }

func (e *cycleError) Error() string {
	return ErrCycle.Error() + ": " + strings.Join(e.chain, " -> ")
}

func (e *cycleError) Is(target error) bool { return target == ErrCycle }

// frame is the context handed to a provider's function while it runs: it
// carries the chain of dependencies being resolved, so that a function that
// uses a dependency already on the chain gets ErrCycle instead of waiting
// for itself forever.
type frame struct {
	context.Context
	req    http.Request // the request handed to a Provider's function
	d      *decl
	parent *frame
}

type frameKey struct{}

func (f *frame) Value(key any) any {
	if key == (frameKey{}) {
		return f
	}
	return f.Context.Value(key)
}

func frameOf(ctx context.Context) *frame {
	f, _ := ctx.Value(frameKey{}).(*frame)
	return f
}

// cycle returns the error for d when ctx is inside the resolution of d, or
// nil. The chain starts at the first resolution of d and ends with d again.
func cycle(ctx context.Context, d *decl) error {
	var chain []string
	for f := frameOf(ctx); f != nil; f = f.parent {
		chain = append(chain, f.d.name)
		if f.d == d {
			slices.Reverse(chain)
			return internalError(&cycleError{chain: append(chain, d.name)})
		}
	}
	return nil
}
