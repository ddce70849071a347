package deps_test

import (
	"context"
	"errors"
	"fmt"
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

type session struct{ id int64 }

func TestCaching(t *testing.T) {
	defer leakcheck.Check(t)()
	tests := []struct {
		name      string
		opts      []deps.Option
		uses      int
		wantCalls int64
	}{
		{"cached once per request", nil, 3, 1},
		{"single use", nil, 1, 1},
		{"no cache calls every time", []deps.Option{deps.NoCache()}, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls, cleanups atomic.Int64
			cleaned := make(chan struct{}, tt.uses)
			p := deps.NewWithCleanup(func(r *http.Request) (*session, func(error), error) {
				s := &session{id: calls.Add(1)}
				return s, func(error) { cleanups.Add(1); cleaned <- struct{}{} }, nil
			}, tt.opts...)
			h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var ids []string
				for i := range tt.uses {
					var s *session
					var err error
					if i%2 == 0 {
						s, err = p.Get(r)
					} else {
						s, err = p.From(r.Context())
					}
					if err != nil {
						stdapi.WriteError(w, r, err)
						return
					}
					ids = append(ids, fmt.Sprint(s.id))
				}
				fmt.Fprint(w, strings.Join(ids, ","))
			}))

			for req := int64(0); req < 2; req++ {
				w := do(h, httptest.NewRequest("GET", "/", nil))
				for range tt.wantCalls {
					recv(t, cleaned, "cleanup")
				}
				var want []string
				for i := range tt.uses {
					id := req*tt.wantCalls + 1
					if tt.wantCalls > 1 {
						id += int64(i)
					}
					want = append(want, fmt.Sprint(id))
				}
				if w.Code != 200 || w.Body.String() != strings.Join(want, ",") {
					t.Fatalf("request %d: got %d %q, want 200 %q", req, w.Code, w.Body, strings.Join(want, ","))
				}
			}
			if got := calls.Load(); got != 2*tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, 2*tt.wantCalls)
			}
			if got := cleanups.Load(); got != 2*tt.wantCalls {
				t.Errorf("cleanups = %d, want %d", got, 2*tt.wantCalls)
			}
		})
	}
}

type user struct{ name string }

func TestSubDependencies(t *testing.T) {
	var tokenCalls, userCalls atomic.Int64
	token := deps.New(func(r *http.Request) (string, error) {
		tokenCalls.Add(1)
		tok := r.Header.Get("X-Token")
		if tok == "" {
			return "", &stdapi.Error{Status: 401, Detail: "Not authenticated",
				Header: http.Header{"WWW-Authenticate": {"Bearer"}}}
		}
		return tok, nil
	}, deps.Name("token"), deps.Parameter("header", "X-Token", "API token", true))
	current := deps.New(func(r *http.Request) (*user, error) {
		userCalls.Add(1)
		tok, err := token.Get(r)
		if err != nil {
			return nil, err
		}
		if tok == "broken" {
			return nil, errors.New("user store: connection refused to 10.0.0.7")
		}
		return &user{name: "user-" + tok}, nil
	}, deps.Name("user"), deps.Uses(token))
	admin := deps.New(func(r *http.Request) (bool, error) {
		u, err := current.From(r.Context())
		if err != nil {
			return false, err
		}
		return u.name == "user-root", nil
	}, deps.Name("admin"), deps.Uses(current))

	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		isAdmin, err := admin.Get(r)
		if err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		u, _ := current.Get(r)
		tok, _ := token.Get(r)
		fmt.Fprintf(w, "%s %s %v", tok, u.name, isAdmin)
	}))

	tests := []struct {
		token      string
		wantStatus int
		wantBody   string
		wantHeader string
	}{
		{"root", 200, "root user-root true", ""},
		{"bob", 200, "bob user-bob false", ""},
		{"", 401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`, "Bearer"},
		{"broken", 500, `{"type":"about:blank","title":"Internal Server Error","status":500}`, ""},
	}
	for _, tt := range tests {
		t.Run("token="+tt.token, func(t *testing.T) {
			tokenCalls.Store(0)
			userCalls.Store(0)
			r := httptest.NewRequest("GET", "/", nil)
			if tt.token != "" {
				r.Header.Set("X-Token", tt.token)
			}
			w := do(h, r)
			if w.Code != tt.wantStatus || w.Body.String() != tt.wantBody {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
			if got := w.Header().Get("WWW-Authenticate"); got != tt.wantHeader {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.wantHeader)
			}
			if tokenCalls.Load() != 1 || userCalls.Load() != 1 {
				t.Errorf("calls: token %d, user %d; want 1 each", tokenCalls.Load(), userCalls.Load())
			}
		})
	}

	wantParams := `[map[description:API token in:header name:X-Token required:true schema:map[type:string]]]`
	for _, d := range []deps.Dependency{token, current, admin} {
		if got := fmt.Sprint(d.OpenAPIParameters()); got != wantParams {
			t.Errorf("%s.OpenAPIParameters() = %s, want %s", d.Name(), got, wantParams)
		}
	}
}

// TestProviderErrors checks what a client receives for each kind of failure
// of a provider, through a plain handler using Get and WriteError.
func TestProviderErrors(t *testing.T) {
	const generic500 = `{"type":"about:blank","title":"Internal Server Error","status":500}`
	tests := []struct {
		name       string
		fn         func(r *http.Request) (int, error)
		wantStatus int
		wantBody   string
		wantCause  error
	}{
		{"stdapi error keeps its status", func(*http.Request) (int, error) {
			return 0, stdapi.NewError(http.StatusUnauthorized, "Not authenticated")
		}, 401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`, nil},
		{"wrapped stdapi error keeps its status", func(*http.Request) (int, error) {
			return 0, fmt.Errorf("checking: %w", stdapi.NewError(http.StatusForbidden, "Not allowed"))
		}, 403, `{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not allowed"}`, nil},
		{"plain error is a generic 500", func(*http.Request) (int, error) {
			return 0, errSecret
		}, 500, generic500, errSecret},
		{"panic is a generic 500", func(*http.Request) (int, error) {
			panic("password=hunter2")
		}, 500, generic500, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := deps.New(tt.fn, deps.Name("failing"))
			var got error
			h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, err := p.Get(r)
				got = err
				stdapi.WriteError(w, r, err)
			}))
			w := do(h, httptest.NewRequest("GET", "/", nil))
			if w.Code != tt.wantStatus || w.Body.String() != tt.wantBody {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
			if _, ok := errors.AsType[*stdapi.Error](got); !ok {
				t.Errorf("error %T is not a *stdapi.Error", got)
			}
			if tt.wantCause != nil && !errors.Is(got, tt.wantCause) {
				t.Errorf("errors.Is(%v, cause) = false", got)
			}
			if tt.wantStatus == 500 && !strings.Contains(got.Error(), "deps: failing: ") {
				t.Errorf("error %q does not name the provider", got)
			}
		})
	}
	t.Run("panic value", func(t *testing.T) {
		p := deps.New(func(*http.Request) (int, error) { panic("boom") })
		h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, err := p.Get(r)
			pe, ok := errors.AsType[*stdapi.PanicError](err)
			if !ok || pe.Value != "boom" || len(pe.Stack) == 0 {
				t.Errorf("error %v: no *stdapi.PanicError for the panic", err)
			}
			// The failure is cached: a second use does not call the function again.
			if _, err2 := p.Get(r); err2 != err {
				t.Errorf("second use: %v, want the same error", err2)
			}
		}))
		do(h, httptest.NewRequest("GET", "/", nil))
	})
}

var errSecret = errors.New("db: password=hunter2 rejected")

func TestNoScope(t *testing.T) {
	p := deps.New(func(*http.Request) (int, error) { return 1, nil })
	check := func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, deps.ErrNoScope) {
			t.Fatalf("error = %v, want ErrNoScope", err)
		}
		if !strings.Contains(err.Error(), "deps.Scope") {
			t.Errorf("error %q does not name deps.Scope", err)
		}
	}
	t.Run("Get without any scope", func(t *testing.T) {
		_, err := p.Get(httptest.NewRequest("GET", "/", nil))
		check(t, err)
	})
	t.Run("From with a background context", func(t *testing.T) {
		_, err := p.From(context.Background())
		check(t, err)
	})
	t.Run("From with a nil context", func(t *testing.T) {
		//lint:ignore SA1012 a nil context is what this test is about
		_, err := p.From(nil)
		check(t, err)
	})
	t.Run("Get in a scope without deps.Scope", func(t *testing.T) {
		// Any stdapi scope (a bind handler opens one) is enough: it holds
		// the request that From hands the provider.
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			stdapi.ServeScoped(w, r, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				u, err2 := p.From(r.Context())
				v, err := p.Get(r)
				fmt.Fprint(w, v, err, u, err2)
			}))
		})
		if w := do(h, httptest.NewRequest("GET", "/", nil)); w.Body.String() != "1 <nil> 1 <nil>" {
			t.Errorf("body = %q, want %q", w.Body, "1 <nil> 1 <nil>")
		}
	})
}

func TestCycles(t *testing.T) {
	defer leakcheck.Check(t)()
	var a, b *deps.Provider[int]
	a = deps.New(func(r *http.Request) (int, error) {
		v, err := b.Get(r)
		return v + 1, err
	}, deps.Name("A"))
	b = deps.New(func(r *http.Request) (int, error) {
		v, err := a.From(r.Context())
		return v + 1, err
	}, deps.Name("B"))
	var selfp *deps.Provider[int]
	selfp = deps.New(func(r *http.Request) (int, error) { return selfp.Get(r) }, deps.Name("Self"), deps.NoCache())
	// C resolves D in another goroutine, with the request it received; D needs C.
	var c, d *deps.Provider[int]
	c = deps.New(func(r *http.Request) (int, error) {
		ch := make(chan error)
		go func() { _, err := d.Get(r); ch <- err }()
		return 0, <-ch
	}, deps.Name("C"))
	d = deps.New(func(r *http.Request) (int, error) { return c.Get(r) }, deps.Name("D"))

	tests := []struct {
		name      string
		p         *deps.Provider[int]
		wantChain string
	}{
		{"two providers", a, "deps: dependency cycle: A -> B -> A"},
		{"entering from the middle", b, "deps: dependency cycle: B -> A -> B"},
		{"uncached provider using itself", selfp, "deps: dependency cycle: Self -> Self"},
		{"through a goroutine", c, "deps: dependency cycle: C -> D -> C"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := make(chan error, 1)
			h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, err := tt.p.Get(r)
				errs <- err
				stdapi.WriteError(w, r, err)
			}))
			done := make(chan *httptest.ResponseRecorder, 1)
			go func() { done <- do(h, httptest.NewRequest("GET", "/", nil)) }()
			w := recv(t, done, "the request (deadlock?)")
			err := recv(t, errs, "the error")
			if !errors.Is(err, deps.ErrCycle) {
				t.Fatalf("error = %v, want ErrCycle", err)
			}
			if !strings.Contains(err.Error(), tt.wantChain) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantChain)
			}
			if w.Code != 500 || strings.Contains(w.Body.String(), "cycle") {
				t.Errorf("got %d %s, want a generic 500", w.Code, w.Body)
			}
		})
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	defer leakcheck.Check(t)()
	var calls atomic.Int64
	entered := make(chan struct{})
	release := make(chan struct{})
	p := deps.New(func(r *http.Request) (*session, error) {
		close(entered)
		<-release
		return &session{id: calls.Add(1)}, nil
	})
	const n = 8
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		results := make(chan *session, n+1)
		go func() { s, _ := p.From(r.Context()); results <- s }()
		recv(t, entered, "the first resolve")
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				s, err := p.From(r.Context())
				if err != nil {
					t.Error(err)
				}
				results <- s
			})
		}
		close(release)
		wg.Wait()
		first := recv(t, results, "a result")
		for range n {
			if s := recv(t, results, "a result"); s != first {
				t.Errorf("got session %p, want %p", s, first)
			}
		}
	}))
	do(h, httptest.NewRequest("GET", "/", nil))
	if got := calls.Load(); got != 1 {
		t.Errorf("calls = %d, want 1", got)
	}
}

func TestWaiterGivesUpWhenContextDone(t *testing.T) {
	defer leakcheck.Check(t)()
	entered := make(chan struct{})
	release := make(chan struct{})
	p := deps.New(func(r *http.Request) (int, error) {
		close(entered)
		<-release
		return 1, nil
	})
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first := make(chan int)
		go func() { v, _ := p.Get(r); first <- v }()
		recv(t, entered, "the first resolve")
		ctx, cancel := context.WithCancelCause(r.Context())
		cancel(errSecret)
		if _, err := p.From(ctx); !errors.Is(err, errSecret) {
			t.Errorf("waiter with a done context: %v, want its cause", err)
		}
		close(release)
		if v := recv(t, first, "the first resolve"); v != 1 {
			t.Errorf("first = %d", v)
		}
	}))
	do(h, httptest.NewRequest("GET", "/", nil))
}

func TestProviderSeesCallerContext(t *testing.T) {
	type key struct{}
	p := deps.New(func(r *http.Request) (string, error) {
		v, _ := r.Context().Value(key{}).(string)
		return r.Method + " " + r.URL.Path + " " + r.Header.Get("X-Name") + " " + v, nil
	})
	// A middleware after Scope adds a context value, as security.Require does.
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), key{}, "principal")
		s, err := p.From(ctx)
		if err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		fmt.Fprint(w, s)
	}))
	r := httptest.NewRequest("POST", "/items", nil)
	r.Header.Set("X-Name", "ada")
	if w := do(h, r); w.Body.String() != "POST /items ada principal" {
		t.Errorf("body = %q", w.Body)
	}
}

func TestNestedScopesShareOneCache(t *testing.T) {
	var calls atomic.Int64
	p := deps.New(func(r *http.Request) (int64, error) { return calls.Add(1), nil })
	inner := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := p.Get(r)
		fmt.Fprint(w, v)
	}))
	outer := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.Get(r)
		inner.ServeHTTP(w, r)
	}))
	if w := do(outer, httptest.NewRequest("GET", "/", nil)); w.Body.String() != "1" || calls.Load() != 1 {
		t.Errorf("body %q, calls %d; want 1 and 1", w.Body, calls.Load())
	}
	if u, ok := inner.(interface{ Unwrap() http.Handler }); !ok || u.Unwrap() == nil {
		t.Error("Scope's handler does not unwrap")
	}
}

func TestNames(t *testing.T) {
	app := &deps.App{}
	tests := []struct {
		d    deps.Dependency
		want string
	}{
		{deps.New(func(*http.Request) (*session, error) { return nil, nil }), "deps.Provider[*deps_test.session]"},
		{deps.New(func(*http.Request) (error, error) { return nil, nil }), "deps.Provider[error]"},
		{deps.New(func(*http.Request) (int, error) { return 0, nil }, deps.Name("count")), "count"},
		{deps.New(func(*http.Request) (int, error) { return 0, nil }, nil), "deps.Provider[int]"},
		{deps.NewSingleton(app, func(context.Context) ([]string, error) { return nil, nil }), "deps.Singleton[[]string]"},
	}
	for _, tt := range tests {
		if got := tt.d.Name(); got != tt.want {
			t.Errorf("Name() = %q, want %q", got, tt.want)
		}
	}
}

func TestNilFunctionsPanic(t *testing.T) {
	tests := map[string]func(){
		"New":                     func() { deps.New[int](nil) },
		"NewWithCleanup":          func() { deps.NewWithCleanup[int](nil) },
		"NewSingleton":            func() { deps.NewSingleton[int](&deps.App{}, nil) },
		"NewSingletonWithCleanup": func() { deps.NewSingletonWithCleanup[int](&deps.App{}, nil) },
		"Scope":                   func() { deps.Scope(nil) },
		"NewSingleton nil app": func() {
			deps.NewSingleton(nil, func(context.Context) (int, error) { return 0, nil })
		},
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if v := recover(); v == nil || !strings.HasPrefix(fmt.Sprint(v), "deps: ") {
					t.Errorf("recovered %v, want a deps panic", v)
				}
			}()
			fn()
		})
	}
}

// TestManyProviders fills more than one block of the request cache, from
// several goroutines at once.
func TestManyProviders(t *testing.T) {
	defer leakcheck.Check(t)()
	const n = 11
	var calls [n]atomic.Int64
	ps := make([]*deps.Provider[int], n)
	for i := range ps {
		ps[i] = deps.New(func(r *http.Request) (int, error) {
			calls[i].Add(1)
			return i * 10, nil
		})
	}
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for k := range 3 * n {
					i := (k + g*3) % n
					if v, err := ps[i].From(r.Context()); v != i*10 || err != nil {
						t.Errorf("provider %d: %d, %v", i, v, err)
					}
				}
			})
		}
		wg.Wait()
	}))
	do(h, httptest.NewRequest("GET", "/", nil))
	for i := range calls {
		if got := calls[i].Load(); got != 1 {
			t.Errorf("provider %d called %d times, want 1", i, got)
		}
	}
}
