package docs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/docs/internal/zoo"
)

type benchIn struct {
	ID    int64  `path:"id" validate:"gte=1"`
	Q     string `query:"q" validate:"max=50"`
	Limit int    `query:"limit" default:"10" validate:"gte=1,lte=100"`
	Body  *zoo.CreateItem
}

// BenchmarkRegisterAndBuild1000 registers 1,000 typed operations and
// builds the document, as a large API does once at start-up.
func BenchmarkRegisterAndBuild1000(b *testing.B) {
	h := bind.Handler(func(ctx context.Context, in *benchIn) (zoo.Item, error) { return zoo.Item{}, nil })
	b.ReportAllocs()
	for b.Loop() {
		api := docs.New(docs.Info{Title: "bench"})
		mux := http.NewServeMux()
		for i := range 1000 {
			api.Handle(mux, "POST /items"+strconv.Itoa(i)+"/{id}", h, docs.Tags("items"))
		}
		if _, err := api.Document(); err != nil {
			b.Fatal(err)
		}
	}
}

// discard is a ResponseWriter that keeps nothing, so that only the
// handler's own allocations are counted.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

func BenchmarkServeDocument(b *testing.B) {
	api := zoo.New(http.NewServeMux())
	r := httptest.NewRequest(http.MethodGet, "/openapi.json", nil)
	w := &discard{h: http.Header{}}
	api.ServeHTTP(w, r) // build once
	b.ReportAllocs()
	for b.Loop() {
		api.ServeHTTP(w, r)
	}
}

func BenchmarkServeNotModified(b *testing.B) {
	api := zoo.New(http.NewServeMux())
	w := &discard{h: http.Header{}}
	api.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	r := httptest.NewRequest(http.MethodGet, "/openapi.json", nil)
	r.Header.Set("If-None-Match", w.h.Get("ETag"))
	b.ReportAllocs()
	for b.Loop() {
		api.ServeHTTP(w, r)
	}
}

func BenchmarkServeSwaggerUI(b *testing.B) {
	mux := http.NewServeMux()
	docs.New(docs.Info{Title: "bench"}).Mount(mux)
	h, _ := mux.Handler(httptest.NewRequest(http.MethodGet, "/docs", nil))
	r := httptest.NewRequest(http.MethodGet, "/docs", nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}
