package bind_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi/bind"
)

type LineItem struct {
	Name string `json:"name" validate:"required,min=2"`
	Qty  uint16 `json:"qty" validate:"required,gte=1"`
}

type Order struct {
	Customer string            `json:"customer" validate:"required"`
	Email    string            `json:"email" validate:"omitempty,email"`
	Items    []LineItem        `json:"items" validate:"required,min=1,dive"`
	Notes    *string           `json:"notes"`
	When     time.Time         `json:"when"`
	Meta     map[string]int    `json:"meta"`
	Ship     *Address          `json:"ship"`
	Labels   map[int]LineItem  `json:"labels"`
	Any      any               `json:"any"`
	Count    int8              `json:"count" default:"3"`
	Extra    map[string]string `json:"-"`
}

type Address struct {
	City string `json:"city" validate:"required"`
}

type OrderIn struct {
	Body Order
}

type StrictItem struct {
	Name string `json:"name"`
}

func (StrictItem) ForbidUnknownFields() {}

type StrictIn struct {
	Body StrictItem
}

type OptionalBodyIn struct {
	Body *Address
}

type ListBodyIn struct {
	Body []LineItem `validate:"max=2,dive"`
}

// problem422 is the exact body of a 422 with these error items.
func problem422(n int, errs ...string) string {
	detail := "1 validation error"
	if n != 1 {
		detail = strconv.Itoa(n) + " validation errors"
	}
	return `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"` + detail + `","errors":[` + strings.Join(errs, ",") + `]}`
}

func TestJSONBody(t *testing.T) {
	order := bind.Handler(echo[OrderIn])
	tests := []struct {
		name       string
		h          http.Handler
		header     http.Header
		body       string
		wantStatus int
		wantBody   string
	}{
		{
			name: "valid, with unknown keys ignored", h: order,
			body:       `{"customer":"ann","items":[{"name":"pen","qty":2}],"when":"2024-01-02T03:04:05Z","meta":{"a":1},"ship":{"city":"Oslo"},"labels":{"7":{"name":"x7","qty":1}},"any":[1,"a"],"unknown":{"deep":[1]}}`,
			wantStatus: 200,
			wantBody:   `{"Body":{"customer":"ann","email":"","items":[{"name":"pen","qty":2}],"notes":null,"when":"2024-01-02T03:04:05Z","meta":{"a":1},"ship":{"city":"Oslo"},"labels":{"7":{"name":"x7","qty":1}},"any":[1,"a"],"count":3}}`,
		},
		{
			name: "keys match exactly: a key that differs in case is unknown and fills nothing", h: order,
			body:       `{"customer":"ann","items":[{"name":"pen","QTY":2,"qty":1}],"EMAIL":"a@b.c","Notes":"x"}`,
			wantStatus: 200,
			wantBody:   `{"Body":{"customer":"ann","email":"","items":[{"name":"pen","qty":1}],"notes":null,"when":"0001-01-01T00:00:00Z","meta":null,"ship":null,"labels":null,"any":null,"count":3}}`,
		},
		{
			name: "a missing key is not found under another case", h: order,
			body:       `{"Customer":"ann","items":[{"name":"pen","qty":1}]}`,
			wantStatus: 422,
			wantBody:   problem422(1, `{"type":"missing","loc":["body","customer"],"msg":"Field required"}`),
		},
		{
			name: "integers written with a fraction or an exponent, as JSON Schema allows", h: order,
			body:       `{"customer":"ann","items":[{"name":"pen","qty":2.0},{"name":"ink","qty":1e2}],"count":-1.20e1}`,
			wantStatus: 200,
			wantBody:   `{"Body":{"customer":"ann","email":"","items":[{"name":"pen","qty":2},{"name":"ink","qty":100}],"notes":null,"when":"0001-01-01T00:00:00Z","meta":null,"ship":null,"labels":null,"any":null,"count":-12}}`,
		},
		{
			name: "whole numbers outside the type's range", h: order,
			body:       `{"customer":"ann","items":[{"name":"pen","qty":7e4},{"name":"ink","qty":1e400}],"count":-1.3e2}`,
			wantStatus: 422,
			wantBody: problem422(3,
				`{"type":"less_than_equal","loc":["body","items",0,"qty"],"msg":"Input should be less than or equal to 65535","input":7e4,"ctx":{"le":65535}}`,
				`{"type":"less_than_equal","loc":["body","items",1,"qty"],"msg":"Input should be less than or equal to 65535","input":1e400,"ctx":{"le":65535}}`,
				`{"type":"greater_than_equal","loc":["body","count"],"msg":"Input should be greater than or equal to -128","input":-1.3e2,"ctx":{"ge":-128}}`),
		},
		{
			name: "required means present: zero values are valid when sent", h: bind.Handler(echo[struct {
				Body struct {
					N int    `json:"n" validate:"required"`
					B bool   `json:"b" validate:"required"`
					S string `json:"s" validate:"required"`
				}
			}]),
			body: `{"n":0,"b":false,"s":""}`, wantStatus: 200,
			wantBody: `{"Body":{"n":0,"b":false,"s":""}}`,
		},
		{
			name: "missing keys and nested locs", h: order,
			body:       `{"items":[{"name":"pen","qty":1},{"name":"x"}],"ship":{},"labels":{"3":{"qty":0}}}`,
			wantStatus: 422,
			wantBody: problem422(6,
				`{"type":"missing","loc":["body","customer"],"msg":"Field required"}`,
				`{"type":"string_too_short","loc":["body","items",1,"name"],"msg":"String should have at least 2 characters","input":"x","ctx":{"min_length":2}}`,
				`{"type":"missing","loc":["body","items",1,"qty"],"msg":"Field required"}`,
				`{"type":"missing","loc":["body","ship","city"],"msg":"Field required"}`,
				`{"type":"missing","loc":["body","labels","3","name"],"msg":"Field required"}`,
				`{"type":"greater_than_equal","loc":["body","labels","3","qty"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}}`),
		},
		{
			name: "type errors everywhere, reported together, validation still runs elsewhere", h: order,
			body:       `{"customer":5,"email":"nope","items":[{"name":"pen","qty":70000},{"name":"ok","qty":1.5},{"name":true,"qty":-1}],"when":"yesterday","meta":{"a":"b"},"ship":"x","labels":{"x":{"name":"ab","qty":1}},"count":200}`,
			wantStatus: 422,
			wantBody: problem422(11,
				`{"type":"string_type","loc":["body","customer"],"msg":"Input should be a valid string","input":5}`,
				`{"type":"value_error","loc":["body","email"],"msg":"Input should be a valid email address","input":"nope","ctx":{"rule":"email"}}`,
				`{"type":"less_than_equal","loc":["body","items",0,"qty"],"msg":"Input should be less than or equal to 65535","input":70000,"ctx":{"le":65535}}`,
				`{"type":"int_from_float","loc":["body","items",1,"qty"],"msg":"Input should be a valid integer, got a number with a fractional part","input":1.5}`,
				`{"type":"string_type","loc":["body","items",2,"name"],"msg":"Input should be a valid string","input":true}`,
				`{"type":"greater_than_equal","loc":["body","items",2,"qty"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}}`,
				`{"type":"datetime_parsing","loc":["body","when"],"msg":"Input should be a valid datetime in RFC 3339 format","input":"yesterday"}`,
				`{"type":"int_type","loc":["body","meta","a"],"msg":"Input should be a valid integer","input":"b"}`,
				`{"type":"model_type","loc":["body","ship"],"msg":"Input should be a valid dictionary or instance of Address","input":"x","ctx":{"class_name":"Address"}}`,
				`{"type":"int_parsing","loc":["body","labels","x","[key]"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}`,
				`{"type":"less_than_equal","loc":["body","count"],"msg":"Input should be less than or equal to 127","input":200,"ctx":{"le":127}}`),
		},
		{
			name: "null is accepted only where the type is nullable", h: order,
			body:       `{"customer":null,"notes":null,"ship":null,"any":null,"items":null,"meta":null}`,
			wantStatus: 422,
			wantBody: problem422(3,
				`{"type":"string_type","loc":["body","customer"],"msg":"Input should be a valid string"}`,
				`{"type":"list_type","loc":["body","items"],"msg":"Input should be a valid list"}`,
				`{"type":"dict_type","loc":["body","meta"],"msg":"Input should be a valid dictionary"}`),
		},
		{
			name: "syntax error with its offset", h: order,
			body:       `{"customer": "ann",, }`,
			wantStatus: 422,
			// The 0-based index of the second comma, as Python's json
			// module (and FastAPI) reports it.
			wantBody: problem422(1, `{"type":"json_invalid","loc":["body",19],"msg":"JSON decode error","input":{},"ctx":{"error":"invalid character ',' looking for beginning of object key string"}}`),
		},
		{
			name: "syntax error at the end", h: order,
			body:       `{"customer":`,
			wantStatus: 422,
			wantBody:   problem422(1, `{"type":"json_invalid","loc":["body",12],"msg":"JSON decode error","input":{},"ctx":{"error":"unexpected end of JSON input"}}`),
		},
		{
			name: "not an object", h: order, body: `"hello"`, wantStatus: 422,
			wantBody: problem422(1, `{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"hello"}`),
		},
		{
			name: "empty body is a missing body", h: order, body: ``, wantStatus: 422,
			wantBody: problem422(1, `{"type":"missing","loc":["body"],"msg":"Field required"}`),
		},
		{
			name: "a pointer body is optional", h: bind.Handler(echo[OptionalBodyIn]), body: ``, wantStatus: 200,
			wantBody: `{"Body":null}`,
		},
		{
			name: "a pointer body may be null", h: bind.Handler(echo[OptionalBodyIn]), body: `null`, wantStatus: 200,
			wantBody: `{"Body":null}`,
		},
		{
			name: "a pointer body is validated when sent", h: bind.Handler(echo[OptionalBodyIn]), body: `{}`, wantStatus: 422,
			wantBody: problem422(1, `{"type":"missing","loc":["body","city"],"msg":"Field required"}`),
		},
		{
			name: "unknown keys rejected when the type forbids them", h: bind.Handler(echo[StrictIn]),
			body:       `{"name":"a","nmae":"b","x":{"y":1}}`,
			wantStatus: 422,
			wantBody: problem422(2,
				`{"type":"extra_forbidden","loc":["body","nmae"],"msg":"Extra inputs are not permitted","input":"b"}`,
				`{"type":"extra_forbidden","loc":["body","x"],"msg":"Extra inputs are not permitted"}`),
		},
		{
			name: "a list body", h: bind.Handler(echo[ListBodyIn]),
			body:       `[{"name":"ab","qty":1},{"name":"b","qty":1},{"name":"cd","qty":1}]`,
			wantStatus: 422,
			wantBody: problem422(2,
				`{"type":"too_long","loc":["body"],"msg":"List should have at most 2 items after validation, not 3","ctx":{"actual_length":3,"field_type":"List","max_length":2}}`,
				`{"type":"string_too_short","loc":["body",1,"name"],"msg":"String should have at least 2 characters","input":"b","ctx":{"min_length":2}}`),
		},
		{
			name: "vendor json media type", h: bind.Handler(echo[StrictIn]),
			header: http.Header{"Content-Type": {"application/merge-patch+json; charset=utf-8"}},
			body:   `{"name":"a"}`, wantStatus: 200, wantBody: `{"Body":{"name":"a"}}`,
		},
		{
			name: "no Content-Type is refused", h: bind.Handler(echo[StrictIn]),
			header: http.Header{}, body: `{"name":"a"}`, wantStatus: 415,
			wantBody: `{"type":"about:blank","title":"Unsupported Media Type","status":415,"detail":"Content-Type \"none\" is not supported; send application/json"}`,
		},
		{
			name: "text/plain is refused", h: bind.Handler(echo[StrictIn]),
			header: http.Header{"Content-Type": {"text/plain"}}, body: `{"name":"a"}`, wantStatus: 415,
			wantBody: `{"type":"about:blank","title":"Unsupported Media Type","status":415,"detail":"Content-Type \"text/plain\" is not supported; send application/json"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := tt.header
			if header == nil {
				header = jsonHeader()
			}
			status, body, _ := serve(t, "POST /", tt.h, req{method: "POST", target: "/", header: header, body: tt.body})
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d\n%s\nwant %d\n%s", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// TestStringsOutliveTheRequest checks that strings decoded from a body,
// which share blocks, keep their content after later requests reuse the
// decoder: escaped, unescaped, long and short strings and map keys, kept
// from 200 requests and compared at the end.
func TestStringsOutliveTheRequest(t *testing.T) {
	type body struct {
		Short string            `json:"short"`
		Esc   string            `json:"esc"`
		Long  string            `json:"long"`
		Tags  []string          `json:"tags"`
		Meta  map[string]string `json:"meta"`
	}
	var kept []body
	h := bind.Handler(func(_ context.Context, in *struct{ Body body }) (int, error) {
		kept = append(kept, in.Body)
		return 0, nil
	})
	want := func(i int) body {
		n := strconv.Itoa(i)
		return body{Short: n, Esc: "é\"" + n, Long: strings.Repeat(n, 700), Tags: []string{"a" + n, n + "b"},
			Meta: map[string]string{"k" + n: "v" + n}}
	}
	for i := range 200 {
		w := want(i)
		raw, _ := json.Marshal(w)
		r := httptest.NewRequest("POST", "/", bytes.NewReader(raw))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != 200 {
			t.Fatalf("request %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	for i, got := range kept {
		if w := want(i); !reflect.DeepEqual(got, w) {
			t.Fatalf("request %d: kept %+v, want %+v", i, got, w)
		}
	}
}

// TestPresenceIsPerRequest checks that what one request sent is not seen
// as sent by the next, which reuses the decoder's presence nodes: a
// required nested field sent, then left out, is missing the second time.
func TestPresenceIsPerRequest(t *testing.T) {
	type inner struct {
		Name string `json:"name" validate:"required"`
	}
	type body struct {
		Items []inner `json:"items" validate:"dive"`
	}
	h := bind.Handler(func(_ context.Context, in *struct{ Body body }) (int, error) { return len(in.Body.Items), nil })
	for i, tt := range []struct{ body, want string }{
		{`{"items":[{"name":"a"},{"name":"b"}]}`, `2`},
		{`{"items":[{},{}]}`, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[{"type":"missing","loc":["body","items",0,"name"],"msg":"Field required"},{"type":"missing","loc":["body","items",1,"name"],"msg":"Field required"}]}`},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Body.String(); got != tt.want {
			t.Errorf("request %d: %d %s\nwant %s", i, w.Code, got, tt.want)
		}
	}
}
