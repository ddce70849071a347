package validate_test

import (
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

var fuzzTypes = []reflect.Type{
	tString, tInt, tInt8, tUint, tFloat, tBool, tDuration, tStrings, tInts, tArray, tMap, tStrPtr,
	reflect.TypeFor[[]*string](), reflect.TypeFor[map[int]string](), reflect.TypeFor[[][]string](),
	reflect.TypeFor[time.Time](), reflect.TypeFor[any](), reflect.TypeFor[[]byte](), reflect.TypeFor[address](),
	reflect.TypeFor[[]address](), reflect.TypeFor[map[string]*address](),
}

// fill sets v from s, as far as v's kind allows, so that fuzzed values reach
// the rules.
func fill(v reflect.Value, s string, depth int) {
	if depth > 3 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int64:
		n, _ := strconv.ParseInt(s, 10, 64)
		v.SetInt(n)
	case reflect.Uint16:
		n, _ := strconv.ParseUint(s, 10, 16)
		v.SetUint(n)
	case reflect.Float64:
		f, _ := strconv.ParseFloat(s, 64)
		v.SetFloat(f)
	case reflect.Bool:
		v.SetBool(len(s)%2 == 1)
	case reflect.Pointer:
		if s != "" {
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), s, depth+1)
		}
	case reflect.Slice:
		n := len(s) % 4
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			fill(v.Index(i), s[i:], depth+1)
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), s, depth+1)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for i := range len(s) % 3 {
			k := reflect.New(v.Type().Key()).Elem()
			e := reflect.New(v.Type().Elem()).Elem()
			fill(k, s[i:], depth+1)
			fill(e, s, depth+1)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[address]() {
			fill(v.Field(0), s, depth+1)
			fill(v.Field(1), s, depth+1)
		}
	}
}

// FuzzTags: random tags on random field types with random values never
// panic; they give nil, a 422 *stdapi.Error or a *TagError.
func FuzzTags(f *testing.F) {
	seeds := []struct {
		typ      uint8
		tag, val string
	}{
		{0, "required,min=3,max=5", "abcd"}, {1, "gte=1,lte=10", "5"}, {7, "dive,oneof=a b", "ab"},
		{10, "dive,keys,min=1,endkeys,gt=0", "xy"}, {0, "pattern=^a{1,3}$", "aa"}, {2, "oneof=1 2", "1"},
		{6, "min=1s", "5"}, {0, "datetime=2006-01-02", "2024-01-02"}, {14, "dive,dive,required", "abc"},
		{0, "min=", ""}, {0, "dive,keys", ""}, {10, "dive,keys,endkeys", "a"}, {8, "unique", "aaaa"},
		{0, "oneof='", ""}, {0, "0x2C", ""}, {0, "email,omitempty", "@"}, {19, "dive,required", "x"},
	}
	for _, s := range seeds {
		f.Add(s.typ, s.tag, s.val)
	}
	f.Fuzz(func(t *testing.T, ti uint8, tag, val string) {
		typ := fuzzTypes[int(ti)%len(fuzzTypes)]
		st := reflect.StructOf([]reflect.StructField{{
			Name: "F", Type: typ, Tag: reflect.StructTag(`json:"f" validate:` + strconv.Quote(tag)),
		}})
		v := reflect.New(st)
		fill(v.Elem().Field(0), val, 0)
		err := validate.Struct(v.Interface())
		var se *stdapi.Error
		var te *validate.TagError
		switch {
		case err == nil:
		case errors.As(err, &se):
			if se.StatusCode() != 422 || len(se.Errors) == 0 {
				t.Fatalf("bad validation error %v", err)
			}
			for _, fe := range se.Errors {
				if fe.Type == "" || fe.Msg == "" || len(fe.Loc) == 0 || fe.Loc[0] != "f" {
					t.Fatalf("bad field error %+v", fe)
				}
			}
		case errors.As(err, &te):
		default:
			t.Fatalf("unexpected error %T %v", err, err)
		}
	})
}

// exactRules are the string rules whose introspection claims an exact
// JSON Schema pattern.
var exactRules = []string{
	"uuid", "uuid3", "uuid4", "uuid5", "alpha", "alphanum", "numeric", "number", "hexadecimal",
	"e164", "base64", "contains=a.b", "startswith=x(", "endswith=$", "pattern=^[a-c]{2,4}$",
}

// FuzzStringRules: the string checks never panic, and where introspection
// claims an exact pattern, the check agrees with that pattern.
func FuzzStringRules(f *testing.F) {
	for _, s := range []string{"", "abc", "3f1c7a2e-9b4d-4c6a-8e2f-1a2b3c4d5e6f", "+14155552671", "YWJj", "0xFF", "-1.5",
		"a@b.co", "http://x", "::1", "10.0.0.0/8", "日本", "x(a.b$", "\xff"} {
		f.Add(s)
	}
	all := []string{"email", "url", "uri", "ip", "ipv4", "ipv6", "cidr", "hostname", "fqdn", "lowercase", "uppercase",
		"datetime=2006-01-02T15:04:05Z07:00", "excludes=ab"}
	all = append(all, exactRules...)
	type rule struct {
		plan *validate.Plan
		re   *regexp.Regexp
	}
	var rules []rule
	for _, tag := range all {
		p := validate.MustCompile(reflect.StructOf([]reflect.StructField{{Name: "F", Type: tString, Tag: reflect.StructTag(`validate:` + strconv.Quote(tag))}}))
		c := p.Object().Fields[0].Rules[0]
		r := rule{plan: p}
		if pat, ok := c.Keywords["pattern"].(string); ok && c.Exact {
			r.re = regexp.MustCompile(pat)
		}
		rules = append(rules, r)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range rules {
			v := reflect.New(r.plan.Type())
			v.Elem().Field(0).SetString(s)
			ok := len(r.plan.Append(nil, v, nil)) == 0
			if r.re != nil && ok != r.re.MatchString(s) {
				t.Fatalf("%s on %q: check says %v, pattern %s says %v", r.plan.Object().Fields[0].Tag, s, ok, r.re, !ok)
			}
		}
	})
}
