package validate

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stdapi/stdapi"
)

// rulePlan is one compiled rule: its check, and the field error it makes.
type rulePlan struct {
	info  Constraint
	check func(v reflect.Value) bool
	code  string
	msg   string
	ctx   map[string]any
	input bool // echo the value as the error's input
	// detail, when set, completes the error from the failing value
	// (which bound a length broke, the actual length).
	detail func(v reflect.Value, fe *stdapi.FieldError)
}

// class groups the kinds rules care about.
type class int

const (
	classOther class = iota
	classString
	classInt
	classUint
	classFloat
	classBool
	classDuration
	classList
	classMap
)

func classOf(d reflect.Type) class {
	if d == durationType {
		return classDuration
	}
	switch d.Kind() {
	case reflect.String:
		return classString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return classInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return classUint
	case reflect.Float32, reflect.Float64:
		return classFloat
	case reflect.Bool:
		return classBool
	case reflect.Slice, reflect.Array:
		return classList
	case reflect.Map:
		return classMap
	}
	return classOther
}

func (c class) numeric() bool {
	return c == classInt || c == classUint || c == classFloat || c == classDuration
}

// compileRule compiles the rule name=param for a value of type t.
func compileRule(name, param string, t reflect.Type) (*rulePlan, error) {
	d := deref(t)
	var (
		r   *rulePlan
		err error
	)
	switch name {
	case "min", "max", "len", "gt", "gte", "lt", "lte", "eq", "ne":
		r, err = compareRule(name, param, d)
	case "oneof":
		r, err = oneofRule(param, d)
	case "unique":
		r, err = uniqueRule(param, d)
	default:
		if f, ok := formats[name]; ok {
			r, err = f.compile(name, param, d)
		} else if c, ok := lookupCustom(name); ok {
			r, err = c.compile(name, param, d)
		} else {
			return nil, fmt.Errorf("unknown rule %q", name)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r.info.Rule, r.info.Param, r.info.Code = name, param, r.code
	return r, nil
}

// number is a parsed numeric parameter, in the representation of its class.
type number struct {
	i int64
	u uint64
	f float64
}

func parseNumber(c class, param string) (number, any, error) {
	switch c {
	case classInt:
		i, err := strconv.ParseInt(param, 10, 64)
		if err != nil {
			return number{}, nil, fmt.Errorf("parameter %q is not an integer", param)
		}
		return number{i: i}, i, nil
	case classUint:
		u, err := strconv.ParseUint(param, 10, 64)
		if err != nil {
			return number{}, nil, fmt.Errorf("parameter %q is not an unsigned integer", param)
		}
		return number{u: u}, u, nil
	case classFloat:
		f, err := strconv.ParseFloat(param, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return number{}, nil, fmt.Errorf("parameter %q is not a finite number", param)
		}
		return number{f: f}, f, nil
	case classDuration:
		d, err := time.ParseDuration(param)
		if err != nil {
			return number{}, nil, fmt.Errorf("parameter %q is not a duration", param)
		}
		return number{i: int64(d)}, int64(d), nil
	}
	return number{}, nil, fmt.Errorf("not a number")
}

// showNumber formats a parameter for messages: canonical, so that +5 and
// 5.0 read as 5, and durations as time.Duration prints them.
func showNumber(c class, n number) string {
	switch c {
	case classInt:
		return strconv.FormatInt(n.i, 10)
	case classUint:
		return strconv.FormatUint(n.u, 10)
	case classDuration:
		return time.Duration(n.i).String()
	}
	return strconv.FormatFloat(n.f, 'g', -1, 64)
}

// cmpNumber compares v, of class c, with n: -1, 0 or +1 (NaN compares as
// neither, giving 2, so that every bound fails).
func cmpNumber(c class, v reflect.Value, n number) int {
	switch c {
	case classInt, classDuration:
		x := v.Int()
		return cmp3(x < n.i, x > n.i)
	case classUint:
		x := v.Uint()
		return cmp3(x < n.u, x > n.u)
	default:
		x := v.Float()
		if x != x {
			return 2
		}
		return cmp3(x < n.f, x > n.f)
	}
}

func cmp3(less, more bool) int {
	if less {
		return -1
	}
	if more {
		return 1
	}
	return 0
}

func compareRule(name, param string, d reflect.Type) (*rulePlan, error) {
	c := classOf(d)
	switch {
	case c == classString && (name == "eq" || name == "ne"):
		ne := name == "ne"
		return equalRule(name, param, quote(param), param, func(v reflect.Value) bool { return (v.String() == param) != ne })
	case c == classString || c == classList || c == classMap:
		return lengthRule(name, param, d, c)
	case c == classBool && (name == "eq" || name == "ne"):
		b, err := strconv.ParseBool(param)
		if err != nil {
			return nil, fmt.Errorf("parameter %q is not a boolean", param)
		}
		ne := name == "ne"
		return equalRule(name, param, strconv.FormatBool(b), b, func(v reflect.Value) bool { return (v.Bool() == b) != ne })
	case c.numeric():
		return numberRule(name, param, c)
	}
	return nil, fmt.Errorf("not applicable to %s", d)
}

func numberRule(name, param string, c class) (*rulePlan, error) {
	n, typed, err := parseNumber(c, param)
	if err != nil {
		return nil, err
	}
	shown := showNumber(c, n)
	if c == classDuration {
		typed = shown
	}
	kw := typed
	if c == classDuration {
		kw = n.i
	}
	switch name {
	case "eq", "len":
		return equalRule("eq", param, shown, typed, func(v reflect.Value) bool { return cmpNumber(c, v, n) == 0 })
	case "ne":
		r, _ := equalRule("ne", param, shown, typed, func(v reflect.Value) bool { return cmpNumber(c, v, n) != 0 })
		r.info.Keywords = map[string]any{"not": map[string]any{"const": kw}}
		return r, nil
	}
	var r rulePlan
	r.input = true
	switch name {
	case "min", "gte":
		r.code, r.msg, r.ctx = "greater_than_equal", "Input should be greater than or equal to "+shown, map[string]any{"ge": typed}
		r.check = func(v reflect.Value) bool { x := cmpNumber(c, v, n); return x == 0 || x == 1 }
		r.info.Keywords = map[string]any{"minimum": kw}
	case "max", "lte":
		r.code, r.msg, r.ctx = "less_than_equal", "Input should be less than or equal to "+shown, map[string]any{"le": typed}
		r.check = func(v reflect.Value) bool { x := cmpNumber(c, v, n); return x == 0 || x == -1 }
		r.info.Keywords = map[string]any{"maximum": kw}
	case "gt":
		r.code, r.msg, r.ctx = "greater_than", "Input should be greater than "+shown, map[string]any{"gt": typed}
		r.check = func(v reflect.Value) bool { return cmpNumber(c, v, n) == 1 }
		r.info.Keywords = map[string]any{"exclusiveMinimum": kw}
	case "lt":
		r.code, r.msg, r.ctx = "less_than", "Input should be less than "+shown, map[string]any{"lt": typed}
		r.check = func(v reflect.Value) bool { return cmpNumber(c, v, n) == -1 }
		r.info.Keywords = map[string]any{"exclusiveMaximum": kw}
	}
	r.info.Exact = true
	return &r, nil
}

// equalRule builds eq (pydantic's literal_error) and ne (a value_error).
func equalRule(name, param, shown string, typed any, check func(reflect.Value) bool) (*rulePlan, error) {
	r := &rulePlan{check: check, input: true, info: Constraint{Exact: true}}
	if name == "ne" {
		r.code, r.msg, r.ctx = "value_error", "Input should not be "+shown, map[string]any{"rule": "ne", "ne": typed}
		r.info.Keywords = map[string]any{"not": map[string]any{"const": typed}}
		return r, nil
	}
	r.code, r.msg, r.ctx = "literal_error", "Input should be "+shown, map[string]any{"expected": shown}
	r.info.Keywords = map[string]any{"const": typed}
	return r, nil
}

// lengthRule builds min, max, len, gt, gte, lt, lte, eq and ne on the rune
// length of a string or the length of a slice, array or map.
func lengthRule(name, param string, d reflect.Type, c class) (*rulePlan, error) {
	n, err := strconv.Atoi(param)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("parameter %q is not a length (a non-negative integer)", param)
	}
	length := func(v reflect.Value) int { return v.Len() }
	if c == classString {
		length = func(v reflect.Value) int { return utf8.RuneCountInString(v.String()) }
	}
	if name == "ne" {
		r := &rulePlan{
			check: func(v reflect.Value) bool { return length(v) != n },
			code:  "value_error", msg: fmt.Sprintf("Length should not be %d", n),
			ctx: map[string]any{"rule": "ne", "ne": n},
		}
		if kw := lengthKeywords(d, c, n, n); kw != nil {
			r.info.Keywords, r.info.Exact = map[string]any{"not": kw}, true
		}
		return r, nil
	}
	lo, hi := 0, -1 // hi < 0: no upper bound
	switch name {
	case "min", "gte":
		lo = n
	case "max", "lte":
		hi = n
	case "len", "eq":
		lo, hi = n, n
	case "gt":
		lo = n + 1
	case "lt":
		if n == 0 {
			return nil, fmt.Errorf("lt=0 on a length can never pass")
		}
		hi = n - 1
	}
	short, long := tooShort(c, lo), tooLong(c, hi)
	r := &rulePlan{
		check: func(v reflect.Value) bool {
			l := length(v)
			return l >= lo && (hi < 0 || l <= hi)
		},
		input: c == classString,
		detail: func(v reflect.Value, fe *stdapi.FieldError) {
			l := length(v)
			e := short
			if l >= lo {
				e = long
			}
			fe.Type, fe.Ctx, fe.Msg = e.code, e.ctx, e.msg
			if c != classString {
				fe.Ctx = cloneCtx(e.ctx)
				fe.Ctx["actual_length"] = l
				fe.Msg += ", not " + strconv.Itoa(l)
			}
		},
	}
	r.code = short.code
	if lo == 0 {
		r.code = long.code
	}
	if kw := lengthKeywords(d, c, lo, hi); kw != nil {
		r.info.Keywords, r.info.Exact = kw, true
	}
	return r, nil
}

type failure struct {
	code, msg string
	ctx       map[string]any
}

func plural(n int, word string) string {
	if n == 1 {
		return strconv.Itoa(n) + " " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func tooShort(c class, n int) failure {
	if c == classString {
		return failure{"string_too_short", "String should have at least " + plural(n, "character"), map[string]any{"min_length": n}}
	}
	ft := fieldType(c)
	return failure{"too_short", ft + " should have at least " + plural(n, "item") + " after validation", map[string]any{"field_type": ft, "min_length": n}}
}

func tooLong(c class, n int) failure {
	if c == classString {
		return failure{"string_too_long", "String should have at most " + plural(n, "character"), map[string]any{"max_length": n}}
	}
	ft := fieldType(c)
	return failure{"too_long", ft + " should have at most " + plural(n, "item") + " after validation", map[string]any{"field_type": ft, "max_length": n}}
}

func fieldType(c class) string {
	if c == classMap {
		return "Dictionary"
	}
	return "List"
}

// lengthKeywords are the JSON Schema keywords for lo <= length <= hi (hi < 0:
// unbounded), or nil for []byte, which encoding/json writes as base64 text.
func lengthKeywords(d reflect.Type, c class, lo, hi int) map[string]any {
	var min, max string
	switch {
	case c == classString:
		min, max = "minLength", "maxLength"
	case c == classMap:
		min, max = "minProperties", "maxProperties"
	case d.Elem().Kind() == reflect.Uint8:
		return nil
	default:
		min, max = "minItems", "maxItems"
	}
	kw := map[string]any{}
	if lo > 0 || hi < 0 {
		kw[min] = lo
	}
	if hi >= 0 {
		kw[max] = hi
	}
	return kw
}

func quote(s string) string { return "'" + s + "'" }

func cloneCtx(m map[string]any) map[string]any {
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

// oneofRule builds oneof: space-separated values, 'quoted' when they hold
// spaces; strings and numbers.
func oneofRule(param string, d reflect.Type) (*rulePlan, error) {
	words, err := splitOneof(param)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("needs at least one value")
	}
	c := classOf(d)
	enum := make([]any, len(words))
	shown := make([]string, len(words))
	var check func(reflect.Value) bool
	switch {
	case c == classString:
		for i, w := range words {
			enum[i], shown[i] = w, quote(w)
		}
		check = func(v reflect.Value) bool {
			s := v.String()
			for _, w := range words {
				if s == w {
					return true
				}
			}
			return false
		}
	case c.numeric():
		nums := make([]number, len(words))
		for i, w := range words {
			n, typed, err := parseNumber(c, w)
			if err != nil {
				return nil, err
			}
			nums[i], enum[i], shown[i] = n, typed, showNumber(c, n)
		}
		check = func(v reflect.Value) bool {
			for _, n := range nums {
				if cmpNumber(c, v, n) == 0 {
					return true
				}
			}
			return false
		}
	default:
		return nil, fmt.Errorf("not applicable to %s", d)
	}
	expected := shown[len(shown)-1]
	if len(shown) > 1 {
		expected = strings.Join(shown[:len(shown)-1], ", ") + " or " + expected
	}
	return &rulePlan{
		check: check, input: true,
		code: "enum", msg: "Input should be " + expected, ctx: map[string]any{"expected": expected},
		info: Constraint{Keywords: map[string]any{"enum": enum}, Exact: true},
	}, nil
}

func splitOneof(param string) ([]string, error) {
	var words []string
	for s := strings.TrimSpace(param); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '\'' {
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote in %q", param)
			}
			words = append(words, s[1:end+1])
			s = s[end+2:]
			continue
		}
		w, rest, _ := strings.Cut(s, " ")
		words = append(words, w)
		s = rest
	}
	return words, nil
}
