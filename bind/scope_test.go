package bind_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/tasks"
)

type ctxKey struct{}

// A bind handler without middleware opens the request scope itself: its
// function's context carries what middleware put in the request's, tasks
// run after the response and are skipped when the request failed, and a
// provider used through From finds the request.
func TestHandlerOpensTheScope(t *testing.T) {
	ran := make(chan string, 4)
	name := deps.New(func(r *http.Request) (string, error) { return r.URL.Query().Get("name"), nil })
	h := bind.Handler(func(ctx context.Context, in *struct {
		Fail bool `query:"fail"`
	}) (string, error) {
		n, err := name.From(ctx)
		if err != nil {
			return "", err
		}
		v, _ := ctx.Value(ctxKey{}).(string)
		if err := tasks.Add(ctx, func(context.Context) error { ran <- n; return nil }); err != nil {
			return "", err
		}
		if in.Fail {
			return "", stdapi.NewError(http.StatusConflict, "no")
		}
		return v + " " + n, nil
	})
	mw := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, "from middleware")))
		})
	}
	w := httptest.NewRecorder()
	mw(h).ServeHTTP(w, httptest.NewRequest("GET", "/?name=ann", nil))
	if w.Code != 200 || w.Body.String() != `"from middleware ann"` {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	select {
	case got := <-ran:
		if got != "ann" {
			t.Errorf("task saw %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the background task did not run")
	}
	w = httptest.NewRecorder()
	mw(h).ServeHTTP(w, httptest.NewRequest("GET", "/?name=bob&fail=true", nil))
	if w.Code != 409 {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	if err := stdapi.WaitDeferred(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-ran:
		t.Errorf("the task of a failed request ran (%q)", got)
	default:
	}
}

// A handler that aborts (http.ErrAbortHandler) still ends its scope: the
// request's error is the abort, and the deferred functions run.
func TestHandlerAbortEndsTheScope(t *testing.T) {
	got := make(chan error, 1)
	h := bind.Handler(func(ctx context.Context, _ *struct{}) (string, error) {
		stdapi.Defer(ctx, func(err error) { got <- err })
		panic(http.ErrAbortHandler)
	})
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}()
	select {
	case err := <-got:
		if !errors.Is(err, http.ErrAbortHandler) {
			t.Errorf("request error %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the deferred function did not run")
	}
}
