package security

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkThrottle measures what Throttle adds to a successful login:
// reading the username, four store operations (count the attempt against
// the address and the user, then reset the user's and take the address's
// back) and the status-recording writer. The handlers are trivial, so the
// difference between each pair is the throttle's cost.
func BenchmarkThrottle(b *testing.B) {
	basic := &Basic{Verify: func(_ context.Context, user, _ string) (any, error) { return user, nil }}
	basicH := Require(basic)(noop)
	br := httptest.NewRequest("GET", "/", nil)
	br.SetBasicAuth("alice", "wonderland")
	b.Run("basic/plain", func(b *testing.B) { serveBench(b, basicH, br) })
	b.Run("basic/throttled", func(b *testing.B) { serveBench(b, (&Throttle{}).Middleware(basicH), br) })

	token := &TokenEndpoint{Issue: func(context.Context, *PasswordForm) (*Token, error) {
		return &Token{AccessToken: "t"}, nil
	}}
	const form = "grant_type=password&username=alice&password=wonderland&scope=me"
	tokenBench := func(b *testing.B, h http.Handler) {
		w := &discard{h: http.Header{}}
		r := httptest.NewRequest("POST", "/token", nil)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		body := strings.NewReader(form)
		b.ReportAllocs()
		for b.Loop() {
			body.Reset(form)
			r.Body = benchBody{body}
			h.ServeHTTP(w, r)
		}
	}
	b.Run("token/plain", func(b *testing.B) { tokenBench(b, token) })
	b.Run("token/throttled", func(b *testing.B) { tokenBench(b, (&Throttle{}).Middleware(token)) })
}

type benchBody struct{ *strings.Reader }

func (benchBody) Close() error { return nil }
