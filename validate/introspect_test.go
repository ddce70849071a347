package validate_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi/validate"
)

type documented struct {
	Name     string            `json:"name" validate:"required,min=3,max=50"`
	Code     string            `json:"code" validate:"len=2,uppercase"`
	Short    string            `json:"short" validate:"gt=2,lt=9"`
	Age      int               `json:"age" validate:"gte=18,lt=130"`
	Ratio    float64           `json:"ratio" validate:"gt=0,lte=1.5"`
	Kind     string            `json:"kind" validate:"oneof=a 'b c'"`
	Level    int               `json:"level" validate:"oneof=1 2 3"`
	Email    string            `json:"email" validate:"omitempty,email"`
	ID       string            `json:"id" validate:"uuid4"`
	Tags     []string          `json:"tags" validate:"min=1,unique,dive,alpha"`
	Meta     map[string]int    `json:"meta" validate:"max=3,dive,keys,startswith=x_,endkeys,ne=0"`
	Raw      []byte            `json:"raw" validate:"max=64"`
	Timeout  time.Duration     `json:"timeout" validate:"min=1s"`
	Day      string            `json:"day" validate:"datetime=2006-01-02"`
	At       string            `json:"at" validate:"datetime=02/01 15h"`
	Safe     string            `json:"safe" validate:"excludes=<"`
	Re       string            `json:"re" validate:"pattern=^[a-z]+$"`
	ReFold   string            `json:"re_fold" validate:"pattern=(?i)^a$"`
	Home     *address          `json:"home" validate:"required"`
	Friends  []address         `json:"friends"`
	Flag     bool              `json:"flag" validate:"eq=true"`
	Untagged string            `json:"untagged"`
	ByName   map[string]string `json:"by_name"`
}

// describe renders a Value compactly: required/omitempty, rules with their
// keywords (~ marks an inexact mapping), then items, keys and object.
func describe(v *validate.Value) string {
	var b strings.Builder
	if v.Required {
		b.WriteString(" required")
	}
	if v.OmitEmpty {
		b.WriteString(" omitempty")
	}
	for _, r := range v.Rules {
		b.WriteString(" " + r.Rule)
		if r.Param != "" {
			b.WriteString("=" + r.Param)
		}
		b.WriteString(":" + r.Code + ":")
		if !r.Exact {
			b.WriteString("~")
		}
		kw, _ := jsonMarshal(r.Keywords)
		b.WriteString(kw)
	}
	if v.Items != nil {
		b.WriteString(" items[" + strings.TrimSpace(describe(v.Items)) + "]")
	}
	if v.Keys != nil {
		b.WriteString(" keys[" + strings.TrimSpace(describe(v.Keys)) + "]")
	}
	if v.Object != nil {
		b.WriteString(" object(" + v.Object.Type.Name() + ")")
	}
	return strings.TrimSpace(b.String())
}

func TestIntrospection(t *testing.T) {
	p := validate.MustCompile(reflect.TypeFor[documented]())
	want := map[string]string{
		"name":     `required min=3:string_too_short:{"minLength":3} max=50:string_too_long:{"maxLength":50}`,
		"code":     `len=2:string_too_short:{"maxLength":2,"minLength":2} uppercase:value_error:~null`,
		"short":    `gt=2:string_too_short:{"minLength":3} lt=9:string_too_long:{"maxLength":8}`,
		"age":      `gte=18:greater_than_equal:{"minimum":18} lt=130:less_than:{"exclusiveMaximum":130}`,
		"ratio":    `gt=0:greater_than:{"exclusiveMinimum":0} lte=1.5:less_than_equal:{"maximum":1.5}`,
		"kind":     `oneof=a 'b c':enum:{"enum":["a","b c"]}`,
		"level":    `oneof=1 2 3:enum:{"enum":[1,2,3]}`,
		"email":    `omitempty email:value_error:~{"format":"email"}`,
		"id":       `uuid4:value_error:{"pattern":"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"}`,
		"tags":     `min=1:too_short:{"minItems":1} unique:value_error:{"uniqueItems":true} items[alpha:value_error:{"pattern":"^[a-zA-Z]+$"}]`,
		"meta":     `max=3:too_long:{"maxProperties":3} items[ne=0:value_error:{"not":{"const":0}}] keys[startswith=x_:value_error:{"pattern":"^x_"}]`,
		"raw":      `max=64:too_long:~null`,
		"timeout":  `min=1s:greater_than_equal:{"minimum":1000000000}`,
		"day":      `datetime=2006-01-02:value_error:~{"format":"date"}`,
		"at":       `datetime=02/01 15h:value_error:~{"x-go-time-layout":"02/01 15h"}`,
		"safe":     `excludes=<:value_error:{"not":{"pattern":"\u003c"}}`,
		"re":       `pattern=^[a-z]+$:string_pattern_mismatch:{"pattern":"^[a-z]+$"}`,
		"re_fold":  `pattern=(?i)^a$:string_pattern_mismatch:~{"pattern":"(?i)^a$"}`,
		"home":     `required object(address)`,
		"friends":  `items[object(address)]`,
		"flag":     `eq=true:literal_error:{"const":true}`,
		"untagged": ``,
		"by_name":  ``,
	}
	obj := p.Object()
	if obj.Type != reflect.TypeFor[documented]() || len(obj.Fields) != len(want) {
		t.Fatalf("Object: type %v, %d fields; want %d", obj.Type, len(obj.Fields), len(want))
	}
	for i, f := range obj.Fields {
		if got := describe(&f.Value); got != want[f.JSONName] {
			t.Errorf("%s:\ngot  %s\nwant %s", f.JSONName, got, want[f.JSONName])
		}
		if f.Index[0] != i || f.Type != reflect.TypeFor[documented]().Field(i).Type {
			t.Errorf("%s: index %v type %v", f.JSONName, f.Index, f.Type)
		}
	}
	if f := obj.Fields[0]; f.Name != "Name" || f.Tag != "required,min=3,max=50" {
		t.Errorf("field 0: %+v", f)
	}
	home := obj.Fields[obj.Lookup("home")].Object
	if home == nil || len(home.Fields) != 2 || home.Fields[1].JSONName != "zip" || describe(&home.Fields[1].Value) != `omitempty len=5:string_too_short:{"maxLength":5,"minLength":5}` {
		t.Errorf("nested object: %+v", home)
	}
	if p.Value().Object != obj || p.Value().Type != reflect.TypeFor[documented]() {
		t.Error("Plan.Value does not describe the root")
	}
}

func TestIntrospectionRecursive(t *testing.T) {
	p := validate.MustCompile(reflect.TypeFor[shapes]())
	obj := p.Object()
	kids := obj.Fields[obj.Lookup("children")]
	if kids.Items == nil || kids.Items.Object != obj {
		t.Error("a recursive type must point back to its own Object")
	}
	names := []string{}
	for _, f := range obj.Fields {
		names = append(names, f.JSONName)
	}
	got := strings.Join(names, ",")
	want := "id,by,named,home,work,others,by_name,matrix,Skipped,GoName,when,addr,any,optional,wrapped,dive,ptrs,codes,deep,fixed,stamp,nothing,children,labels"
	if got != want {
		t.Errorf("fields:\ngot  %s\nwant %s", got, want)
	}
	if f := obj.Fields[obj.Lookup("by")]; len(f.Index) != 2 || f.Index[0] != 1 {
		t.Errorf("promoted field index: %v", f.Index)
	}
	if f := obj.Fields[obj.Lookup("when")]; f.Object != nil {
		t.Error("time.Time must be a leaf")
	}
	if f := obj.Fields[obj.Lookup("wrapped")]; f.Object != nil {
		t.Error("a TextUnmarshaler struct must be a leaf")
	}
}
