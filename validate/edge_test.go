package validate_test

import (
	"errors"
	"math"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

func TestFieldErrorsError(t *testing.T) {
	fe := validate.FieldErrors{{Type: "missing", Loc: []any{"a", 1}, Msg: "Field required"}, {Msg: "bad"}}
	if got := fe.Error(); got != "a.1: Field required (missing); bad" {
		t.Errorf("got %q", got)
	}
}

func TestCompileNil(t *testing.T) {
	if _, err := validate.Compile(nil); err == nil || err.Error() != "validate: Compile(nil)" {
		t.Errorf("got %v", err)
	}
}

func TestNaNFailsBounds(t *testing.T) {
	for _, tag := range []string{"gt=0", "gte=0", "lt=0", "lte=0", "min=-1", "max=1", "eq=0", "oneof=1 2"} {
		if got := errorsJSON(t, one(tFloat, tag, math.NaN())); got == "" {
			t.Errorf("%s accepts NaN", tag)
		}
	}
	if got := errorsJSON(t, one(tFloat, "ne=0", math.NaN())); got != "" {
		t.Errorf("ne=0 rejects NaN: %s", got)
	}
}

type inner struct {
	Name string `json:"name" validate:"required"`
	Dup  string `json:"dup" validate:"required"`
}

type outer struct {
	inner
	Dup string `json:"dup" validate:"max=1"` // shallower: hides inner.Dup
}

func TestDuplicateNames(t *testing.T) {
	got := errorsJSON(t, &outer{Dup: "ab"})
	want := `[{"type":"missing","loc":["name"],"msg":"Field required"},{"type":"string_too_long","loc":["dup"],"msg":"String should have at most 1 character","input":"ab","ctx":{"max_length":1}}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestMapKeyKinds(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"text marshaler keys", &struct {
			M map[netip.Addr]string `json:"m" validate:"dive,min=2"`
		}{map[netip.Addr]string{netip.MustParseAddr("10.0.0.2"): "x", netip.MustParseAddr("10.0.0.1"): "y"}},
			`[{"type":"string_too_short","loc":["m","10.0.0.1"],"msg":"String should have at least 2 characters","input":"y","ctx":{"min_length":2}},` +
				`{"type":"string_too_short","loc":["m","10.0.0.2"],"msg":"String should have at least 2 characters","input":"x","ctx":{"min_length":2}}]`},
		{"float keys sorted", &struct {
			M map[float64]int `json:"m" validate:"dive,gt=0"`
		}{map[float64]int{2.5: 0, -1: 0}},
			`[{"type":"greater_than","loc":["m","-1"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},` +
				`{"type":"greater_than","loc":["m","2.5"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}}]`},
		{"uint keys sorted", &struct {
			M map[uint8]int `json:"m" validate:"dive,gt=0"`
		}{map[uint8]int{20: 0, 3: 0}},
			`[{"type":"greater_than","loc":["m","3"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},` +
				`{"type":"greater_than","loc":["m","20"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}}]`},
	}
	for _, tt := range tests {
		if got := errorsJSON(t, tt.v); got != tt.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func init() {
	err := validate.Register("test_weekday", validate.Rule{
		Check: func(v reflect.Value, _ string) bool {
			d := v.Interface().(time.Time).Weekday()
			return d != time.Saturday && d != time.Sunday
		},
		Accepts: func(t reflect.Type, _ string) error {
			if t != reflect.TypeFor[time.Time]() {
				return stdapi.NewError(500, "time.Time only")
			}
			return nil
		},
		Message: "Input should be a weekday",
	})
	if err != nil {
		panic(err)
	}
}

func TestCustomRuleOnLeafStruct(t *testing.T) {
	sat := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	got := errorsJSON(t, &struct {
		At  time.Time  `json:"at" validate:"test_weekday"`
		Opt *time.Time `json:"opt" validate:"omitempty,test_weekday"`
		U   []struct {
			A int
		} `json:"u" validate:"unique"`
	}{At: sat, Opt: &sat, U: []struct{ A int }{{1}, {1}}})
	want := `[{"type":"value_error","loc":["at"],"msg":"Input should be a weekday","input":"2024-06-01T00:00:00Z","ctx":{"rule":"test_weekday"}},` +
		`{"type":"value_error","loc":["opt"],"msg":"Input should be a weekday","input":"2024-06-01T00:00:00Z","ctx":{"rule":"test_weekday"}},` +
		`{"type":"value_error","loc":["u"],"msg":"Input should have unique items","ctx":{"rule":"unique"}}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestUniqueLongWithPointers(t *testing.T) {
	s := make([]*int, 70)
	for i := range s {
		n := i
		s[i] = &n
	}
	if got := errorsJSON(t, one(reflect.TypeFor[[]*int](), "unique", s)); got != "" {
		t.Errorf("distinct: %s", got)
	}
	s[69] = nil
	s[68] = nil
	if got := errorsJSON(t, one(reflect.TypeFor[[]*int](), "unique", s)); got == "" {
		t.Error("two nil pointers are duplicates")
	}
}

// TestLocsIndependent checks that the locs of one walk's errors, carved
// from one allocation, do not share room: appending to one leaves the
// next as it was.
func TestLocsIndependent(t *testing.T) {
	type pair struct {
		A string `json:"a" validate:"min=2"`
		B string `json:"b" validate:"min=2"`
		C []int  `json:"c" validate:"dive,min=1"`
	}
	err := validate.Struct(&pair{A: "x", B: "y", C: []int{0, 0}})
	var e *stdapi.Error
	if !errors.As(err, &e) || len(e.Errors) != 4 {
		t.Fatalf("got %v, want 4 field errors", err)
	}
	before := make([][]any, len(e.Errors))
	for i, fe := range e.Errors {
		before[i] = append([]any(nil), fe.Loc...)
	}
	for i := range e.Errors {
		e.Errors[i].Loc = append(e.Errors[i].Loc, "extra", "more")
	}
	for i, fe := range e.Errors {
		want := append(before[i], "extra", "more")
		if !reflect.DeepEqual(fe.Loc, want) {
			t.Errorf("error %d: loc %v, want %v", i, fe.Loc, want)
		}
	}
}
