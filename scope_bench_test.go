package stdapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stdapi/stdapi"
)

func BenchmarkServeScoped(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	scoped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stdapi.ServeScoped(w, r, h) })
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		scoped.ServeHTTP(w, r)
	}
}
