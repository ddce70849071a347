package docs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/validate"
)

// The one-source-of-truth tests: for inputs generated from a pool of
// valid, boundary and invalid values, the runtime verdict (bind and
// validate behind a real bind.Handler: 2xx or 422) must equal the verdict
// of an independent JSON Schema validator (formats asserted) against the
// schema in the document.

type truthChild struct {
	ID   uint16 `json:"id" validate:"required,gte=1"`
	Note string `json:"note,omitempty" validate:"omitempty,min=2"`
}

type truthBody struct {
	Name     string            `json:"name" validate:"required,min=2,max=5"`
	Age      int8              `json:"age" validate:"gte=0,lt=120"`
	Count    uint8             `json:"count"`
	Score    float64           `json:"score" validate:"gt=0,lte=10"`
	Kind     string            `json:"kind" validate:"omitempty,oneof=a b 'c d'"`
	Level    int               `json:"level" validate:"oneof=1 2 3"`
	Code     string            `json:"code" validate:"len=3,alphanum"`
	Tags     []string          `json:"tags" validate:"min=1,max=3,unique,dive,alpha,max=4"`
	Map      map[string]int    `json:"map" validate:"max=2,dive,keys,alpha,endkeys,gte=1"`
	Ptr      *int              `json:"ptr" validate:"omitempty,ne=7"`
	Req      *string           `json:"req" validate:"required"`
	Eq       string            `json:"eq" validate:"eq=x"`
	Ne       float32           `json:"ne" validate:"ne=1.5"`
	Pat      string            `json:"pat" validate:"pattern=^[a-z]+[0-9]?$"`
	Pre      string            `json:"pre" validate:"startswith=ab,endswith=yz"`
	Has      string            `json:"has" validate:"contains=-,excludes=_"`
	UUID     string            `json:"uuid" validate:"omitempty,uuid"`
	UUID4    string            `json:"uuid4" validate:"uuid4"`
	Num      string            `json:"num" validate:"numeric"`
	Digits   string            `json:"digits" validate:"number"`
	Hex      string            `json:"hex" validate:"hexadecimal"`
	Phone    string            `json:"phone" validate:"e164"`
	B64      string            `json:"b64" validate:"base64"`
	Alpha    string            `json:"alpha" validate:"alpha"`
	Email    string            `json:"email" validate:"email"`
	URL      string            `json:"url" validate:"url"`
	URI      string            `json:"uri" validate:"uri"`
	IP       string            `json:"ip" validate:"ip"`
	IPv4     string            `json:"ipv4" validate:"ipv4"`
	IPv6     string            `json:"ipv6" validate:"ipv6"`
	Host     string            `json:"host" validate:"hostname"`
	Lower    string            `json:"lower" validate:"lowercase"`
	When     time.Time         `json:"when"`
	Dur      time.Duration     `json:"dur" validate:"lte=1m"`
	Flag     bool              `json:"flag" validate:"eq=true"`
	Child    *truthChild       `json:"child"`
	Children []truthChild      `json:"children" validate:"max=2"`
	Nested   map[string][]int8 `json:"nested" validate:"dive,max=1"`
	Any      any               `json:"any"`
	Opt      *float64          `json:"opt" validate:"required,gte=0.5"`
}

type truthStrict struct {
	ID   int    `json:"id" validate:"required"`
	Name string `json:"name"`
}

func (truthStrict) ForbidUnknownFields() {}

type truthQuery struct {
	Limit int           `query:"limit" validate:"gte=1,lte=100"`
	Page  uint8         `query:"page"`
	Q     string        `query:"q" validate:"omitempty,min=2,max=4"`
	Sort  string        `query:"sort" validate:"oneof=asc desc"`
	Tags  []string      `query:"tag" validate:"max=2,dive,alpha"`
	IDs   []int         `query:"ids" explode:"false" validate:"dive,gte=1"`
	Ratio float64       `query:"ratio" validate:"gt=0,lt=1"`
	Flag  bool          `query:"flag"`
	When  time.Time     `query:"when"`
	Dur   time.Duration `query:"dur"`
	Ptr   *int16        `query:"ptr"`
	Req   string        `query:"req" validate:"required"`
	Def   int           `query:"def" default:"5" validate:"gte=1"`
}

// jsonPool is the generated values: each one replaces each field in turn.
var jsonPool = []string{
	`null`, `true`, `false`, `0`, `1`, `-1`, `2`, `3`, `7`, `1.5`, `0.5`, `0.4`, `-0.5`, `10`, `10.5`,
	`119`, `120`, `127`, `128`, `-128`, `-129`, `255`, `256`, `65535`, `65536`, `1e2`, `1.0`,
	`60000000000`, `60000000001`, `""`, `"a"`, `"ab"`, `"abc"`, `"abcd"`, `"abcde"`, `"abcdef"`, `"x"`,
	`"A1b"`, `"ab-yz"`, `"abxyz"`, `"a_b-"`, `"a-b"`, `"c d"`, `"1"`, `"12"`, `"-1.5"`, `"+1"`,
	`"0x1F"`, `"1F"`, `"ab12"`, `"abc1"`, `"ABC"`, `"abc99"`, `"+14155552671"`, `"14155552671"`,
	`"aGVsbG8="`, `"aGVsbG8"`, `"a@b.co"`, `"a@"`, `"http://example.com/x"`, `"example.com"`,
	`"/relative/path"`, `"127.0.0.1"`, `"::1"`, `"256.1.1.1"`, `"host-name"`, `"-bad-"`, `"lower"`,
	`"Lower"`, `"2026-01-02T03:04:05Z"`, `"2026-01-02"`, `"550e8400-e29b-41d4-a716-446655440000"`,
	`"550e8400-e29b-11d4-a716-446655440000"`, `"550E8400-E29B-41D4-A716-446655440000"`,
	`[]`, `["ab"]`, `["ab","ab"]`, `["ab","cd","ef","gh"]`, `["a1"]`, `["abcde"]`, `[1]`, `[null]`,
	`{}`, `{"a":1}`, `{"a":0}`, `{"ab":[1]}`, `{"ab":[1,2]}`, `{"a":1,"b":2,"c":3}`, `{"a":"x"}`, `{"a1":1}`,
	`{"id":1}`, `{"id":0}`, `{"id":1,"note":"a"}`, `{"id":1,"note":"ab"}`, `{"id":1,"x":1}`,
	`[{"id":1}]`, `[{"id":1},{"id":2},{"id":3}]`, `[{"id":0}]`, `[{}]`,
}

// textPool is the generated query values.
var textPool = []string{
	"", "0", "1", "2", "5", "100", "101", "-1", "255", "256", "1.5", "0.5", "abc", "ab", "a", "abcde",
	"asc", "desc", "ASC", "true", "false", "yes", "1h", "90s", "bad", "2026-01-02T03:04:05Z",
	"2026-01-02", "32767", "32768", "a,b", "1,2", "1,0", "+1", "01", "1e2", "1.0", "NaN", "ab1",
}

// truthAPI documents one operation per input type, served by a real
// bind.Handler that answers 200 when the input is valid.
func truthAPI(t *testing.T) (http.Handler, map[string]any, *jsonschema.Compiler) {
	t.Helper()
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "truth", Version: "1"})
	ok := func(context.Context, any) (struct{}, error) { return struct{}{}, nil }
	api.Handle(mux, "POST /body", bind.Handler(func(ctx context.Context, in *struct{ Body truthBody }) (struct{}, error) { return ok(ctx, in) }))
	api.Handle(mux, "POST /strict", bind.Handler(func(ctx context.Context, in *struct{ Body truthStrict }) (struct{}, error) { return ok(ctx, in) }))
	api.Handle(mux, "POST /optional", bind.Handler(func(ctx context.Context, in *struct{ Body *truthChild }) (struct{}, error) { return ok(ctx, in) }))
	api.Handle(mux, "POST /list", bind.Handler(func(ctx context.Context, in *struct {
		Body []truthChild `validate:"min=1,max=2"`
	}) (struct{}, error) {
		return ok(ctx, in)
	}))
	api.Handle(mux, "GET /query", bind.Handler(func(ctx context.Context, in *truthQuery) (struct{}, error) { return ok(ctx, in) }))
	data, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("https://stdapi.test/openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	return mux, raw, c
}

func pointer(parts ...string) string {
	var b strings.Builder
	b.WriteString("https://stdapi.test/openapi.json#")
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// verdicts runs one request and returns bind's verdict.
func runtimeVerdict(t *testing.T, h http.Handler, r *http.Request) bool {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	switch rec.Code {
	case http.StatusOK:
		return true
	case http.StatusUnprocessableEntity:
		return false
	}
	t.Fatalf("%s %s: status %d: %s", r.Method, r.URL, rec.Code, rec.Body)
	return false
}

// inexactField reports fields whose rules the schema cannot state exactly
// (x-validate): there the schema may be looser than the validator, never
// stricter.
func inexactField(t reflect.Type, jsonName string) bool {
	for _, f := range validate.MustCompile(t).Object().Fields {
		if f.JSONName == jsonName {
			return hasInexact(&f.Value)
		}
	}
	return false
}

func hasInexact(v *validate.Value) bool {
	if v == nil {
		return false
	}
	for _, c := range v.Rules {
		if !c.Exact {
			return true
		}
	}
	return hasInexact(v.Items) || hasInexact(v.Keys)
}

func TestTruthJSONBodies(t *testing.T) {
	h, _, c := truthAPI(t)
	cases := []struct {
		path   string
		typ    reflect.Type
		base   map[string]json.RawMessage
		fields []string
		whole  []string // whole bodies
	}{
		{
			path: "/body", typ: reflect.TypeFor[truthBody](),
			base: map[string]json.RawMessage{"name": json.RawMessage(`"abc"`), "req": json.RawMessage(`"x"`), "opt": json.RawMessage(`1`)},
			whole: []string{`{}`, `null`, `[]`, `"x"`, `{"name":"abc","req":"x"}`, `{"name":"abc","req":null,"opt":1}`,
				`{"name":"abc","req":"x","opt":1,"unknown":1}`},
		},
		{
			path: "/strict", typ: reflect.TypeFor[truthStrict](),
			base:  map[string]json.RawMessage{"id": json.RawMessage(`1`)},
			whole: []string{`{}`, `{"id":1,"extra":true}`, `{"id":null}`, `null`},
		},
		{
			path: "/optional", typ: reflect.TypeFor[truthChild](),
			base:  map[string]json.RawMessage{"id": json.RawMessage(`1`)},
			whole: []string{`null`, `{}`, `{"id":1}`, `[]`},
		},
		{
			path:  "/list",
			whole: append([]string{`[{"id":1},{"id":2}]`}, jsonPool...),
		},
	}
	var checked, tolerated int
	for _, tc := range cases {
		sch, err := c.Compile(pointer("paths", tc.path, "post", "requestBody", "content", "application/json", "schema"))
		if err != nil {
			t.Fatalf("%s: compile: %v", tc.path, err)
		}
		check := func(body, field string) {
			t.Helper()
			r := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			got := runtimeVerdict(t, h, r)
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
			if err != nil {
				t.Fatalf("bad test body %s: %v", body, err)
			}
			want := sch.Validate(v) == nil
			checked++
			if got == want {
				return
			}
			if want && !got && field != "" && inexactField(tc.typ, field) {
				tolerated++
				t.Logf("tolerated (inexact rule, schema looser): POST %s %s", tc.path, body)
				return
			}
			t.Errorf("POST %s %s: runtime valid=%v, schema valid=%v", tc.path, body, got, want)
		}
		for _, body := range tc.whole {
			check(body, "")
		}
		if tc.base == nil {
			continue
		}
		base, _ := json.Marshal(tc.base)
		check(string(base), "")
		for _, f := range validate.MustCompile(tc.typ).Object().Fields {
			for _, val := range append([]string{"absent"}, jsonPool...) {
				obj := map[string]json.RawMessage{}
				for k, v := range tc.base {
					obj[k] = v
				}
				if val == "absent" {
					delete(obj, f.JSONName)
				} else {
					obj[f.JSONName] = json.RawMessage(val)
				}
				body, _ := json.Marshal(obj)
				check(string(body), f.JSONName)
			}
		}
	}
	t.Logf("%d JSON bodies checked, %d tolerated disagreements on inexact rules", checked, tolerated)
}

var canonicalInt = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// coerce turns a query value into the JSON value an OpenAPI client sends
// for a schema of type typ; false when no client would send that text.
func coerce(text, typ string) (any, bool) {
	switch typ {
	case "integer":
		if !canonicalInt.MatchString(text) {
			return nil, false
		}
		return json.Number(text), true
	case "number":
		var n json.Number
		if json.Unmarshal([]byte(text), &n) != nil {
			return nil, false
		}
		return n, true
	case "boolean":
		if text == "true" || text == "false" {
			return text == "true", true
		}
		return nil, false
	}
	return text, true
}

// schemaType finds the declared type of a parameter schema, looking into
// anyOf for the omitempty form.
func schemaType(s map[string]any) string {
	if t, ok := s["type"].(string); ok {
		return t
	}
	if alts, ok := s["anyOf"].([]any); ok {
		for _, a := range alts {
			if t := schemaType(a.(map[string]any)); t != "" {
				return t
			}
		}
	}
	return ""
}

func TestTruthQueryParameters(t *testing.T) {
	h, raw, c := truthAPI(t)
	params := raw["paths"].(map[string]any)["/query"].(map[string]any)["get"].(map[string]any)["parameters"].([]any)
	var checked, tolerated int
	for i, p := range params {
		p := p.(map[string]any)
		name := p["name"].(string)
		sch, err := c.Compile(pointer("paths", "/query", "get", "parameters", strconv.Itoa(i), "schema"))
		if err != nil {
			t.Fatalf("%s: compile: %v", name, err)
		}
		ps := p["schema"].(map[string]any)
		typ, itemType := schemaType(ps), ""
		if typ == "array" {
			itemType = schemaType(ps["items"].(map[string]any))
		}
		explode := p["explode"] != false
		var inputs [][]string
		inputs = append(inputs, nil) // absent
		for _, v := range textPool {
			inputs = append(inputs, []string{v})
			if typ == "array" {
				inputs = append(inputs, []string{v, v}, []string{v, "a", "b"})
			}
		}
		for _, vals := range inputs {
			q := url.Values{}
			if name != "req" {
				q.Set("req", "x")
			}
			for _, v := range vals {
				q.Add(name, v)
			}
			r := httptest.NewRequest(http.MethodGet, "/query?"+q.Encode(), nil)
			got := runtimeVerdict(t, h, r)

			// The schema's verdict: a missing required parameter fails;
			// otherwise the value as a client would have serialized it.
			want, canonical := true, true
			switch {
			case name == "req" && len(vals) == 0:
				want = false
			case len(vals) == 0:
			case typ == "array":
				var items []any
				texts := vals
				if !explode {
					texts = strings.Split(strings.Join(vals, ","), ",")
				}
				for _, v := range texts {
					x, ok := coerce(v, itemType)
					canonical = canonical && ok
					items = append(items, x)
				}
				want = canonical && sch.Validate(items) == nil
			default:
				x, ok := coerce(vals[0], typ)
				canonical = ok
				want = ok && sch.Validate(x) == nil
			}
			checked++
			if got == want {
				continue
			}
			if got && !canonical {
				tolerated++
				t.Logf("tolerated (bind accepts a form no client sends): %s=%q", name, vals)
				continue
			}
			t.Errorf("GET /query %s=%q: runtime valid=%v, schema valid=%v", name, vals, got, want)
		}
	}
	t.Logf("%d query inputs checked, %d tolerated", checked, tolerated)
}
