package deps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/stdapi/stdapi"
)

// App holds the application-lifetime dependencies (Singletons) and runs
// their cleanups at shutdown. The zero value is ready to use; an App must
// not be copied after first use. Tests make one App each, so that their
// singletons are not shared.
type App struct {
	mu       sync.Mutex
	closed   atomic.Bool
	cleanups []appCleanup
}

type appCleanup struct {
	name string
	fn   func(context.Context) error
}

// Close runs the cleanups of the singletons resolved so far, in reverse
// order of creation, passing each ctx (cleanups should give up when it is
// done; all of them are called anyway). It returns their errors joined; a
// panicking cleanup is reported as an error wrapping a *stdapi.PanicError.
// After Close, singletons of a return an error wrapping ErrClosed. Calling
// Close again does nothing and returns nil.
func (a *App) Close(ctx context.Context) error {
	a.mu.Lock()
	if a.closed.Load() {
		a.mu.Unlock()
		return nil
	}
	a.closed.Store(true)
	list := a.cleanups
	a.cleanups = nil
	a.mu.Unlock()
	var errs []error
	for i := len(list) - 1; i >= 0; i-- {
		if err := list[i].run(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c appCleanup) run(ctx context.Context) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("deps: %s: cleanup: %w", c.name, stdapi.NewPanicError(v))
		}
	}()
	if err := c.fn(ctx); err != nil {
		return fmt.Errorf("deps: %s: cleanup: %w", c.name, err)
	}
	return nil
}

// register queues a cleanup for Close; it reports false when a is closed.
func (a *App) register(name string, fn func(context.Context) error) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed.Load() {
		return false
	}
	a.cleanups = append(a.cleanups, appCleanup{name: name, fn: fn})
	return true
}

// Singleton provides one value of type T for the whole life of an App, such
// as a connection pool: it is made lazily by the first use, once, however
// many goroutines ask at the same time. When the function fails (or panics)
// the error goes to the callers waiting for that attempt and nothing is
// cached: the next use tries again. It is safe for concurrent use.
type Singleton[T any] struct {
	d     decl
	app   *App
	fn    func(ctx context.Context) (T, func(context.Context) error, error)
	ready atomic.Bool // val is set
	val   T
	mu    sync.Mutex
	call  *singletonCall[T] // the attempt in progress
}

type singletonCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// NewSingleton returns a Singleton of app whose value is made by fn.
//
// fn receives a context that is never canceled and carries no request
// values (the value outlives the request that happened to make it first), so
// it cannot use request Providers; it may use other Singletons with that
// context. It panics if app or fn is nil.
func NewSingleton[T any](app *App, fn func(ctx context.Context) (T, error), opts ...Option) *Singleton[T] {
	if fn == nil {
		panic("deps: NewSingleton with a nil function")
	}
	return NewSingletonWithCleanup(app, func(ctx context.Context) (T, func(context.Context) error, error) {
		v, err := fn(ctx)
		return v, nil, err
	}, opts...)
}

// NewSingletonWithCleanup is NewSingleton for a function that also returns
// a cleanup (may be nil), which app.Close runs. When fn returns an error,
// its cleanup is not called.
func NewSingletonWithCleanup[T any](app *App, fn func(ctx context.Context) (T, func(context.Context) error, error), opts ...Option) *Singleton[T] {
	if app == nil {
		panic("deps: NewSingleton with a nil *App")
	}
	if fn == nil {
		panic("deps: NewSingletonWithCleanup with a nil function")
	}
	s := &Singleton[T]{app: app, fn: fn}
	s.d.init("deps.Singleton", typeName[T](), opts)
	return s
}

// From returns the singleton's value, making it on first use. A caller
// waiting for another goroutine's attempt stops waiting when ctx is done.
// Overrides carried by ctx (WithOverrides) replace the value. Errors are
// *stdapi.Error values as for Provider.From; the cause is ErrClosed after the
// App was closed.
func (s *Singleton[T]) From(ctx context.Context) (T, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if o := overrideFor(ctx, &s.d); o != nil && o.app != nil {
		v, err := o.app(ctx)
		t, _ := v.(T)
		return t, wrapError(s.d.name, err)
	}
	if s.ready.Load() && !s.app.closed.Load() {
		return s.val, nil
	}
	return s.resolve(ctx)
}

// Get is From for r's context.
func (s *Singleton[T]) Get(r *http.Request) (T, error) { return s.From(r.Context()) }

// Name returns the singleton's name (see the Name option).
func (s *Singleton[T]) Name() string { return s.d.name }

// OpenAPIParameters returns the parameters the singleton declares.
func (s *Singleton[T]) OpenAPIParameters() []map[string]any { return s.d.parameters() }

// OpenAPISecurity returns the security scheme the singleton declares.
func (s *Singleton[T]) OpenAPISecurity() (name string, scheme map[string]any, scopes []string) {
	return s.d.security()
}

// Override returns an Override that makes fn provide s's value; fn is
// called on every use.
func (s *Singleton[T]) Override(fn func(ctx context.Context) (T, error)) Override {
	return Override{d: &s.d, app: func(ctx context.Context) (any, error) { return fn(ctx) }}
}

// OverrideValue returns an Override that provides v as s's value.
func (s *Singleton[T]) OverrideValue(v T) Override {
	return Override{d: &s.d, app: func(context.Context) (any, error) { return v, nil }}
}

func (s *Singleton[T]) require(r *http.Request) error {
	_, err := s.From(r.Context())
	return err
}

func (s *Singleton[T]) resolve(ctx context.Context) (T, error) {
	var zero T
	s.mu.Lock()
	if s.app.closed.Load() {
		s.mu.Unlock()
		return zero, internalError(fmt.Errorf("deps: %s: %w", s.d.name, ErrClosed))
	}
	if s.ready.Load() {
		s.mu.Unlock()
		return s.val, nil
	}
	if c := s.call; c != nil {
		if err := cycle(ctx, &s.d); err != nil {
			s.mu.Unlock()
			return zero, err
		}
		s.mu.Unlock()
		select {
		case <-c.done:
			return c.val, c.err
		case <-ctx.Done():
			return zero, wrapError(s.d.name, context.Cause(ctx))
		}
	}
	c := &singletonCall[T]{done: make(chan struct{})}
	s.call = c
	s.mu.Unlock()

	finished := false
	defer func() {
		if !finished { // http.ErrAbortHandler or runtime.Goexit: let the next use retry
			s.finish(c, zero, internalError(fmt.Errorf("deps: %s: the function did not return", s.d.name)))
		}
	}()
	val, cleanup, err := s.invoke(ctx)
	if err == nil && cleanup != nil && !s.app.register(s.d.name, cleanup) {
		_ = appCleanup{name: s.d.name, fn: cleanup}.run(context.Background())
		err = ErrClosed
	}
	if err == nil && s.app.closed.Load() {
		err = ErrClosed
	}
	s.finish(c, val, wrapError(s.d.name, err))
	finished = true
	return c.val, c.err
}

// finish records the outcome of attempt c and wakes its waiters.
func (s *Singleton[T]) finish(c *singletonCall[T], val T, err error) {
	s.mu.Lock()
	if err == nil {
		s.val = val
		s.ready.Store(true)
	} else {
		var zero T
		val = zero
	}
	c.val, c.err = val, err
	s.call = nil
	s.mu.Unlock()
	close(c.done)
}

// invoke runs the function with a context that records the resolution chain
// (for cycles) and carries nothing of the request.
func (s *Singleton[T]) invoke(ctx context.Context) (val T, cleanup func(context.Context) error, err error) {
	f := &frame{Context: context.Background(), d: &s.d, parent: frameOf(ctx)}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			var zero T
			val, cleanup, err = zero, nil, stdapi.NewPanicError(v)
		}
	}()
	return s.fn(f)
}
