package deps_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// TestCleanupAfterResponse uses a real server and client: the client reads
// the whole body while a cleanup is still blocked, then the cleanups run in
// reverse order of creation.
func TestCleanupAfterResponse(t *testing.T) {
	defer leakcheck.Check(t)()
	started := make(chan string, 3)
	release := make(chan struct{})
	order := make(chan string, 3)
	errs := make(chan error, 3)
	mk := func(name string, block bool, uses ...*deps.Provider[string]) *deps.Provider[string] {
		return deps.NewWithCleanup(func(r *http.Request) (string, func(error), error) {
			v := name
			for _, u := range uses {
				s, err := u.Get(r)
				if err != nil {
					return "", nil, err
				}
				v += "(" + s + ")"
			}
			return v, func(err error) {
				started <- name
				if block {
					<-release
				}
				errs <- err
				order <- name
			}, nil
		}, deps.Name(name))
	}
	db := mk("db", false)
	repo := mk("repo", true, db)
	audit := mk("audit", false)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		v, err := repo.Get(r) // resolves db, then repo
		if err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		a, _ := audit.From(r.Context())
		fmt.Fprint(w, strings.Repeat(v+" "+a+"\n", 1000))
	})
	srv := httptest.NewServer(deps.Scope(mux))
	defer srv.Close()

	client := srv.Client()
	client.Timeout = waitTimeout // fails, not hangs, if the body waited for a cleanup
	resp, err := client.Get(srv.URL + "/items")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The whole body arrived; release has not been closed, so the blocking
	// cleanup (repo) cannot have finished.
	if want := strings.Repeat("repo(db) audit\n", 1000); resp.StatusCode != 200 || string(body) != want {
		t.Fatalf("got %d, %d bytes; want 200, %d bytes", resp.StatusCode, len(body), len(want))
	}
	if got := recv(t, started, "audit's cleanup"); got != "audit" {
		t.Fatalf("first cleanup = %s, want audit", got)
	}
	if got := recv(t, started, "repo's cleanup"); got != "repo" {
		t.Fatalf("second cleanup = %s, want repo", got)
	}
	if got := recv(t, order, "audit's cleanup"); got != "audit" {
		t.Fatalf("%s finished while repo's cleanup is blocked", got)
	}
	close(release)
	for _, want := range []string{"repo", "db"} {
		if got := recv(t, order, "a cleanup"); got != want {
			t.Errorf("cleanup %s, want %s", got, want)
		}
	}
	for range 3 {
		if err := recv(t, errs, "a cleanup's error"); err != nil {
			t.Errorf("cleanup of a successful request got %v", err)
		}
	}
}

// TestCleanupSeesRequestError checks the error handed to cleanups, like a
// yield dependency receiving the exception.
func TestCleanupSeesRequestError(t *testing.T) {
	defer leakcheck.Check(t)()
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		check   func(t *testing.T, err error)
	}{
		{"success", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") },
			func(t *testing.T, err error) {
				if err != nil {
					t.Errorf("err = %v, want nil", err)
				}
			}},
		{"error answered", func(w http.ResponseWriter, r *http.Request) {
			stdapi.WriteError(w, r, stdapi.NewError(409, "Conflict"))
		}, func(t *testing.T, err error) {
			if e, ok := errors.AsType[*stdapi.Error](err); !ok || e.Status != 409 {
				t.Errorf("err = %v, want the 409", err)
			}
		}},
		{"panic", func(w http.ResponseWriter, r *http.Request) { panic("handler bug") },
			func(t *testing.T, err error) {
				if p, ok := errors.AsType[*stdapi.PanicError](err); !ok || p.Value != "handler bug" {
					t.Errorf("err = %v, want the *stdapi.PanicError", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan error, 1)
			tx := deps.NewWithCleanup(func(r *http.Request) (int, func(error), error) {
				return 1, func(err error) { got <- err }, nil
			})
			h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := tx.Get(r); err != nil {
					t.Fatal(err)
				}
				tt.handler(w, r)
			}))
			func() {
				defer func() {
					if v := recover(); v != nil && v != "handler bug" {
						panic(v)
					}
				}()
				do(h, httptest.NewRequest("GET", "/", nil))
			}()
			tt.check(t, recv(t, got, "the cleanup"))
		})
	}
}

func TestCleanupPanicIsLoggedAndOthersRun(t *testing.T) {
	defer leakcheck.Check(t)()
	logs := captureLog(t)
	ran := make(chan string, 2)
	first := deps.NewWithCleanup(func(r *http.Request) (int, func(error), error) {
		return 1, func(error) { ran <- "first" }, nil
	}, deps.Name("first"))
	second := deps.NewWithCleanup(func(r *http.Request) (int, func(error), error) {
		return 2, func(error) { panic("cleanup bug") }, nil
	}, deps.Name("second"))
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first.Get(r)
		second.Get(r) // its cleanup runs first, and panics
		fmt.Fprint(w, "ok")
	}))
	if w := do(h, httptest.NewRequest("GET", "/", nil)); w.Body.String() != "ok" {
		t.Fatalf("body = %q", w.Body)
	}
	if got := recv(t, ran, "the first cleanup"); got != "first" {
		t.Fatal(got)
	}
	attrs, ok := logs.find("deps: cleanup panicked")
	if !ok {
		t.Fatal("no log record for the panicking cleanup")
	}
	if attrs["dependency"] != "second" || attrs["panic"] != "cleanup bug" || !strings.Contains(attrs["stack"], "goroutine") {
		t.Errorf("log attributes = %v", attrs)
	}
}

// TestAfterTheResponse covers goroutines that outlive the handler: they read
// cached values, and cannot first use a provider with a cleanup.
func TestAfterTheResponse(t *testing.T) {
	defer leakcheck.Check(t)()
	cleaning := make(chan struct{})
	late := make(chan error, 1)
	lateCleanup := make(chan error, 1)
	conn := deps.NewWithCleanup(func(r *http.Request) (string, func(error), error) {
		return "conn", func(error) { close(cleaning) }, nil
	})
	tx := deps.NewWithCleanup(func(r *http.Request) (string, func(error), error) {
		return "tx", func(err error) { lateCleanup <- err }, nil
	}, deps.Name("tx"))
	plain := deps.New(func(r *http.Request) (string, error) { return "plain", nil })
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn.Get(r)
		ctx := r.Context()
		go func() {
			<-cleaning
			if v, err := conn.From(ctx); v != "conn" || err != nil {
				t.Errorf("cached value after the response: %q, %v", v, err)
			}
			if v, err := plain.From(ctx); v != "plain" || err != nil {
				t.Errorf("provider without cleanup after the response: %q, %v", v, err)
			}
			_, err := tx.From(ctx)
			late <- err
		}()
	}))
	do(h, httptest.NewRequest("GET", "/", nil))
	err := recv(t, late, "the late use")
	if !errors.Is(err, deps.ErrScopeEnded) || !strings.Contains(err.Error(), "deps: tx: ") {
		t.Errorf("late use of a provider with cleanup: %v, want ErrScopeEnded", err)
	}
	if err := recv(t, lateCleanup, "the late cleanup"); !errors.Is(err, deps.ErrScopeEnded) {
		t.Errorf("late cleanup got %v, want ErrScopeEnded", err)
	}
}

func TestProviderAbortHandlerPanicGoesOn(t *testing.T) {
	defer leakcheck.Check(t)()
	p := deps.New(func(r *http.Request) (int, error) { panic(http.ErrAbortHandler) })
	waiter := make(chan error, 1)
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			// A later use does not hang on the aborted resolve.
			_, err := p.Get(r)
			waiter <- err
		}()
		p.Get(r)
	}))
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		do(h, httptest.NewRequest("GET", "/", nil))
	}()
	if err := recv(t, waiter, "the later use"); err == nil || !strings.Contains(err.Error(), "did not return") {
		t.Errorf("later use: %v", err)
	}
}
