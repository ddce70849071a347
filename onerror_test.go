package stdapi_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stdapi/stdapi"
)

type quotaError struct{ left int }

func (e *quotaError) Error() string { return fmt.Sprintf("quota: %d left", e.left) }

func TestOnError(t *testing.T) {
	fail := func(err error) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stdapi.WriteError(w, r, err) })
	}
	quota := stdapi.OnError(func(w http.ResponseWriter, r *http.Request, e *quotaError) {
		if e.left < 0 {
			stdapi.WriteError(w, r, e) // fall back to the handlers outside
			return
		}
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, "inner: %d left", e.left)
	})
	outer := stdapi.OnError(func(w http.ResponseWriter, r *http.Request, e *quotaError) {
		w.WriteHeader(http.StatusPaymentRequired)
		fmt.Fprint(w, "outer")
	})
	tests := []struct {
		name   string
		h      http.Handler
		status int
		body   string
	}{
		{"matched", quota(fail(&quotaError{left: 3})), 429, "inner: 3 left"},
		{"matched through a wrap", quota(fail(fmt.Errorf("listing: %w", &quotaError{left: 1}))), 429, "inner: 1 left"},
		{"innermost first", outer(quota(fail(&quotaError{left: 2}))), 429, "inner: 2 left"},
		{"fallback to the outer handler", outer(quota(fail(&quotaError{left: -1}))), 402, "outer"},
		{"fallback to the default", quota(fail(&quotaError{left: -1})), 500, `{"type":"about:blank","title":"Internal Server Error","status":500}`},
		{"other errors keep the default", quota(fail(stdapi.NewError(404, "no such thing"))), 404,
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"no such thing"}`},
		{"outside the middleware", fail(&quotaError{left: 3}), 500, `{"type":"about:blank","title":"Internal Server Error","status":500}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body, tt.status, tt.body)
			}
		})
	}
}

// The request's error is the handled error: cleanups see it.
func TestOnErrorRecordsTheRequestError(t *testing.T) {
	got := make(chan error, 1)
	h := stdapi.OnError(func(w http.ResponseWriter, r *http.Request, e *quotaError) { w.WriteHeader(429) })(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			stdapi.ServeScoped(w, r, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stdapi.Defer(r.Context(), func(err error) { got <- err })
				stdapi.WriteError(w, r, &quotaError{left: 0})
			}))
		}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	var q *quotaError
	if err := <-got; w.Code != 429 || !errors.As(err, &q) {
		t.Errorf("got %d, request error %v", w.Code, err)
	}
}
