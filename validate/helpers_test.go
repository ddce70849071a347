package validate_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

// one returns a pointer to a struct with a single field F (JSON name "f") of
// type typ, tagged tag, holding val (converted to typ).
func one(typ reflect.Type, tag string, val any) any {
	st := reflect.StructOf([]reflect.StructField{{
		Name: "F", Type: typ, Tag: reflect.StructTag(`json:"f" validate:"` + tag + `"`),
	}})
	v := reflect.New(st)
	if val != nil {
		v.Elem().Field(0).Set(reflect.ValueOf(val).Convert(typ))
	}
	return v.Interface()
}

// errorsJSON validates v and returns its field errors as JSON ("" when v
// passes). Any error other than a 422 *stdapi.Error fails the test.
func errorsJSON(t *testing.T, v any) string {
	t.Helper()
	err := validate.Struct(v)
	if err == nil {
		return ""
	}
	var e *stdapi.Error
	if !errors.As(err, &e) || e.StatusCode() != 422 {
		t.Fatalf("Struct: %v, want a 422 *stdapi.Error", err)
	}
	return mustJSON(t, e.Errors)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
