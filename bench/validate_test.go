package bench_test

import (
	"errors"
	"testing"

	"github.com/go-playground/validator/v10"
	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

// Scenario 4: stdapi's validate against go-playground/validator v10 on the
// same structs and tags (those of validate's own benchmarks).

type simple struct {
	Name    string  `json:"name" validate:"required,min=3,max=50"`
	Age     int     `json:"age" validate:"gte=0,lte=130"`
	Email   string  `json:"email" validate:"required,email"`
	Score   float64 `json:"score" validate:"gt=0"`
	Country string  `json:"country" validate:"len=2"`
}

type address struct {
	Street string `json:"street" validate:"required"`
	City   string `json:"city" validate:"required,min=2"`
	Zip    string `json:"zip" validate:"numeric,len=5"`
}

type line struct {
	SKU string `json:"sku" validate:"required,alphanum"`
	Qty int    `json:"qty" validate:"gte=1,lte=100"`
}

type order struct {
	ID      string   `json:"id" validate:"required,uuid4"`
	Email   string   `json:"email" validate:"required,email"`
	Status  string   `json:"status" validate:"oneof=new paid shipped"`
	Address address  `json:"address"`
	Lines   []line   `json:"lines" validate:"required,min=1,dive"`
	Tags    []string `json:"tags" validate:"max=5,dive,min=1,max=20"`
}

var validations = []struct {
	name  string
	value any
	fails int // the number of failing values
}{
	{"simple/ok", &simple{Name: "Gopher", Age: 12, Email: "gopher@example.com", Score: 9.5, Country: "FR"}, 0},
	{"simple/fail", &simple{Name: "Go", Age: 200, Email: "gopher", Score: 0, Country: "FRA"}, 5},
	{"complex/ok", &order{
		ID: "3f1c7a2e-9b4d-4c6a-8e2f-1a2b3c4d5e6f", Email: "buyer@example.com", Status: "paid",
		Address: address{Street: "1 Main St", City: "Paris", Zip: "75001"},
		Lines:   []line{{SKU: "A1", Qty: 2}, {SKU: "B2", Qty: 1}, {SKU: "C3", Qty: 5}},
		Tags:    []string{"gift", "fragile"},
	}, 0},
	{"complex/fail", &order{
		ID: "nope", Email: "buyer@", Status: "lost",
		Address: address{Street: "", City: "P", Zip: "7500x"},
		Lines:   []line{{SKU: "A-1", Qty: 0}, {SKU: "", Qty: 101}},
		Tags:    []string{""},
	}, 11},
}

// TestValidatorsAgree checks that both validators find the same number of
// failing values in the benchmark's structs.
func TestValidatorsAgree(t *testing.T) {
	pg := validator.New(validator.WithRequiredStructEnabled())
	for _, tt := range validations {
		t.Run(tt.name, func(t *testing.T) {
			var ours []stdapi.FieldError
			if err := validate.Struct(tt.value); err != nil {
				var e *stdapi.Error
				if !errors.As(err, &e) || e.Status != 422 {
					t.Fatalf("validate.Struct: %v, want a 422 *stdapi.Error", err)
				}
				ours = e.Errors
			}
			var theirs validator.ValidationErrors
			if err := pg.Struct(tt.value); err != nil {
				if !errors.As(err, &theirs) {
					t.Fatalf("go-playground: %v", err)
				}
			}
			if len(ours) != tt.fails || len(theirs) != tt.fails {
				t.Errorf("stdapi found %d errors %v, go-playground %d %v; want %d", len(ours), ours, len(theirs), theirs, tt.fails)
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	pg := validator.New(validator.WithRequiredStructEnabled())
	for _, tt := range validations {
		b.Run(tt.name+"/stdapi", func(b *testing.B) {
			measure(b, func() {
				if err := validate.Struct(tt.value); (err != nil) != (tt.fails > 0) {
					b.Fatal(err)
				}
			})
		})
		b.Run(tt.name+"/playground", func(b *testing.B) {
			measure(b, func() {
				if err := pg.Struct(tt.value); (err != nil) != (tt.fails > 0) {
					b.Fatal(err)
				}
			})
		})
	}
}
