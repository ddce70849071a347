package security

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// discard is a ResponseWriter that keeps nothing, so that benchmarks
// measure the middleware rather than a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

var noop = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

func serveBench(b *testing.B, h http.Handler, r *http.Request) {
	b.Helper()
	w := &discard{h: http.Header{}}
	rec := httptest.NewRecorder()
	if h.ServeHTTP(rec, r); rec.Code != 200 {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

// BenchmarkJWT compares a request through Require with a Verifier to
// golang-jwt parsing the same token with the same checks directly.
func BenchmarkJWT(b *testing.B) {
	tk := keysOnce()
	now := func() time.Time { return testNow }
	for _, alg := range []string{"HS256", "RS256", "ES256"} {
		tok := joseSign(b, alg, map[string]any{"kid": alg}, goodClaims(), tk.private[alg])
		b.Run(alg+"/middleware", func(b *testing.B) {
			v := testVerifier(b, allKeys(b, true))
			h := Require(&Bearer{Verify: v.Verify}, "me")(noop)
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			serveBench(b, h, r)
		})
		b.Run(alg+"/golang-jwt", func(b *testing.B) {
			p := jwt.NewParser(jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithStrictDecoding(),
				jwt.WithIssuer("https://api.example.com"), jwt.WithAudience("api"), jwt.WithTimeFunc(now),
				jwt.WithValidMethods([]string{alg}))
			key := tk.public[alg]
			keyFunc := func(*jwt.Token) (any, error) { return key, nil }
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.ParseWithClaims(tok, &userClaims{}, keyFunc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBasic(b *testing.B) {
	h := Require(&Basic{Verify: func(_ context.Context, user, pass string) (any, error) {
		if Equal(user, "alice") && Equal(pass, "correct horse battery staple") {
			return "alice", nil
		}
		return nil, ErrInvalidCredentials
	}})(noop)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Basic "+b64("alice:correct horse battery staple"))
	serveBench(b, h, r)
}

func BenchmarkAPIKey(b *testing.B) {
	var keys KeyHashes
	for _, k := range []string{"key-one", "key-two", "key-three"} {
		keys.Add(HashKey(k), k)
	}
	for _, tt := range []struct {
		name   string
		scheme *APIKey
		header string
		value  string
	}{
		{"header", &APIKey{Verify: keys.Verify}, "X-API-Key", "key-two"},
		{"authorization", &APIKey{AuthScheme: "Key", Verify: keys.Verify}, "Authorization", "Key key-two"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set(tt.header, tt.value)
			serveBench(b, Require(tt.scheme)(noop), r)
		})
	}
}

// BenchmarkRequireOverhead is Require around a Bearer scheme whose verify
// function returns at once: what the middleware adds to a token check
// (extraction, the scope check, the principal in the context).
func BenchmarkRequireOverhead(b *testing.B) {
	c := &Claims{Scope: "me items:read"}
	h := Require(&Bearer{Verify: func(context.Context, string) (any, error) { return c, nil }}, "me")(noop)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer abc.def.ghi")
	serveBench(b, h, r)
}
