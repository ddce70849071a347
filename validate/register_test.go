package validate_test

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/validate"
)

var evenRule = validate.Rule{
	Check: func(v reflect.Value, _ string) bool { return v.Int()%2 == 0 },
	Accepts: func(t reflect.Type, param string) error {
		if t.Kind() != reflect.Int {
			return fmt.Errorf("not applicable to %s", t)
		}
		if param != "" {
			return fmt.Errorf("takes no parameter")
		}
		return nil
	},
	Code:    "not_even",
	Message: "Input should be even",
	Schema: func(reflect.Type, string) (map[string]any, bool) {
		return map[string]any{"multipleOf": 2}, true
	},
}

func init() {
	if err := validate.Register("test_even", evenRule); err != nil {
		panic(err)
	}
	err := validate.Register("test_divisible", validate.Rule{
		Check: func(v reflect.Value, param string) bool {
			n, _ := strconv.Atoi(param)
			return v.Int()%int64(n) == 0
		},
		Accepts: func(_ reflect.Type, param string) error {
			if n, err := strconv.Atoi(param); err != nil || n <= 0 {
				return fmt.Errorf("parameter %q is not a positive integer", param)
			}
			return nil
		},
		Message: "Input should be a multiple of {param}",
	})
	if err != nil {
		panic(err)
	}
}

func TestCustomRules(t *testing.T) {
	tests := []struct {
		typ  reflect.Type
		tag  string
		val  any
		want string
	}{
		{tInt, "test_even", 4, ``},
		{tInt, "test_even", 3, `[{"type":"not_even","loc":["f"],"msg":"Input should be even","input":3,"ctx":{"rule":"test_even"}}]`},
		{reflect.TypeFor[*int](), "required,test_even", 0, ``},
		{tInt, "test_divisible=3", 7, `[{"type":"value_error","loc":["f"],"msg":"Input should be a multiple of 3","input":7,"ctx":{"param":"3","rule":"test_divisible"}}]`},
		{tInts, "dive,test_even", []int{2, 5}, `[{"type":"not_even","loc":["f",1],"msg":"Input should be even","input":5,"ctx":{"rule":"test_even"}}]`},
	}
	for _, tt := range tests {
		v := one(tt.typ, tt.tag, nil)
		if tt.val != nil {
			f := reflect.ValueOf(v).Elem().Field(0)
			if f.Kind() == reflect.Pointer {
				f.Set(reflect.New(f.Type().Elem()))
				f = f.Elem()
			}
			f.Set(reflect.ValueOf(tt.val).Convert(f.Type()))
		}
		if got := errorsJSON(t, v); got != tt.want {
			t.Errorf("%s %v: got %s, want %s", tt.tag, tt.val, got, tt.want)
		}
	}

	bad := []struct {
		typ       reflect.Type
		tag, want string
	}{
		{tString, "test_even", `test_even: not applicable to string`},
		{tInt, "test_even=1", `test_even: takes no parameter`},
		{tInt, "test_divisible=0", `test_divisible: parameter "0" is not a positive integer`},
	}
	for _, tt := range bad {
		err := validate.Struct(one(tt.typ, tt.tag, nil))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.tag, err, tt.want)
		}
	}

	p := validate.MustCompile(reflect.StructOf([]reflect.StructField{{Name: "N", Type: tInt, Tag: `validate:"test_even,test_divisible=3"`}}))
	rules := p.Object().Fields[0].Rules
	want := `[{"Rule":"test_even","Param":"","Code":"not_even","Keywords":{"multipleOf":2},"Exact":true},{"Rule":"test_divisible","Param":"3","Code":"value_error","Keywords":null,"Exact":false}]`
	if got := mustJSON(t, rules); got != want {
		t.Errorf("introspection: got %s, want %s", got, want)
	}
}

func TestRegisterErrors(t *testing.T) {
	check := func(reflect.Value, string) bool { return true }
	tests := []struct {
		name string
		rule validate.Rule
		want string
	}{
		{"", validate.Rule{Check: check}, `validate: Register: bad rule name ""`},
		{"Even", validate.Rule{Check: check}, `validate: Register: bad rule name "Even"`},
		{"a-b", validate.Rule{Check: check}, `validate: Register: bad rule name "a-b"`},
		{"x=1", validate.Rule{Check: check}, `validate: Register: bad rule name "x=1"`},
		{"test_nil", validate.Rule{}, `validate: Register "test_nil": Check is nil`},
		{"email", validate.Rule{Check: check}, `validate: Register "email": a built-in rule has that name`},
		{"min", validate.Rule{Check: check}, `validate: Register "min": a built-in rule has that name`},
		{"dive", validate.Rule{Check: check}, `validate: Register "dive": a built-in rule has that name`},
		{"test_even", validate.Rule{Check: check}, `validate: Register "test_even": already registered`},
	}
	for _, tt := range tests {
		if err := validate.Register(tt.name, tt.rule); err == nil || err.Error() != tt.want {
			t.Errorf("Register(%q): got %v, want %s", tt.name, err, tt.want)
		}
	}
	// A failed registration leaves the name unknown.
	if err := validate.Struct(one(tString, "test_nil", nil)); err == nil || !strings.Contains(err.Error(), `unknown rule "test_nil"`) {
		t.Errorf("after a failed Register: %v", err)
	}
}
