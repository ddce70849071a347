package validate_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

// dateRange has a pointer-receiver hook returning one field error.
type dateRange struct {
	From int `json:"from" validate:"gte=0"`
	To   int `json:"to" validate:"gte=0"`
}

func (d *dateRange) Validate() error {
	if d.To < d.From {
		return stdapi.FieldError{Type: "value_error", Loc: []any{"to"}, Msg: "Value error, to must not be before from", Ctx: map[string]any{"from": d.From}}
	}
	return nil
}

// passwords has a value-receiver hook returning several field errors.
type passwords struct {
	A string `json:"a" validate:"required"`
	B string `json:"b" validate:"required"`
}

func (p passwords) Validate() error {
	if p.A != p.B {
		return validate.FieldErrors{{Loc: []any{"a"}, Msg: "Passwords differ"}, {Type: "mismatch", Loc: []any{"b"}, Msg: "Passwords differ"}}
	}
	return nil
}

// plainErr returns a plain error: one value_error on the struct itself.
type plainErr struct {
	N int `json:"n"`
}

func (p plainErr) Validate() error {
	if p.N == 13 {
		return fmt.Errorf("13 is unlucky")
	}
	return nil
}

// problem returns a *stdapi.Error with field errors, wrapped.
type problem struct{ X int }

func (p *problem) Validate() error {
	if p.X == -2 {
		return stdapi.NewError(400, "X is too small")
	}
	if p.X < 0 {
		return fmt.Errorf("wrapped: %w", stdapi.ValidationError(stdapi.FieldError{Type: "greater_than", Loc: []any{"X"}, Msg: "neg"}))
	}
	return nil
}

type hooks struct {
	Range  dateRange            `json:"range"`
	Ranges []dateRange          `json:"ranges"`
	ByKey  map[string]dateRange `json:"by_key"`
	Pw     *passwords           `json:"pw"`
	Plain  plainErr             `json:"plain"`
	Prob   problem              `json:"prob"`
}

var hookCalls int

type counted struct {
	A string `validate:"required"`
}

func (counted) Validate() error {
	hookCalls++
	return nil
}

func TestHooks(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"all pass", &hooks{Range: dateRange{1, 2}, Pw: &passwords{"x", "x"}}, ``},
		{"field error relative to the struct", &hooks{Range: dateRange{2, 1}},
			`[{"type":"value_error","loc":["range","to"],"msg":"Value error, to must not be before from","ctx":{"from":2}}]`},
		{"hook not run when a field fails", &hooks{Range: dateRange{-1, -2}},
			`[{"type":"greater_than_equal","loc":["range","from"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}},` +
				`{"type":"greater_than_equal","loc":["range","to"],"msg":"Input should be greater than or equal to 0","input":-2,"ctx":{"ge":0}}]`},
		{"in slices and maps (pointer receiver on an unaddressable map value)",
			&hooks{Ranges: []dateRange{{1, 2}, {3, 1}}, ByKey: map[string]dateRange{"k": {5, 4}}},
			`[{"type":"value_error","loc":["ranges",1,"to"],"msg":"Value error, to must not be before from","ctx":{"from":3}},` +
				`{"type":"value_error","loc":["by_key","k","to"],"msg":"Value error, to must not be before from","ctx":{"from":5}}]`},
		{"FieldErrors, defaults filled", &hooks{Pw: &passwords{"x", "y"}},
			`[{"type":"value_error","loc":["pw","a"],"msg":"Passwords differ"},{"type":"mismatch","loc":["pw","b"],"msg":"Passwords differ"}]`},
		{"plain error on the struct", &hooks{Plain: plainErr{13}},
			`[{"type":"value_error","loc":["plain"],"msg":"Value error, 13 is unlucky","ctx":{"error":"13 is unlucky"}}]`},
		{"wrapped *stdapi.Error", &hooks{Prob: problem{-1}},
			`[{"type":"greater_than","loc":["prob","X"],"msg":"neg"}]`},
		{"*stdapi.Error without field errors gives its detail", &hooks{Prob: problem{-2}},
			`[{"type":"value_error","loc":["prob"],"msg":"Value error, X is too small","ctx":{"error":"X is too small"}}]`},
		{"top-level hook, by value", dateRange{3, 1},
			`[{"type":"value_error","loc":["to"],"msg":"Value error, to must not be before from","ctx":{"from":3}}]`},
		{"top-level hook, plain error has the root loc", plainErr{13},
			`[{"type":"value_error","loc":[],"msg":"Value error, 13 is unlucky","ctx":{"error":"13 is unlucky"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorsJSON(t, tt.v); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}

	hookCalls = 0
	validate.Struct(&counted{})
	if hookCalls != 0 {
		t.Error("hook ran although a field failed")
	}
	validate.Struct(&counted{A: "a"})
	if hookCalls != 1 {
		t.Errorf("hook ran %d times, want 1", hookCalls)
	}
}

func TestHookIntrospection(t *testing.T) {
	p := validate.MustCompile(reflect.TypeFor[hooks]())
	if p.Object().Hook {
		t.Error("hooks has no Validate method")
	}
	if o := p.Object().Fields[0].Object; o == nil || !o.Hook {
		t.Error("dateRange.Validate not reported")
	}
	if o := p.Object().Fields[3].Object; o == nil || !o.Hook {
		t.Error("passwords.Validate (through a pointer field) not reported")
	}
}
