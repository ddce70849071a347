package validate_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

type CreateUser struct {
	Name  string   `json:"name" validate:"required,min=3,max=50"`
	Email string   `json:"email" validate:"required,email"`
	Age   int      `json:"age" validate:"gte=18"`
	Tags  []string `json:"tags" validate:"max=5,dive,alphanum"`
}

// A failed validation is a 422 *stdapi.Error; stdapi.WriteError answers with
// every failure at once.
func Example() {
	var in CreateUser
	json.Unmarshal([]byte(`{"name":"Al","email":"x","age":17}`), &in)

	w := httptest.NewRecorder()
	if err := validate.Struct(&in); err != nil {
		stdapi.WriteError(w, httptest.NewRequest("POST", "/users", nil), err)
	}
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(strings.ReplaceAll(w.Body.String(), `},{`, "},\n{"))
	// Output:
	// 422 application/problem+json
	// {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[{"type":"string_too_short","loc":["name"],"msg":"String should have at least 3 characters","input":"Al","ctx":{"min_length":3}},
	// {"type":"value_error","loc":["email"],"msg":"Input should be a valid email address","input":"x","ctx":{"rule":"email"}},
	// {"type":"greater_than_equal","loc":["age"],"msg":"Input should be greater than or equal to 18","input":17,"ctx":{"ge":18}}]}
}

type Item struct {
	SKU string `json:"sku" validate:"required"`
	Qty int    `json:"qty" validate:"gt=0"`
}

type Order struct {
	Items  []Item            `json:"items" validate:"min=1"` // struct elements are walked without dive
	Notes  map[string]string `json:"notes" validate:"dive,keys,lowercase,endkeys,max=10"`
	Status string            `json:"status" validate:"oneof=new paid"`
}

// loc holds JSON names, indexes and map keys.
func ExampleStruct() {
	err := validate.Struct(&Order{
		Items:  []Item{{SKU: "a", Qty: 1}, {Qty: 0}},
		Notes:  map[string]string{"Gift": "yes", "door": "leave at the back"},
		Status: "lost",
	})
	for _, fe := range err.(*stdapi.Error).Errors {
		fmt.Println(fe)
	}
	// Output:
	// items.1.sku: Field required (missing)
	// items.1.qty: Input should be greater than 0 (greater_than)
	// notes.Gift.[key]: Input should be lowercase (value_error)
	// notes.door: String should have at most 10 characters (string_too_long)
	// status: Input should be 'new' or 'paid' (enum)
}

type Query struct {
	Q     string `json:"q" validate:"required"`
	Limit int    `json:"limit" validate:"required,lte=100"`
	Skip  int    `json:"skip" validate:"gte=0"`
}

// sent is a Presence for query parameters: the set of fields that were sent.
type sent map[int]bool

func (s sent) Has(i int) bool             { return s[i] }
func (sent) Field(int) validate.Presence  { return nil }
func (sent) Index(int) validate.Presence  { return nil }
func (sent) Key(string) validate.Presence { return nil }

// With a Presence, required means "sent": ?q=&limit=0 is valid, and an
// absent optional parameter is not checked. The prefix starts every loc.
func ExamplePlan_Append() {
	plan := validate.MustCompile(reflect.TypeFor[Query]())
	obj := plan.Object()

	in := Query{Skip: -1} // decoded from ?q=&limit=0; skip was not sent
	errs := plan.Append(nil, reflect.ValueOf(&in), sent{obj.Lookup("q"): true, obj.Lookup("limit"): true}, "query")
	fmt.Println(len(errs), "errors")

	errs = plan.Append(nil, reflect.ValueOf(&in), sent{obj.Lookup("skip"): true}, "query")
	for _, fe := range errs {
		fmt.Println(fe)
	}
	// Output:
	// 0 errors
	// query.q: Field required (missing)
	// query.limit: Field required (missing)
	// query.skip: Input should be greater than or equal to 0 (greater_than_equal)
}

type Signup struct {
	Password string `json:"password" validate:"required,min=8"`
	Confirm  string `json:"confirm" validate:"required"`
}

// Validate runs after the fields pass; its field errors are placed relative
// to the struct.
func (s Signup) Validate() error {
	if s.Password != s.Confirm {
		return stdapi.FieldError{Loc: []any{"confirm"}, Msg: "Passwords do not match"}
	}
	return nil
}

func Example_hook() {
	err := validate.Struct(&struct {
		User Signup `json:"user"`
	}{Signup{Password: "correct horse", Confirm: "battery staple"}})
	fmt.Println(err)
	// Output:
	// 422 Unprocessable Entity: 1 validation error [user.confirm: Passwords do not match (value_error)]
}

// even is a custom rule: integers divisible by two.
var even = validate.Rule{
	Check:   func(v reflect.Value, _ string) bool { return v.Int()%2 == 0 },
	Accepts: func(t reflect.Type, _ string) error { return kindIs(t, reflect.Int) },
	Code:    "not_even",
	Message: "Input should be even",
	Schema: func(reflect.Type, string) (map[string]any, bool) {
		return map[string]any{"multipleOf": 2}, true
	},
}

// Custom rules are registered at start-up, before the types that use them
// are compiled.
func init() {
	if err := validate.Register("even", even); err != nil {
		panic(err)
	}
}

func ExampleRegister() {
	type Pair struct {
		N int `json:"n" validate:"even"`
	}
	fmt.Println(validate.Struct(&Pair{N: 3}))

	// Built-in and already registered names are refused.
	fmt.Println(validate.Register("even", even))
	// Output:
	// 422 Unprocessable Entity: 1 validation error [n: Input should be even (not_even)]
	// validate: Register "even": already registered
}

func kindIs(t reflect.Type, k reflect.Kind) error {
	if t.Kind() != k {
		return fmt.Errorf("not applicable to %s", t)
	}
	return nil
}

// A bad tag is a programming error, reported when the type is compiled.
func ExampleCheck() {
	type Bad struct {
		Age int `validate:"min=ten"`
	}
	fmt.Println(validate.Check[Bad]())
	// Output:
	// validate: validate_test.Bad.Age: tag "min=ten": min: parameter "ten" is not an integer
}

// Plan.Object describes the compiled rules, with their JSON Schema keywords,
// for documentation generators.
func ExamplePlan_Object() {
	plan := validate.MustCompile(reflect.TypeFor[CreateUser]())
	for _, f := range plan.Object().Fields {
		fmt.Print(f.JSONName, " required=", f.Required)
		for _, r := range f.Rules {
			kw, _ := json.Marshal(r.Keywords)
			fmt.Printf(" %s=%s %s exact=%v", r.Rule, r.Param, kw, r.Exact)
		}
		if f.Items != nil {
			for _, r := range f.Items.Rules {
				kw, _ := json.Marshal(r.Keywords)
				fmt.Printf(" items:%s %s", r.Rule, kw)
			}
		}
		fmt.Println()
	}
	// Output:
	// name required=true min=3 {"minLength":3} exact=true max=50 {"maxLength":50} exact=true
	// email required=true email= {"format":"email"} exact=false
	// age required=false gte=18 {"minimum":18} exact=true
	// tags required=false max=5 {"maxItems":5} exact=true items:alphanum {"pattern":"^[a-zA-Z0-9]+$"}
}
