package bench

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/stdapi/stdapi/bind"
)

// Catalog is the large JSON body of the body benchmarks: many ItemBody
// values, each validated.
type Catalog struct {
	Items []ItemBody `json:"items" validate:"required,dive"`
}

// catalogIn is the input of POST /catalog: only the body.
type catalogIn struct {
	Body Catalog
}

// CatalogHandler returns stdapi's POST /catalog: it binds and validates a
// Catalog (bodies up to 2 MiB) and answers 200 with the number of items.
func CatalogHandler() http.Handler {
	return bind.Handler(func(_ context.Context, in *catalogIn) (int, error) {
		return len(in.Body.Items), nil
	}, bind.WithLimits(bind.Limits{MaxBodyBytes: 2 << 20}))
}

// CatalogBody returns a valid Catalog as JSON of at least size bytes, and
// its number of items.
func CatalogBody(size int) (string, int) {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	n := 0
	for b.Len() < size-2 {
		if n > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"Item number %d","price":%d.%02d,"quantity":%d,"category":"%s","sku":"SKU%05d"}`,
			n, 1+n%9000, n%100, n%1000, [...]string{"food", "tools", "toys"}[n%3], n%100000)
		n++
	}
	b.WriteString(`]}`)
	return b.String(), n
}
