package bench_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stdapi/stdapi/bench"
)

// The benchmarks of scenarios 1, 2, 3 and 5 serve a fresh request through
// each implementation's handler per iteration, as a server would, and check
// the status. Sub-benchmarks are named after the implementations'
// directories under cmd/ (nethttp is hand-written net/http).

// measure runs op in a benchmark loop and reports, besides time and
// memory, the process's CPU time per operation (cpu-ns/op), which is far
// less disturbed than the elapsed time when other processes share the
// machine's cores.
func measure(b *testing.B, op func()) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		op()
	}
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func benchServe(b *testing.B, q request, want int, protectedOnly bool) {
	for _, impl := range bench.Implementations() {
		if protectedOnly && !impl.Protected {
			continue
		}
		b.Run(impl.Cmd, func(b *testing.B) {
			h := impl.New()
			measure(b, func() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, q.new())
				if w.Code != want {
					b.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
				}
			})
		})
	}
}

// BenchmarkGreeting is scenario 1: GET /greetings/{lang}, a tiny JSON
// response.
func BenchmarkGreeting(b *testing.B) {
	benchServe(b, request{method: "GET", target: "/greetings/en"}, http.StatusOK, false)
}

// BenchmarkCreateItem is scenario 2: POST /items/{id}?limit=5 with a
// header and a valid 5-field JSON body.
func BenchmarkCreateItem(b *testing.B) {
	benchServe(b, itemRequest("/items/42?limit=5", validBody, nil), http.StatusCreated, false)
}

// BenchmarkCreateItemInvalid is scenario 3: the same request with three
// errors in the body, answered with 422.
func BenchmarkCreateItemInvalid(b *testing.B) {
	benchServe(b, itemRequest("/items/42?limit=5", invalidBody, nil), http.StatusUnprocessableEntity, false)
}

// BenchmarkProtected is scenario 5: GET /users/me with an HS256 bearer JWT,
// verified by stdapi's security or by golang-jwt in a hand-written handler.
func BenchmarkProtected(b *testing.B) {
	tok := bench.Token("alice", "me", time.Now().Add(time.Hour))
	benchServe(b, bearer(tok), http.StatusOK, true)
}

// BenchmarkProtectedItem is scenario 7 in process: scenario 2's request
// behind an HS256 bearer JWT, POST /users/me/items/{id}.
func BenchmarkProtectedItem(b *testing.B) {
	tok := bench.Token("alice", "me", time.Now().Add(time.Hour))
	benchServe(b, protectedItem(tok, validBody), http.StatusCreated, true)
}
