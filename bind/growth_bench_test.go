package bind_test

import (
	"errors"

	"github.com/stdapi/stdapi"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/bind"
)

// The growth benchmarks feed bind hostile bodies of 1x, 10x and 100x the
// size; ns/op divided by the body size (reported as ns/B) must stay flat.

type taggedIn struct {
	Body struct {
		Name  string   `json:"name" validate:"required"`
		Price float64  `json:"price"`
		Tags  []string `json:"tags" validate:"dive,min=1"`
	}
}

type mapIn struct {
	Body map[string]struct {
		N int `json:"n" validate:"min=0"`
	}
}

type nestIn struct {
	Body Tree
}

// Tree is a recursive body type, for nesting depth.
type Tree struct {
	Kids []Tree `json:"kids"`
	N    int    `json:"n" validate:"min=1"`
}

func benchGrowth(b *testing.B, mk func(n int) string, h func() any, status int) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		body := mk(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				r := httptest.NewRequest("POST", "/", strings.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				err := bind.Limits{MaxBodyBytes: 64 << 20}.Request(r, h())
				if got := statusOf(err); got != status {
					b.Fatalf("status %d, want %d: %v", got, status, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(body)), "ns/B")
		})
	}
}

func repeatJoin(n int, item string) string {
	return strings.TrimSuffix(strings.Repeat(item+",", n), ",")
}

// Type errors: numbers where strings belong.
func BenchmarkGrowthTypeErrors(b *testing.B) {
	benchGrowth(b, func(n int) string {
		return `{"name":"a","price":1,"tags":[` + repeatJoin(n, "1") + `]}`
	}, func() any { return new(taggedIn) }, 422)
}

// Validation errors: empty strings under dive,min=1.
func BenchmarkGrowthValidationErrors(b *testing.B) {
	benchGrowth(b, func(n int) string {
		return `{"name":"a","price":1,"tags":[` + repeatJoin(n, `""`) + `]}`
	}, func() any { return new(taggedIn) }, 422)
}

// A valid body with many map keys.
func BenchmarkGrowthMapKeys(b *testing.B) {
	benchGrowth(b, func(n int) string {
		var sb strings.Builder
		sb.WriteByte('{')
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`"k` + strconv.Itoa(i) + `":{"n":1}`)
		}
		sb.WriteByte('}')
		return sb.String()
	}, func() any { return new(mapIn) }, 0)
}

// A valid body of many list items.
func BenchmarkGrowthValid(b *testing.B) {
	benchGrowth(b, func(n int) string {
		return `{"name":"a","price":1,"tags":[` + repeatJoin(n, `"abc"`) + `]}`
	}, func() any { return new(taggedIn) }, 0)
}

// Deep nesting of a recursive type.
func BenchmarkGrowthNesting(b *testing.B) {
	benchGrowth(b, func(n int) string {
		n /= 10
		return strings.Repeat(`{"n":0,"kids":[`, n) + strings.Repeat(`]}`, n)
	}, func() any { return new(nestIn) }, 422)
}

// statusOf is the HTTP status an error from Request answers with, 0 for nil.
func statusOf(err error) int {
	if err == nil {
		return 0
	}
	var e *stdapi.Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 500
}

// orderBody is a realistic body of about size bytes: an order with as many
// line items as fit.
func orderBody(size int) string {
	var sb strings.Builder
	sb.WriteString(`{"customer":"ada","items":[`)
	for i := 0; sb.Len() < size-40; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"name":"pen \u00e9 ` + strconv.Itoa(i) + `","qty":` + strconv.Itoa(i%9+1) + `}`)
	}
	sb.WriteString(`]}`)
	return sb.String()
}

// Valid bodies of 1 KB, 64 KB and 1 MB.
func BenchmarkGrowthBodySize(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		body := orderBody(size)
		b.Run(strconv.Itoa(size>>10)+"KB", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var in OrderIn
				if err := (bind.Limits{MaxBodyBytes: 4 << 20}).Request(newJSONRequest(body), &in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(body)), "ns/B")
		})
	}
}

// Many query pairs, half of them bad integers.
func BenchmarkGrowthQuery(b *testing.B) {
	type in struct {
		IDs  []int  `query:"id"`
		Name string `query:"name"`
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		query := strings.Repeat("id=1&id=x&other=y&", n/3) + "name=a"
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("GET", "/", nil)
				r.URL.RawQuery = query
				if err := bind.Request(r, new(in)); statusOf(err) != 422 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(query)), "ns/B")
		})
	}
}
