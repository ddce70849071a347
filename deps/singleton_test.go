package deps_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

type pool struct{ id int64 }

func TestSingletonConcurrentFirstUse(t *testing.T) {
	defer leakcheck.Check(t)()
	app := &deps.App{}
	var calls atomic.Int64
	start := make(chan struct{})
	s := deps.NewSingleton(app, func(ctx context.Context) (*pool, error) {
		return &pool{id: calls.Add(1)}, nil
	})
	const n = 32
	got := make([]*pool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			p, err := s.From(context.Background())
			if err != nil {
				t.Error(err)
			}
			got[i] = p
		})
	}
	close(start)
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("calls = %d, want 1", calls.Load())
	}
	for i, p := range got {
		if p != got[0] || p == nil {
			t.Fatalf("caller %d got %p, want %p", i, p, got[0])
		}
	}
}

func TestSingletonFailureIsRetried(t *testing.T) {
	app := &deps.App{}
	var calls atomic.Int64
	s := deps.NewSingleton(app, func(ctx context.Context) (*pool, error) {
		switch n := calls.Add(1); n {
		case 1:
			return nil, errSecret
		case 2:
			panic("dial bug")
		default:
			return &pool{id: n}, nil
		}
	}, deps.Name("pool"))
	_, err := s.From(context.Background())
	if !errors.Is(err, errSecret) || !strings.Contains(err.Error(), "deps: pool: ") {
		t.Fatalf("first use: %v", err)
	}
	if e, ok := errors.AsType[*stdapi.Error](err); !ok || e.StatusCode() != 500 {
		t.Fatalf("first use: %v is not a 500 *stdapi.Error", err)
	}
	if _, err := s.From(context.Background()); !errors.As(err, new(*stdapi.PanicError)) {
		t.Fatalf("second use: %v, want the panic", err)
	}
	for range 2 {
		p, err := s.Get(httptest.NewRequest("GET", "/", nil))
		if err != nil || p.id != 3 {
			t.Fatalf("third use: %v, %v", p, err)
		}
	}
	if calls.Load() != 3 {
		t.Errorf("calls = %d, want 3", calls.Load())
	}
}

func TestSingletonWaiterGivesUp(t *testing.T) {
	defer leakcheck.Check(t)()
	app := &deps.App{}
	entered := make(chan struct{})
	release := make(chan struct{})
	s := deps.NewSingleton(app, func(ctx context.Context) (int, error) {
		close(entered)
		<-release
		return 7, nil
	})
	first := make(chan int)
	go func() { v, _ := s.From(context.Background()); first <- v }()
	recv(t, entered, "the first resolve")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.From(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("waiter with a canceled context: %v", err)
	}
	close(release)
	if v := recv(t, first, "the first resolve"); v != 7 {
		t.Errorf("first = %d", v)
	}
}

func TestAppClose(t *testing.T) {
	app := &deps.App{}
	var order []string
	mk := func(name string, cleanupErr error, uses ...*deps.Singleton[string]) *deps.Singleton[string] {
		return deps.NewSingletonWithCleanup(app, func(ctx context.Context) (string, func(context.Context) error, error) {
			for _, u := range uses {
				if _, err := u.From(ctx); err != nil {
					return "", nil, err
				}
			}
			return name, func(ctx context.Context) error {
				order = append(order, name)
				if name == "cache" {
					panic("cache cleanup bug")
				}
				return cleanupErr
			}, nil
		}, deps.Name(name))
	}
	cfg := mk("config", nil)
	db := mk("db", errSecret, cfg)
	cache := mk("cache", nil)
	never := mk("never", nil)
	noCleanup := deps.NewSingleton(app, func(context.Context) (int, error) { return 1, nil })

	for _, s := range []*deps.Singleton[string]{db, cache} {
		if _, err := s.From(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	noCleanup.From(context.Background())

	err := app.Close(context.Background())
	if got := strings.Join(order, ","); got != "cache,db,config" {
		t.Errorf("cleanup order = %s, want cache,db,config", got)
	}
	if !errors.Is(err, errSecret) || !errors.As(err, new(*stdapi.PanicError)) {
		t.Errorf("Close() = %v, want the db error and the cache panic", err)
	}
	if !strings.Contains(err.Error(), "deps: db: cleanup: ") || !strings.Contains(err.Error(), "deps: cache: cleanup: panic: cache cleanup bug") {
		t.Errorf("Close() = %q, want errors naming the singletons", err)
	}
	for _, d := range []*deps.Singleton[string]{db, never} {
		if _, err := d.From(context.Background()); !errors.Is(err, deps.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", d.Name(), err)
		}
	}
	if _, err := noCleanup.From(context.Background()); !errors.Is(err, deps.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
	if err := app.Close(context.Background()); err != nil || len(order) != 3 {
		t.Errorf("second Close() = %v, cleanups %v", err, order)
	}
}

// TestAppCloseDuringResolve checks that a singleton made while its App
// closes is cleaned up at once and not handed out.
func TestAppCloseDuringResolve(t *testing.T) {
	defer leakcheck.Check(t)()
	app := &deps.App{}
	entered := make(chan struct{})
	release := make(chan struct{})
	cleaned := make(chan struct{})
	s := deps.NewSingletonWithCleanup(app, func(ctx context.Context) (int, func(context.Context) error, error) {
		close(entered)
		<-release
		return 1, func(context.Context) error { close(cleaned); return nil }, nil
	})
	res := make(chan error)
	go func() { _, err := s.From(context.Background()); res <- err }()
	recv(t, entered, "the resolve")
	if err := app.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := recv(t, res, "the resolve"); !errors.Is(err, deps.ErrClosed) {
		t.Errorf("resolve during Close: %v, want ErrClosed", err)
	}
	recv(t, cleaned, "the cleanup")
}

func TestSingletonCycle(t *testing.T) {
	defer leakcheck.Check(t)()
	app := &deps.App{}
	var a, b *deps.Singleton[int]
	a = deps.NewSingleton(app, func(ctx context.Context) (int, error) { return b.From(ctx) }, deps.Name("A"))
	b = deps.NewSingleton(app, func(ctx context.Context) (int, error) { return a.From(ctx) }, deps.Name("B"))
	done := make(chan error, 1)
	go func() { _, err := a.From(context.Background()); done <- err }()
	err := recv(t, done, "the resolve (deadlock?)")
	if !errors.Is(err, deps.ErrCycle) || !strings.Contains(err.Error(), "deps: dependency cycle: A -> B -> A") {
		t.Errorf("error = %v, want the cycle A -> B -> A", err)
	}
}

func TestSingletonInRequest(t *testing.T) {
	defer leakcheck.Check(t)()
	app := &deps.App{}
	var made atomic.Int64
	p := deps.NewSingleton(app, func(ctx context.Context) (*pool, error) {
		// A singleton cannot use request dependencies: its context has none.
		if _, err := reqID.From(ctx); !errors.Is(err, deps.ErrNoScope) {
			t.Errorf("request dependency in a singleton: %v, want ErrNoScope", err)
		}
		return &pool{id: made.Add(1)}, nil
	})
	conn := deps.New(func(r *http.Request) (string, error) {
		pl, err := p.Get(r)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("conn from pool %d", pl.id), nil
	})
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := conn.Get(r)
		if err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		fmt.Fprint(w, c)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, err := srv.Client().Get(srv.URL)
			if err != nil {
				t.Error(err)
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || string(body) != "conn from pool 1" {
				t.Errorf("got %d %q %v", resp.StatusCode, body, err)
			}
		})
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Errorf("pool made %d times, want 1", made.Load())
	}
	srv.Client().CloseIdleConnections()
}

var reqID = deps.New(func(r *http.Request) (string, error) { return r.Header.Get("X-Request-Id"), nil })

func TestSingletonAbortHandlerPanicGoesOn(t *testing.T) {
	app := &deps.App{}
	var calls atomic.Int64
	s := deps.NewSingleton(app, func(context.Context) (int64, error) {
		if calls.Add(1) == 1 {
			panic(http.ErrAbortHandler)
		}
		return 2, nil
	})
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		s.From(context.Background())
	}()
	//lint:ignore SA1012 a nil context is allowed
	if v, err := s.From(nil); v != 2 || err != nil {
		t.Errorf("next use: %d, %v; want a retry", v, err)
	}
}
