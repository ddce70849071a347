package bench_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/bench"
)

var bodySizes = []struct {
	name string
	size int
}{{"64KB", 64 << 10}, {"1MB", 1 << 20}}

// TestCatalog checks that stdapi binds every item of the large bodies and
// that json.Unmarshal reads them alike, and that an invalid item is found.
func TestCatalog(t *testing.T) {
	h := bench.CatalogHandler()
	for _, bs := range bodySizes {
		body, n := bench.CatalogBody(bs.size)
		if len(body) < bs.size || len(body) > bs.size+200 {
			t.Fatalf("%s: %d bytes", bs.name, len(body))
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, catalogRequest(body))
		if w.Code != 200 || w.Body.String() != strconv.Itoa(n) {
			t.Errorf("%s: %d %s, want 200 %d", bs.name, w.Code, w.Body, n)
		}
		var c bench.Catalog
		if err := json.Unmarshal([]byte(body), &c); err != nil || len(c.Items) != n {
			t.Errorf("%s: json.Unmarshal: %d items, %v", bs.name, len(c.Items), err)
		}
	}
	body, _ := bench.CatalogBody(1000)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, catalogRequest(strings.Replace(body, `"tools"`, `"cars"`, 1)))
	if w.Code != 422 || !strings.Contains(w.Body.String(), `"loc":["body","items",1,"category"]`) {
		t.Errorf("invalid item: %d %s", w.Code, w.Body)
	}
}

func catalogRequest(body string) *http.Request {
	r := httptest.NewRequest("POST", "/catalog", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// BenchmarkBody binds and validates a 64 KB and a 1 MB JSON body with
// stdapi, against json.Unmarshal of the same bytes alone (no request, no
// validation): the floor of decoding. body-bytes is the body's size, for
// instructions per byte.
func BenchmarkBody(b *testing.B) {
	h := bench.CatalogHandler()
	for _, bs := range bodySizes {
		body, _ := bench.CatalogBody(bs.size)
		data := []byte(body)
		b.Run(bs.name+"/unmarshal", func(b *testing.B) {
			measure(b, func() {
				var c bench.Catalog
				if err := json.Unmarshal(data, &c); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(len(data)), "body-bytes")
		})
		b.Run(bs.name+"/stdapi", func(b *testing.B) {
			measure(b, func() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, catalogRequest(body))
				if w.Code != 200 {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			})
			b.ReportMetric(float64(len(data)), "body-bytes")
		})
	}
}
