package deps_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/deps"
)

var benchSession = deps.New(func(r *http.Request) (*session, error) { return &session{id: 1}, nil })

var benchTx = deps.NewWithCleanup(func(r *http.Request) (*session, func(error), error) {
	s, err := benchSession.Get(r)
	return s, func(error) {}, err
})

// BenchmarkCachedResolve measures From on a value already resolved in the
// request. Goal: at most 50 ns and 0 allocations.
func BenchmarkCachedResolve(b *testing.B) {
	cached := func(b *testing.B, ctx context.Context) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := benchSession.From(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Several values in the cache, the benchmarked one last.
		benchTx.Get(r)
		benchSession.Get(r)
		cached(b, r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

// BenchmarkScope measures a request through Scope that resolves nothing.
// Goal: at most 2 allocations per request.
func BenchmarkScope(b *testing.B) {
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	benchRequests(b, h)
}

// BenchmarkFirstResolve measures a request through Scope that resolves one
// provider without cleanup (compare with BenchmarkScope).
func BenchmarkFirstResolve(b *testing.B) {
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := benchSession.Get(r); err != nil {
			b.Fatal(err)
		}
	}))
	benchRequests(b, h)
}

// BenchmarkFirstResolveWithCleanup measures a request resolving a provider
// with a cleanup and its sub-dependency, then running the cleanup.
func BenchmarkFirstResolveWithCleanup(b *testing.B) {
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := benchTx.Get(r); err != nil {
			b.Fatal(err)
		}
	}))
	benchRequests(b, h)
}

// BenchmarkRequires measures a request through Scope and Requires with one
// provider.
func BenchmarkRequires(b *testing.B) {
	h := deps.Scope(deps.Requires(benchSession)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	benchRequests(b, h)
}

// BenchmarkSingleton measures From on a resolved singleton.
func BenchmarkSingleton(b *testing.B) {
	app := &deps.App{}
	s := deps.NewSingleton(app, func(context.Context) (*session, error) { return &session{}, nil })
	ctx := context.Background()
	s.From(ctx)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.From(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRequests(b *testing.B, h http.Handler) {
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

// BenchmarkDepField measures a bind handler whose input has two dep
// fields filled by providers, one with a cleanup (compare with
// BenchmarkDepFieldByHand, the same handler calling Get itself).
func BenchmarkDepField(b *testing.B) {
	type in struct {
		S  *session `dep:""`
		Tx *txn     `dep:""`
	}
	h := bind.Handler(func(_ context.Context, in *in) (int64, error) { return in.S.id, nil },
		bind.Deps(benchSession, benchTxn))
	benchRequests(b, h)
}

func BenchmarkDepFieldByHand(b *testing.B) {
	h := bind.Handler(func(ctx context.Context, _ *struct{}) (int64, error) {
		s, err := benchSession.From(ctx)
		if err != nil {
			return 0, err
		}
		_, err = benchTxn.From(ctx)
		return s.id, err
	})
	benchRequests(b, h)
}

type txn struct{}

var benchTxn = deps.NewWithCleanup(func(r *http.Request) (*txn, func(error), error) {
	return &txn{}, func(error) {}, nil
})
