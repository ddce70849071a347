package validate_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

// jsonPresence is what bind does for a JSON body: it tells, level by level,
// which object keys were sent with a non-null value.
type jsonPresence struct {
	v    any // the decoded JSON value at this level
	desc *validate.Value
}

func newJSONPresence(t *testing.T, p *validate.Plan, body string) validate.Presence {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	return &jsonPresence{v: v, desc: p.Value()}
}

func (p *jsonPresence) child(v any, desc *validate.Value) validate.Presence {
	if v == nil || desc == nil {
		return nil
	}
	return &jsonPresence{v: v, desc: desc}
}

func (p *jsonPresence) Has(i int) bool {
	m, _ := p.v.(map[string]any)
	v, ok := m[p.desc.Object.Fields[i].JSONName]
	return ok && v != nil
}

func (p *jsonPresence) Field(i int) validate.Presence {
	m, _ := p.v.(map[string]any)
	f := &p.desc.Object.Fields[i]
	return p.child(m[f.JSONName], &f.Value)
}

func (p *jsonPresence) Index(i int) validate.Presence {
	a, _ := p.v.([]any)
	return p.child(a[i], p.desc.Items)
}

func (p *jsonPresence) Key(k string) validate.Presence {
	m, _ := p.v.(map[string]any)
	return p.child(m[k], p.desc.Items)
}

type line struct {
	SKU   string  `json:"sku" validate:"required"`
	Qty   int     `json:"qty" validate:"required,lte=10"`
	Note  string  `json:"note" validate:"min=3"`
	Price float64 `json:"price" validate:"gt=0"`
}

type order struct {
	Name     string           `json:"name" validate:"required"`
	Count    int              `json:"count" validate:"required"`
	Paid     bool             `json:"paid" validate:"required"`
	Nick     string           `json:"nick" validate:"min=3"`
	Email    string           `json:"email" validate:"omitempty,email"`
	Ref      *string          `json:"ref" validate:"required,len=4"`
	Lines    []line           `json:"lines" validate:"required,min=1"`
	ByCode   map[string]line  `json:"by_code"`
	Ship     *address         `json:"ship" validate:"required"`
	Bill     address          `json:"bill"`
	Tags     []*string        `json:"tags" validate:"dive,required,min=2"`
	Flags    map[string]*bool `json:"flags" validate:"dive,required"`
	Children []order          `json:"children"`
}

func TestPresence(t *testing.T) {
	p := validate.MustCompile(reflect.TypeFor[order]())
	tests := []struct {
		name, body, want string
	}{
		{"absent required fields are missing, optional ones skipped", `{}`,
			`[{"type":"missing","loc":["body","name"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","count"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","paid"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","ref"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","lines"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","ship"],"msg":"Field required"}]`},
		{"zero values are valid when sent",
			`{"name":"","count":0,"paid":false,"ref":"abcd","lines":[{"sku":"","qty":0}],"ship":{"city":""}}`, ``},
		{"null is not present",
			`{"name":null,"count":0,"paid":false,"ref":null,"lines":[{"sku":"a","qty":1}],"ship":null}`,
			`[{"type":"missing","loc":["body","name"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","ref"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","ship"],"msg":"Field required"}]`},
		{"present optional fields run their rules",
			`{"name":"a","count":1,"paid":true,"ref":"abc","lines":[],"ship":{"city":"x"},"nick":"","email":"bad","bill":{"zip":"1"}}`,
			`[{"type":"string_too_short","loc":["body","nick"],"msg":"String should have at least 3 characters","input":"","ctx":{"min_length":3}},` +
				`{"type":"value_error","loc":["body","email"],"msg":"Input should be a valid email address","input":"bad","ctx":{"rule":"email"}},` +
				`{"type":"string_too_short","loc":["body","ref"],"msg":"String should have at least 4 characters","input":"abc","ctx":{"min_length":4}},` +
				`{"type":"too_short","loc":["body","lines"],"msg":"List should have at least 1 item after validation, not 0","ctx":{"actual_length":0,"field_type":"List","min_length":1}},` +
				`{"type":"missing","loc":["body","bill","city"],"msg":"Field required"},` +
				`{"type":"string_too_short","loc":["body","bill","zip"],"msg":"String should have at least 5 characters","input":"1","ctx":{"min_length":5}}]`},
		{"omitempty skips a sent zero value",
			`{"name":"a","count":1,"paid":true,"ref":"abcd","lines":[{"sku":"a","qty":1}],"ship":{"city":"x"},"email":""}`, ``},
		{"elements and map values have their own presence",
			`{"name":"a","count":1,"paid":true,"ref":"abcd","ship":{"city":"x"},` +
				`"lines":[{"sku":"a","qty":11,"note":"ab"},{"qty":0,"price":0}],` +
				`"by_code":{"z":{"sku":"z"},"b":{"qty":1}},` +
				`"children":[{"name":"kid","count":0,"paid":false,"ref":"abcd","lines":[{"sku":"s","qty":1}]}]}`,
			`[{"type":"less_than_equal","loc":["body","lines",0,"qty"],"msg":"Input should be less than or equal to 10","input":11,"ctx":{"le":10}},` +
				`{"type":"string_too_short","loc":["body","lines",0,"note"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}},` +
				`{"type":"missing","loc":["body","lines",1,"sku"],"msg":"Field required"},` +
				`{"type":"greater_than","loc":["body","lines",1,"price"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},` +
				`{"type":"missing","loc":["body","by_code","b","sku"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","by_code","z","qty"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","children",0,"ship"],"msg":"Field required"}]`},
		{"required elements reject null only",
			`{"name":"a","count":1,"paid":true,"ref":"abcd","lines":[{"sku":"a","qty":1}],"ship":{"city":"x"},` +
				`"tags":["ab",null,"c"],"flags":{"on":false,"off":null}}`,
			`[{"type":"missing","loc":["body","tags",1],"msg":"Field required"},` +
				`{"type":"string_too_short","loc":["body","tags",2],"msg":"String should have at least 2 characters","input":"c","ctx":{"min_length":2}},` +
				`{"type":"missing","loc":["body","flags","off"],"msg":"Field required"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o order
			if err := json.Unmarshal([]byte(tt.body), &o); err != nil {
				t.Fatal(err)
			}
			got := p.Append(nil, reflect.ValueOf(&o), newJSONPresence(t, p, tt.body), "body")
			if g := jsonOrEmpty(t, got); g != tt.want {
				t.Errorf("got  %s\nwant %s", g, tt.want)
			}
		})
	}
}

func jsonOrEmpty(t *testing.T, v []stdapi.FieldError) string {
	if len(v) == 0 {
		return ""
	}
	return mustJSON(t, v)
}

// params is what bind does for query, header, path and cookie parameters:
// a set of the parameters that were sent.
type params map[int]bool

func (p params) Has(i int) bool             { return p[i] }
func (params) Field(int) validate.Presence  { return nil }
func (params) Index(int) validate.Presence  { return nil }
func (params) Key(string) validate.Presence { return nil }

type search struct {
	Q     string   `json:"q" validate:"required"`
	Limit int      `json:"limit" validate:"required,lte=100"`
	Skip  int      `json:"skip" validate:"gte=0"`
	Sort  string   `json:"sort" validate:"oneof=asc desc"`
	Tags  []string `json:"tags" validate:"dive,min=2"`
	Next  *address `json:"next"`
}

func TestPresenceParams(t *testing.T) {
	p := validate.MustCompile(reflect.TypeFor[search]())
	obj := p.Object()
	idx := func(names ...string) params {
		s := params{}
		for _, n := range names {
			i := obj.Lookup(n)
			if i < 0 {
				t.Fatalf("Lookup(%q) = -1", n)
			}
			s[i] = true
		}
		return s
	}
	if obj.Lookup("nope") != -1 {
		t.Error("Lookup of an unknown name")
	}
	tests := []struct {
		name string
		v    search
		sent params
		want string
	}{
		{"nothing sent", search{}, idx(),
			`[{"type":"missing","loc":["query","q"],"msg":"Field required"},{"type":"missing","loc":["query","limit"],"msg":"Field required"}]`},
		{"zero values sent", search{}, idx("q", "limit"), ``},
		{"optional sent and bad", search{Limit: 101, Skip: -1, Sort: "up", Tags: []string{"a"}}, idx("q", "limit", "skip", "sort", "tags"),
			`[{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100","input":101,"ctx":{"le":100}},` +
				`{"type":"greater_than_equal","loc":["query","skip"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}},` +
				`{"type":"enum","loc":["query","sort"],"msg":"Input should be 'asc' or 'desc'","input":"up","ctx":{"expected":"'asc' or 'desc'"}},` +
				`{"type":"string_too_short","loc":["query","tags",0],"msg":"String should have at least 2 characters","input":"a","ctx":{"min_length":2}}]`},
		{"optional not sent is skipped even if invalid", search{Skip: -1, Sort: "up"}, idx("q", "limit"), ``},
		{"nil child presence: plain semantics below", search{Next: &address{}}, idx("q", "limit", "next"),
			`[{"type":"missing","loc":["query","next","city"],"msg":"Field required"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Append(nil, reflect.ValueOf(&tt.v), tt.sent, "query")
			if g := jsonOrEmpty(t, got); g != tt.want {
				t.Errorf("got  %s\nwant %s", g, tt.want)
			}
		})
	}
	// Without presence, the same zero values fail required.
	if got := errorsJSON(t, &search{}); got != `[{"type":"missing","loc":["q"],"msg":"Field required"},{"type":"missing","loc":["limit"],"msg":"Field required"},{"type":"enum","loc":["sort"],"msg":"Input should be 'asc' or 'desc'","input":"","ctx":{"expected":"'asc' or 'desc'"}}]` {
		t.Errorf("plain: %s", got)
	}
}

// countingPresence records how often the validator asks it.
type countingPresence struct{ has, field int }

func (c *countingPresence) Has(int) bool {
	c.has++
	return true
}
func (c *countingPresence) Field(int) validate.Presence { c.field++; return nil }
func (*countingPresence) Index(int) validate.Presence   { return nil }
func (*countingPresence) Key(string) validate.Presence  { return nil }

func TestPresenceCalls(t *testing.T) {
	p := validate.MustCompile(reflect.TypeFor[search]())
	c := &countingPresence{}
	p.Append(nil, reflect.ValueOf(&search{Q: "q", Limit: 1, Sort: "asc"}), c)
	// Has once per field with rules; Field once per present field with
	// rules (to learn of Skip), never more.
	if c.has != 6 || c.field != 6 {
		t.Errorf("Has called %d times, Field %d times; want 6 and 6", c.has, c.field)
	}
}

// skipPresence reports every field present, field 0 as Skip, field 1 as a
// plain value and every element of field 2 as Skip.
type skipPresence struct{}

func (skipPresence) Has(int) bool { return true }
func (skipPresence) Field(i int) validate.Presence {
	switch i {
	case 0:
		return validate.Skip
	case 2:
		return skipPresence{}
	}
	return nil
}
func (skipPresence) Index(int) validate.Presence  { return validate.Skip }
func (skipPresence) Key(string) validate.Presence { return nil }

// A value its decoder reported as failed is not checked again: no second
// error for what is already a type error.
func TestPresenceSkip(t *testing.T) {
	type in struct {
		N    int      `json:"n" validate:"min=5"`
		M    int      `json:"m" validate:"min=5"`
		Tags []string `json:"tags" validate:"dive,min=1"`
	}
	p := validate.MustCompile(reflect.TypeFor[in]())
	got := p.Append(nil, reflect.ValueOf(&in{Tags: []string{"", ""}}), skipPresence{}, "body")
	want := `[{"type":"greater_than_equal","loc":["body","m"],"msg":"Input should be greater than or equal to 5","input":0,"ctx":{"ge":5}}]`
	if g := jsonOrEmpty(t, got); g != want {
		t.Errorf("got  %s\nwant %s", g, want)
	}
}
