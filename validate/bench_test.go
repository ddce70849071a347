package validate_test

import (
	"reflect"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

// The structs below are the ones measured against go-playground/validator
// v10 (same tags; pattern-free so that both libraries run them).

type benchSimple struct {
	Name    string  `json:"name" validate:"required,min=3,max=50"`
	Age     int     `json:"age" validate:"gte=0,lte=130"`
	Email   string  `json:"email" validate:"required,email"`
	Score   float64 `json:"score" validate:"gt=0"`
	Country string  `json:"country" validate:"len=2"`
}

type benchAddress struct {
	Street string `json:"street" validate:"required"`
	City   string `json:"city" validate:"required,min=2"`
	Zip    string `json:"zip" validate:"numeric,len=5"`
}

type benchItem struct {
	SKU string `json:"sku" validate:"required,alphanum"`
	Qty int    `json:"qty" validate:"gte=1,lte=100"`
}

type benchComplex struct {
	ID      string       `json:"id" validate:"required,uuid4"`
	Email   string       `json:"email" validate:"required,email"`
	Status  string       `json:"status" validate:"oneof=new paid shipped"`
	Address benchAddress `json:"address"`
	Items   []benchItem  `json:"items" validate:"required,min=1,dive"`
	Tags    []string     `json:"tags" validate:"max=5,dive,min=1,max=20"`
}

var (
	simpleOK  = benchSimple{Name: "Gopher", Age: 12, Email: "gopher@example.com", Score: 9.5, Country: "FR"}
	simpleBad = benchSimple{Name: "Go", Age: 200, Email: "gopher", Score: 0, Country: "FRA"}
	complexOK = benchComplex{
		ID: "3f1c7a2e-9b4d-4c6a-8e2f-1a2b3c4d5e6f", Email: "buyer@example.com", Status: "paid",
		Address: benchAddress{Street: "1 Main St", City: "Paris", Zip: "75001"},
		Items:   []benchItem{{SKU: "A1", Qty: 2}, {SKU: "B2", Qty: 1}, {SKU: "C3", Qty: 5}},
		Tags:    []string{"gift", "fragile"},
	}
	complexBad = benchComplex{
		ID: "nope", Email: "buyer@", Status: "lost",
		Address: benchAddress{Street: "", City: "P", Zip: "7500x"},
		Items:   []benchItem{{SKU: "A-1", Qty: 0}, {SKU: "", Qty: 101}},
		Tags:    []string{""},
	}
)

func benchStruct(b *testing.B, v any, wantErr bool) {
	b.ReportAllocs()
	for b.Loop() {
		if err := validate.Struct(v); (err != nil) != wantErr {
			b.Fatal(err)
		}
	}
}

func BenchmarkSimpleOK(b *testing.B)   { benchStruct(b, &simpleOK, false) }
func BenchmarkSimpleFail(b *testing.B) { benchStruct(b, &simpleBad, true) }
func BenchmarkComplexOK(b *testing.B)  { benchStruct(b, &complexOK, false) }
func BenchmarkComplexFail(b *testing.B) {
	benchStruct(b, &complexBad, true)
}

// BenchmarkAppendPrefix measures the entry point bind uses: a compiled plan,
// a reused error slice and a loc prefix.
func BenchmarkAppendPrefix(b *testing.B) {
	p := validate.MustCompile(reflect.TypeFor[benchComplex]())
	v := reflect.ValueOf(&complexOK)
	var dst []stdapi.FieldError
	b.ReportAllocs()
	for b.Loop() {
		dst = p.Append(dst[:0], v, nil, "body")
		if len(dst) != 0 {
			b.Fatal(dst)
		}
	}
}
