package stdapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// scoped wraps h in a request scope, the way deps.Scope and tasks.Middleware do.
func scoped(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stdapi.ServeScoped(w, r, h) })
}

// record collects what deferred functions saw, in order.
type record struct {
	mu   sync.Mutex
	got  []string
	done chan struct{}
	want int
}

func newRecord(want int) *record { return &record{done: make(chan struct{}), want: want} }

func (rec *record) add(s string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.got = append(rec.got, s)
	if len(rec.got) == rec.want {
		close(rec.done)
	}
}

func (rec *record) wait(t *testing.T) []string {
	t.Helper()
	select {
	case <-rec.done:
	case <-time.After(5 * time.Second):
		t.Fatal("deferred functions did not run")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.got)
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestDeferRunsLIFOWithRequestError(t *testing.T) {
	defer leakcheck.Check(t)()
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		want    []string
	}{
		{"success", func(w http.ResponseWriter, r *http.Request) {}, []string{"second <nil>", "first <nil>"}},
		{"error written", func(w http.ResponseWriter, r *http.Request) {
			stdapi.WriteError(w, r, stdapi.NewError(404, "Item not found"))
		}, []string{"second 404 Not Found: Item not found", "first 404 Not Found: Item not found"}},
		{"first recorded error wins", func(w http.ResponseWriter, r *http.Request) {
			stdapi.Fail(r.Context(), errors.New("first failure"))
			stdapi.Fail(r.Context(), errors.New("second failure"))
		}, []string{"second first failure", "first first failure"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs(t)
			rec := newRecord(2)
			h := scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stdapi.Defer(r.Context(), func(err error) { rec.add("first " + errText(err)) })
				stdapi.Defer(r.Context(), func(err error) { rec.add("second " + errText(err)) })
				tt.handler(w, r)
			}))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			if got := rec.wait(t); !slices.Equal(got, tt.want) {
				t.Errorf("ran %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNestedScopesShareOne(t *testing.T) {
	defer leakcheck.Check(t)()
	rec := newRecord(2)
	var outer, inner any
	h := scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outer, _ = stdapi.ScopeValue(r.Context(), "k", func() any { return new(int) })
		stdapi.Defer(r.Context(), func(error) { rec.add("outer") })
		stdapi.ServeScoped(w, r, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inner, _ = stdapi.ScopeValue(r.Context(), "k", func() any { return new(int) })
			stdapi.Defer(r.Context(), func(error) { rec.add("inner") })
		}))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if got := rec.wait(t); !slices.Equal(got, []string{"inner", "outer"}) {
		t.Errorf("ran %q, want inner then outer in one run", got)
	}
	if outer == nil || outer != inner {
		t.Errorf("nested scope did not share values: %p vs %p", outer, inner)
	}
}

func TestDeferredRunAfterClientHasResponse(t *testing.T) {
	defer leakcheck.Check(t)()
	release := make(chan struct{})
	ran := make(chan struct{})
	srv := httptest.NewServer(scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stdapi.Defer(r.Context(), func(error) {
			<-release // blocks until the client has read the whole body
			close(ran)
		})
		io.WriteString(w, strings.Repeat("x", 100_000)) // chunked: net/http ends it when the handler returns
	})))
	defer srv.Close()
	client := srv.Client()
	client.Timeout = 5 * time.Second // fails, instead of hanging, if the client is kept waiting
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || len(body) != 100_000 {
		t.Fatalf("read %d bytes, err %v: client kept waiting by deferred work?", len(body), err)
	}
	close(release)
	<-ran
}

func TestPanicIsRecordedAndPropagates(t *testing.T) {
	defer leakcheck.Check(t)()
	logs(t)
	rec := newRecord(1)
	h := scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stdapi.Defer(r.Context(), func(err error) {
			var p *stdapi.PanicError
			if errors.As(err, &p) && p.Value == "boom" && strings.Contains(string(p.Stack), "scope_test.go") {
				rec.add("panic seen")
			} else {
				rec.add("got " + errText(err))
			}
		})
		panic("boom")
	}))
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("recovered %v, want the original panic value", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}()
	if got := rec.wait(t); got[0] != "panic seen" {
		t.Errorf("deferred function saw %q", got[0])
	}
}

func TestDeferredPanicIsLoggedOthersRun(t *testing.T) {
	defer leakcheck.Check(t)()
	buf := logs(t)
	rec := newRecord(1)
	h := scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stdapi.Defer(r.Context(), func(error) { rec.add("first") })
		stdapi.Defer(r.Context(), func(error) { panic("cleanup exploded") })
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	rec.wait(t)
	if got := buf.String(); !strings.Contains(got, "cleanup exploded") || !strings.Contains(got, "level=ERROR") {
		t.Errorf("panic not logged:\n%s", got)
	}
}

func TestNoScope(t *testing.T) {
	ctx := context.Background()
	if stdapi.Defer(ctx, func(error) {}) {
		t.Error("Defer without a scope reported true")
	}
	if _, err := stdapi.ScopeValue(ctx, "k", func() any { return 1 }); !errors.Is(err, stdapi.ErrNoScope) {
		t.Errorf("ScopeValue error = %v, want ErrNoScope", err)
	}
	stdapi.Fail(ctx, errors.New("x")) // must not panic
	if err := stdapi.RequestError(ctx); err != nil {
		t.Errorf("RequestError = %v, want nil", err)
	}
}

func TestDeferAfterFinishIsRefused(t *testing.T) {
	defer leakcheck.Check(t)()
	ctxc := make(chan context.Context, 1)
	rec := newRecord(1)
	h := scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stdapi.Defer(r.Context(), func(error) { rec.add("ran") })
		ctxc <- r.Context()
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	rec.wait(t)
	if stdapi.Defer(<-ctxc, func(error) { t.Error("late function ran") }) {
		t.Error("Defer after the deferred functions started reported true")
	}
}

func TestScopeValueInitOnceUnderConcurrency(t *testing.T) {
	var inits int
	h := scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stdapi.ScopeValue(r.Context(), "k", func() any { inits++; return inits })
			}()
		}
		wg.Wait()
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if inits != 1 {
		t.Errorf("init ran %d times, want 1", inits)
	}
}

func TestWaitDeferred(t *testing.T) {
	defer leakcheck.Check(t)()
	release := make(chan struct{})
	ran := make(chan struct{})
	h := scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stdapi.Defer(r.Context(), func(error) {
			<-release
			close(ran)
		})
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := stdapi.WaitDeferred(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitDeferred with a deferred function blocked = %v, want the context's error", err)
	}
	done := make(chan error, 1)
	go func() { done <- stdapi.WaitDeferred(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("WaitDeferred returned %v before the deferred function ended", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	<-ran
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("WaitDeferred = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitDeferred did not return after the deferred function ended")
	}
}
