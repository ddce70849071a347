package stdapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/scopehook"
)

// The hook of internal/scopehook is called once per scope opened, after
// every deferred function has run: right away when nothing was deferred,
// after a panic too, and never for a scope an outer one already opened.
func TestScopeHook(t *testing.T) {
	tests := []struct {
		name    string
		handler func(log func(string)) http.Handler
		panics  bool
		want    string
	}{
		{"nothing deferred", func(log func(string)) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { log("handler") })
		}, false, "open handler done"},
		{"deferred run first", func(log func(string)) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stdapi.Defer(r.Context(), func(error) { time.Sleep(20 * time.Millisecond); log("first") })
				stdapi.Defer(r.Context(), func(error) { log("second") })
				log("handler")
			})
		}, false, "open handler second first done"},
		{"deferred panics", func(log func(string)) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stdapi.Defer(r.Context(), func(error) { log("after panic") })
				stdapi.Defer(r.Context(), func(error) { panic("cleanup") })
			})
		}, false, "open after panic done"},
		{"handler panics", func(log func(string)) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stdapi.Defer(r.Context(), func(err error) { log("deferred: " + err.Error()) })
				panic("boom")
			})
		}, true, "open deferred: panic: boom done"},
		{"handler panics, nothing deferred", func(log func(string)) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })
		}, true, "open done"},
		{"nested scopes are one", func(log func(string)) http.Handler {
			return scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stdapi.Defer(r.Context(), func(error) { log("inner") })
			}))
		}, false, "open inner done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var got []string
			log := func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() }
			done := make(chan struct{})
			ctx := scopehook.With(context.Background(), func() func() {
				log("open")
				return func() { log("done"); close(done) }
			})
			r := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
			func() {
				defer func() {
					if v := recover(); (v != nil) != tt.panics {
						t.Errorf("panic %v, want a panic: %v", v, tt.panics)
					}
				}()
				scoped(tt.handler(log)).ServeHTTP(httptest.NewRecorder(), r)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the hook was not called")
			}
			mu.Lock()
			defer mu.Unlock()
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

// Without a hook in the context, nothing is called and nothing breaks.
func TestScopeHookAbsent(t *testing.T) {
	ran := make(chan struct{})
	h := scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stdapi.Defer(r.Context(), func(error) { close(ran) })
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("the deferred function did not run")
	}
}
