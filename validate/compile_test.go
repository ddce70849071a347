package validate_test

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/validate"
)

func TestBadTags(t *testing.T) {
	tests := []struct {
		typ  reflect.Type
		tag  string
		want string
	}{
		{tString, "nope", `unknown rule "nope"`},
		{tString, "min=abc", `min: parameter "abc" is not a length (a non-negative integer)`},
		{tString, "min=-1", `min: parameter "-1" is not a length`},
		{tInt, "min=abc", `min: parameter "abc" is not an integer`},
		{tInt, "min=1.5", `min: parameter "1.5" is not an integer`},
		{tUint, "max=-1", `max: parameter "-1" is not an unsigned integer`},
		{tFloat, "gt=NaN", `gt: parameter "NaN" is not a finite number`},
		{tDuration, "min=5", `min: parameter "5" is not a duration`},
		{tBool, "eq=maybe", `eq: parameter "maybe" is not a boolean`},
		{tBool, "min=1", `min: not applicable to bool`},
		{tInt, "email", `email: not applicable to int (strings only)`},
		{tInts, "uuid", `uuid: not applicable to []int (strings only)`},
		{tString, "dive", `dive on string, which is not a slice, array or map`},
		{tInts, "dive,keys,min=1,endkeys", `keys on []int, which is not a map`},
		{tMap, "dive,keys,min=1", `keys without endkeys`},
		{tString, "keys", `keys must follow dive on a map`},
		{tString, "required=1", `required takes no parameter`},
		{tString, "email=x", `email: takes no parameter`},
		{tString, "contains", `contains: needs a parameter`},
		{tString, "pattern=([a-z]", `pattern: bad regular expression`},
		{tString, "min=1,,max=2", `empty rule`},
		{tString, "rgb|rgba", `alternatives with | are not supported`},
		{tString, "oneof", `oneof: needs at least one value`},
		{tString, "oneof='a b", `oneof: unterminated quote`},
		{tInt, "oneof=1 x", `oneof: parameter "x" is not an integer`},
		{tBool, "oneof=true", `oneof: not applicable to bool`},
		{tString, "unique", `unique: not applicable to string`},
		{reflect.TypeFor[[]any](), "unique", `unique: elements of type interface {} cannot be compared`},
		{reflect.TypeFor[[][]int](), "unique", `unique: elements of type []int cannot be compared`},
		{tString, "lt=0", `lt: lt=0 on a length can never pass`},
		{reflect.TypeFor[time.Time](), "min=1", `min: not applicable to time.Time`},
		{tInts, "dive,email", `email: not applicable to int`},
	}
	for _, tt := range tests {
		v := one(tt.typ, tt.tag, nil)
		err := validate.Struct(v)
		var te *validate.TagError
		if !errors.As(err, &te) {
			t.Errorf("%s %q: got %v, want a *TagError", tt.typ, tt.tag, err)
			continue
		}
		var se *stdapi.Error
		if errors.As(err, &se) {
			t.Errorf("%s %q: a bad tag must not be a *stdapi.Error", tt.typ, tt.tag)
		}
		if te.Field != "F" || te.Tag != tt.tag || !strings.HasPrefix(te.Struct, "struct {") {
			t.Errorf("%s %q: TagError %+v does not name struct, field and tag", tt.typ, tt.tag, te)
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "validate: struct {") {
			t.Errorf("%s %q: got %q, want it to contain %q", tt.typ, tt.tag, err, tt.want)
		}
	}
}

type badNested struct {
	Inner struct {
		Age int `validate:"email"`
	}
}

type badUser struct {
	Name string `validate:"required,mn=3"`
}

func TestBadTagMessageAndCheck(t *testing.T) {
	err := validate.Check[badUser]()
	want := `validate: validate_test.badUser.Name: tag "required,mn=3": unknown rule "mn"`
	if err == nil || err.Error() != want {
		t.Errorf("Check: got %v, want %s", err, want)
	}
	if err := validate.Struct(&badNested{}); err == nil || !strings.Contains(err.Error(), `.Age: tag "email": email: not applicable to int`) {
		t.Errorf("nested bad tag: got %v", err)
	}
	if err := validate.Check[benchComplex](); err != nil {
		t.Errorf("Check good type: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustCompile of a bad type did not panic")
		}
	}()
	validate.MustCompile(reflect.TypeFor[badUser]())
}

func TestStructArgument(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, "validate: Struct(<nil>): not a struct"},
		{42, "validate: Struct(int): not a struct"},
		{(*benchSimple)(nil), "validate: Struct(nil *validate_test.benchSimple)"},
		{[]benchSimple{}, "validate: Struct([]validate_test.benchSimple): not a struct"},
	}
	for _, tt := range tests {
		if err := validate.Struct(tt.v); err == nil || err.Error() != tt.want {
			t.Errorf("Struct(%#v): got %v, want %s", tt.v, err, tt.want)
		}
	}
	// A struct value works like a pointer.
	if err := validate.Struct(simpleOK); err != nil {
		t.Errorf("Struct(value): %v", err)
	}
	if errorsJSON(t, simpleBad) != errorsJSON(t, &simpleBad) {
		t.Error("a struct value and a pointer to it give different errors")
	}
}

type address struct {
	City string `json:"city" validate:"required"`
	Zip  string `json:"zip,omitempty" validate:"omitempty,len=5"`
}

type Base struct {
	ID int `json:"id" validate:"gt=0"`
}

type audit struct {
	By string `json:"by" validate:"required"`
}

type Named struct {
	Name string `validate:"required"`
}

type ip struct{ netip.Addr }

type shapes struct {
	Base                                    // promoted: loc ["id"]
	*audit                                  // unexported embedded pointer: fields still promoted
	Named    `json:"named"`                 // tagged embedded: a nested object
	Home     address                        `json:"home"`
	Work     *address                       `json:"work"`
	Others   []address                      `json:"others"`
	ByName   map[string]address             `json:"by_name"`
	Matrix   [][]address                    `json:"matrix"`
	Secret   string                         `json:"-" validate:"required"`
	Skipped  string                         `validate:"-"`
	GoName   string                         `validate:"required"`
	When     time.Time                      `json:"when" validate:"required"`
	Addr     netip.Addr                     `json:"addr" validate:"required"`
	Any      any                            `json:"any" validate:"required"`
	Optional *time.Time                     `json:"optional"`
	private  string                         `validate:"required"` // unexported: never validated
	Wrapped  ip                             `json:"wrapped"`
	Dive     map[string][]address           `json:"dive"`
	Ptrs     []*address                     `json:"ptrs"`
	Codes    map[string]int                 `json:"codes" validate:"dive,keys,len=2,endkeys,min=1"`
	Deep     *map[string]*[]*address        `json:"deep"`
	Fixed    [2]address                     `json:"fixed"`
	Stamp    map[time.Duration]string       `json:"stamp" validate:"dive,keys,min=1s,endkeys"`
	Nothing  struct{ A, B int }             `json:"nothing"`
	Children []shapes                       `json:"children"`
	Labels   map[string]map[string]*address `json:"labels"`
}

func TestNestedLocs(t *testing.T) {
	deep := map[string]*[]*address{"k": {nil, {City: ""}}}
	v := shapes{
		audit:    &audit{},
		private:  "",
		Home:     address{Zip: "123"},
		Work:     &address{City: "x", Zip: "1234567"},
		Others:   []address{{City: "a"}, {}},
		ByName:   map[string]address{"b": {}, "a": {}},
		Matrix:   [][]address{{{City: "ok"}}, {{}}},
		Any:      1,
		Dive:     map[string][]address{"x": {{}}},
		Ptrs:     []*address{nil, {}},
		Codes:    map[string]int{"abc": 1, "ok": 0},
		Deep:     &deep,
		Stamp:    map[time.Duration]string{time.Millisecond: "x"},
		Children: []shapes{{Named: Named{Name: "kid"}, GoName: "g", When: time.Unix(1, 0), Addr: netip.IPv6Loopback(), Any: 0, Base: Base{ID: 1}}},
		Labels:   map[string]map[string]*address{"l": {"m": {}}},
	}
	want := `[` +
		`{"type":"greater_than","loc":["id"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},` +
		`{"type":"missing","loc":["by"],"msg":"Field required"},` +
		`{"type":"missing","loc":["named","Name"],"msg":"Field required"},` +
		`{"type":"missing","loc":["home","city"],"msg":"Field required"},` +
		`{"type":"string_too_short","loc":["home","zip"],"msg":"String should have at least 5 characters","input":"123","ctx":{"min_length":5}},` +
		`{"type":"string_too_long","loc":["work","zip"],"msg":"String should have at most 5 characters","input":"1234567","ctx":{"max_length":5}},` +
		`{"type":"missing","loc":["others",1,"city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["by_name","a","city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["by_name","b","city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["matrix",1,0,"city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["GoName"],"msg":"Field required"},` +
		`{"type":"missing","loc":["when"],"msg":"Field required"},` +
		`{"type":"missing","loc":["addr"],"msg":"Field required"},` +
		`{"type":"missing","loc":["dive","x",0,"city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["ptrs",1,"city"],"msg":"Field required"},` +
		`{"type":"string_too_long","loc":["codes","abc","[key]"],"msg":"String should have at most 2 characters","input":"abc","ctx":{"max_length":2}},` +
		`{"type":"greater_than_equal","loc":["codes","ok"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}},` +
		`{"type":"missing","loc":["deep","k",1,"city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["fixed",0,"city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["fixed",1,"city"],"msg":"Field required"},` +
		`{"type":"greater_than_equal","loc":["stamp","1000000","[key]"],"msg":"Input should be greater than or equal to 1s","input":1000000,"ctx":{"ge":"1s"}},` +
		`{"type":"missing","loc":["children",0,"home","city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["children",0,"fixed",0,"city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["children",0,"fixed",1,"city"],"msg":"Field required"},` +
		`{"type":"missing","loc":["labels","l","m","city"],"msg":"Field required"}` +
		`]`
	if got := errorsJSON(t, &v); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestAppendPrefix(t *testing.T) {
	p := validate.MustCompile(reflect.TypeFor[address]())
	tests := []struct {
		name   string
		prefix []any
		want   string
	}{
		{"none", nil, `["city"]`},
		{"body", []any{"body"}, `["body","city"]`},
		{"long", []any{"a", 1, "b", 2, "c"}, `["a",1,"b",2,"c","city"]`},
	}
	for _, tt := range tests {
		dst := []stdapi.FieldError{{Type: "earlier"}}
		dst = p.Append(dst, reflect.ValueOf(&address{}), nil, tt.prefix...)
		if len(dst) != 2 || dst[0].Type != "earlier" || mustJSON(t, dst[1].Loc) != tt.want {
			t.Errorf("%s: got %+v, want the earlier error then loc %s", tt.name, dst, tt.want)
		}
	}
	if dst := p.Append(nil, reflect.ValueOf((*address)(nil)), nil); dst != nil {
		t.Errorf("nil pointer: got %v", dst)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "validate: Plan(validate_test.address).Append: value of type int") {
			t.Errorf("Append with the wrong type: recovered %v", r)
		}
	}()
	p.Append(nil, reflect.ValueOf(1), nil)
}

func TestPlanValidate(t *testing.T) {
	p := validate.MustCompile(reflect.TypeFor[*address]())
	if p.Type() != reflect.TypeFor[address]() {
		t.Errorf("Type: %v", p.Type())
	}
	if err := p.Validate(&address{City: "x"}); err != nil {
		t.Errorf("valid: %v", err)
	}
	if err := p.Validate((*address)(nil)); err != nil {
		t.Errorf("nil pointer: %v", err)
	}
	err := p.Validate(address{})
	var se *stdapi.Error
	if !errors.As(err, &se) || se.Detail != "1 validation error" || mustJSON(t, se.Errors) != `[{"type":"missing","loc":["city"],"msg":"Field required"}]` {
		t.Errorf("invalid: %v", err)
	}
	if err := p.Validate("x"); err == nil || err.Error() != "validate: Plan(validate_test.address).Validate(string): wrong type" {
		t.Errorf("wrong type: %v", err)
	}
	// A slice of structs has a plan too.
	ps := validate.MustCompile(reflect.TypeFor[[]address]())
	if got := mustJSON(t, ps.Append(nil, reflect.ValueOf([]address{{City: "a"}, {}}), nil, "body")); got != `[{"type":"missing","loc":["body",1,"city"],"msg":"Field required"}]` {
		t.Errorf("slice plan: %s", got)
	}
	// A type without rules passes and costs nothing.
	pn := validate.MustCompile(reflect.TypeFor[struct{ A int }]())
	if dst := pn.Append(nil, reflect.ValueOf(struct{ A int }{}), nil); dst != nil {
		t.Errorf("no rules: %v", dst)
	}
}

func TestConcurrentCompile(t *testing.T) {
	type fresh struct {
		A string `validate:"required"`
	}
	defer leakcheck.Check(t)()
	var wg sync.WaitGroup
	plans := make([]*validate.Plan, 8)
	for i := range plans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			plans[i] = validate.MustCompile(reflect.TypeFor[fresh]())
			if err := validate.Struct(&fresh{}); err == nil {
				t.Error("want an error")
			}
		}()
	}
	wg.Wait()
	for _, p := range plans {
		if p != plans[0] {
			t.Fatal("Compile returned different plans for one type")
		}
	}
}

type node struct {
	Name string `json:"name" validate:"required"`
	Next *node  `json:"next"`
}

func TestPointerCycle(t *testing.T) {
	n := &node{Name: "loop"}
	n.Next = n
	err := validate.Struct(n)
	var se *stdapi.Error
	if !errors.As(err, &se) || len(se.Errors) != 1 || se.Errors[0].Type != "value_error" ||
		se.Errors[0].Msg != "Value error, nesting is deeper than 512" || len(se.Errors[0].Loc) != validate.MaxDepth {
		t.Fatalf("got %v", err)
	}
	// A long but finite chain validates every level.
	head := &node{Name: "0"}
	for cur, i := head, 0; i < 100; i++ {
		cur.Next = &node{}
		cur = cur.Next
		if i < 99 {
			cur.Name = "x"
		}
	}
	if err := validate.Struct(head); err == nil || len(err.(*stdapi.Error).Errors[0].Loc) != 101 {
		t.Errorf("got %v", err)
	}
}

func TestUniqueOnInterfaces(t *testing.T) {
	type withAny struct{ A any }
	if err := validate.Struct(one(reflect.TypeFor[[]withAny](), "unique", nil)); err == nil || !strings.Contains(err.Error(), "cannot be compared") {
		t.Errorf("got %v", err)
	}
}
