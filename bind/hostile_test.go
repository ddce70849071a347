package bind_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
)

// The requests an attacker sends: each must be answered in bounded size,
// and the handler must never see a value its rules reject.

// problemOf decodes a problem body.
func problemOf(t *testing.T, body string) (detail string, errs []map[string]any, omitted int) {
	t.Helper()
	var p struct {
		Detail  string           `json:"detail"`
		Errors  []map[string]any `json:"errors"`
		Omitted int              `json:"omitted"`
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("not a problem body: %v\n%.300s", err, body)
	}
	return p.Detail, p.Errors, p.Omitted
}

// guarded counts the calls of a handler that must never run.
func guarded[In any](calls *atomic.Int32) func(context.Context, *In) (*In, error) {
	return func(ctx context.Context, in *In) (*In, error) {
		calls.Add(1)
		return in, nil
	}
}

func TestErrorCap(t *testing.T) {
	tests := []struct {
		name, target, body string
		omitted            int
	}{
		// 20,000 type errors: numbers where strings belong.
		{"type errors", "/", `{"name":"a","price":1,"tags":[` + repeatJoin(20_000, "1") + `]}`, 19_900},
		// 300,000 validation errors: empty strings under dive,min=1.
		// Validation stops at the cap: it knows of one more.
		{"validation errors", "/", `{"name":"a","price":1,"tags":[` + repeatJoin(300_000, `""`) + `]}`, 1},
		// 200,000 query values that are not integers.
		{"query", "/?" + strings.Repeat("id=x&", 200_000) + "n=1", `{"name":"a","price":1}`, 199_900},
	}
	type in struct {
		IDs  []int `query:"id"`
		N    int   `query:"n"`
		Body struct {
			Name  string   `json:"name" validate:"required"`
			Price float64  `json:"price"`
			Tags  []string `json:"tags" validate:"dive,min=1"`
		}
	}
	var calls atomic.Int32
	h := bind.Handler(guarded[in](&calls), bind.WithLimits(bind.Limits{MaxBodyBytes: 4 << 20}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := serve(t, "POST /", h, req{method: "POST", target: tt.target, header: jsonHeader(), body: tt.body})
			if status != 422 {
				t.Fatalf("status %d: %.300s", status, body)
			}
			if len(body) > 32<<10 {
				t.Errorf("422 body is %d bytes; want at most 32 KiB", len(body))
			}
			detail, errs, omitted := problemOf(t, body)
			if detail != "100+ validation errors" || len(errs) != 100 || omitted != tt.omitted {
				t.Errorf("detail %q, %d errors, omitted %d; want 100+, 100, %d", detail, len(errs), omitted, tt.omitted)
			}
		})
	}
	if calls.Load() != 0 {
		t.Errorf("handler called %d times", calls.Load())
	}
}

func TestMaxErrorsLimit(t *testing.T) {
	type in struct {
		Body struct {
			Tags []string `json:"tags" validate:"dive,min=1"`
		}
	}
	h := bind.Handler(echo[in], bind.WithLimits(bind.Limits{MaxErrors: 2}))
	_, body, _ := serve(t, "POST /", h, req{method: "POST", target: "/", header: jsonHeader(), body: `{"tags":["",1,"",2]}`})
	want := `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2+ validation errors","errors":[` +
		`{"type":"string_type","loc":["body","tags",1],"msg":"Input should be a valid string","input":1},` +
		`{"type":"string_type","loc":["body","tags",3],"msg":"Input should be a valid string","input":2}],"omitted":1}`
	if body != want {
		t.Errorf("got  %s\nwant %s", body, want)
	}
}

// Each key may appear once in an object: a second one is a 422, whatever
// its spelling, so that validation and the handler can never see two
// different values.
func TestDuplicateKeys(t *testing.T) {
	type obj struct {
		X int `json:"x" validate:"required"`
	}
	type in struct {
		Body struct {
			P *int            `json:"p" validate:"required"`
			O *obj            `json:"o"`
			M map[string]int  `json:"m"`
			I map[int]obj     `json:"i"`
			S map[string]*obj `json:"s"`
		}
	}
	tests := []struct{ body, loc string }{
		{`{"p":5,"p":null}`, `["body","p"]`},
		{`{"p":5,"\u0070":null}`, `["body","p"]`},
		{`{"p":1,"o":{"x":1},"o":null}`, `["body","o"]`},
		{`{"p":1,"o":{"x":1},"o":{}}`, `["body","o"]`},
		{`{"p":1,"o":{"x":1,"x":0}}`, `["body","o","x"]`},
		{`{"p":1,"m":{"a":1,"a":2}}`, `["body","m","a"]`},
		{`{"p":1,"m":{"a":1,"\u0061":2}}`, `["body","m","a"]`},
		{`{"p":1,"i":{"1":{"x":1},"01":{}}}`, `["body","i","1"]`},
		{`{"p":1,"s":{"k":{"x":1},"k":null}}`, `["body","s","k"]`},
	}
	var calls atomic.Int32
	h := bind.Handler(guarded[in](&calls))
	for _, tt := range tests {
		status, body, _ := serve(t, "POST /", h, req{method: "POST", target: "/", header: jsonHeader(), body: tt.body})
		_, errs, _ := problemOf(t, body)
		if status != 422 || len(errs) != 1 || errs[0]["type"] != "duplicate_key" || mustJSON(t, errs[0]["loc"]) != tt.loc {
			t.Errorf("%s: %d %s; want one duplicate_key at %s", tt.body, status, body, tt.loc)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("handler called %d times", calls.Load())
	}
	// Keys that differ but for case are different keys: no field has the
	// second one, so it lands nowhere.
	status, body, _ := serve(t, "POST /", h, req{method: "POST", target: "/", header: jsonHeader(), body: `{"p":1,"P":null}`})
	if status != 200 || body != `{"Body":{"p":1,"o":null,"m":null,"i":null,"s":null}}` {
		t.Errorf("case: %d %s", status, body)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A valid body with many map keys is bound whole (the growth benchmark
// shows it in linear time).
func TestManyMapKeys(t *testing.T) {
	var sb strings.Builder
	sb.WriteByte('{')
	for i := range 40_000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`"k` + strconv.Itoa(i) + `":{"n":` + strconv.Itoa(i) + `}`)
	}
	sb.WriteByte('}')
	var in mapIn
	r := newJSONRequest(sb.String())
	if err := (bind.Limits{MaxBodyBytes: 4 << 20}).Request(r, &in); err != nil {
		t.Fatal(err)
	}
	if len(in.Body) != 40_000 || in.Body["k39999"].N != 39_999 {
		t.Errorf("%d keys, k39999 = %d", len(in.Body), in.Body["k39999"].N)
	}
}

// Nesting past Limits.MaxDepth is one error at that depth, whatever the
// body's depth.
func TestMaxDepth(t *testing.T) {
	body := strings.Repeat(`{"n":1,"kids":[`, 5_000) + strings.Repeat(`]}`, 5_000)
	var in nestIn
	err := bind.Limits{MaxDepth: 10}.Request(newJSONRequest(body), &in)
	got := mustJSON(t, fieldErrors(t, err))
	want := `[{"type":"value_error","loc":["body","kids",0,"kids",0,"kids",0,"kids",0,"kids",0],"msg":"Value error, nesting is deeper than 10","ctx":{"max_depth":10}}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// A map key and an unknown key are echoed in a loc at most 128 bytes long.
func TestLongKeysTruncated(t *testing.T) {
	long := strings.Repeat("k", 10_000)
	var in struct {
		Body map[int]int
	}
	err := bind.Request(newJSONRequest(`{"`+long+`":1}`), &in)
	if got := mustJSON(t, fieldErrors(t, err)); len(got) > 600 || !strings.Contains(got, `"loc":["body","`+long[:128]+`...","[key]"]`) {
		t.Errorf("%d bytes: %.400s", len(got), got)
	}
	var strict StrictIn
	err = bind.Request(newJSONRequest(`{"`+long+`":1}`), &strict)
	if got := mustJSON(t, fieldErrors(t, err)); len(got) > 600 {
		t.Errorf("%d bytes: %.400s", len(got), got)
	}
}

func TestUploadFilename(t *testing.T) {
	tests := []struct{ sent, want string }{
		{`report.pdf`, "report.pdf"},
		{`..\..\x`, "x"},
		{`C:\x`, "x"},
		{`C:x`, "x"},
		{`..`, ""},
		{`.`, ""},
		{`a/b/..`, ""},
		{`/etc/passwd`, "passwd"},
		{`..\..\.bashrc`, ".bashrc"},
	}
	h := bind.Handler(describeUpload)
	for _, tt := range tests {
		mp, ct := multipartBody(t, part{name: "title", content: "t"}, part{name: "file", filename: tt.sent, content: "x"})
		status, body, _ := serve(t, "POST /", h, req{method: "POST", target: "/", header: map[string][]string{"Content-Type": {ct}}, body: mp})
		if want := `{"Title":"t","Files":["` + tt.want + `||1|x"]}`; status != 200 || body != want {
			t.Errorf("%q: %d %s; want %s", tt.sent, status, body, want)
		}
	}
}

func newJSONRequest(body string) *http.Request {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// fieldErrors returns the field errors of a 422 from Request.
func fieldErrors(t *testing.T, err error) []stdapi.FieldError {
	t.Helper()
	var e *stdapi.Error
	if !errors.As(err, &e) || e.Status != 422 {
		t.Fatalf("want a 422, got %v", err)
	}
	return e.Errors
}
