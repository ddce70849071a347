package main

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkGreeting measures one GET /greetings/{lang} through the mux and
// a typed handler: the cost of the whole stack for a tiny response.
func BenchmarkGreeting(b *testing.B) {
	h, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/greetings/es", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkGreetingAPIKey adds the API-key check of a protected API.
func BenchmarkGreetingAPIKey(b *testing.B) {
	h, err := New(Config{APIKey: "s3cret-key"})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/greetings/es", nil)
	r.Header.Set("Authorization", "Key s3cret-key")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
