package bind_test

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/internal/logtest"
)

type ItemBody struct {
	Name     string  `json:"name" validate:"required,min=1,max=50"`
	Price    float64 `json:"price" validate:"required,gt=0,lt=10000"`
	Quantity int     `json:"quantity" validate:"min=0,max=1000"`
	Category string  `json:"category" validate:"required,oneof=food tools toys"`
	SKU      string  `json:"sku" validate:"omitempty,len=8"`
}

type CreateItem struct {
	ID    int    `path:"id" validate:"min=1"`
	Limit int    `query:"limit" default:"10" validate:"min=1,max=100"`
	Token string `header:"X-Token" validate:"required"`
	Body  ItemBody
}

type Item struct {
	ID    int     `json:"id"`
	Name  string  `json:"name"`
	Price float64 `json:"price"`
}

func createItem(ctx context.Context, in *CreateItem) (Item, error) {
	return Item{ID: in.ID, Name: in.Body.Name, Price: in.Body.Price}, nil
}

// The acceptance test: errors in the query, a header and the body
// come back together, in one 422, in this exact body.
func TestAllSourcesInOne422(t *testing.T) {
	status, body, header := serve(t, "POST /items/{id}", bind.Handler(createItem, bind.Status(201)), req{
		method: "POST", target: "/items/7?limit=500", header: jsonHeader(),
		body: `{"name":"","price":10,"category":"food"}`,
	})
	want := `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[` +
		`{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100","input":"500","ctx":{"le":100}},` +
		`{"type":"missing","loc":["header","x-token"],"msg":"Field required"},` +
		`{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]}`
	if status != 422 || body != want {
		t.Errorf("got %d\n%s\nwant 422\n%s", status, body, want)
	}
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestFastAPIFormat(t *testing.T) {
	stdapi.SetFormat(stdapi.FormatFastAPI)
	defer stdapi.SetFormat(stdapi.FormatProblem)
	status, body, _ := serve(t, "POST /items/{id}", bind.Handler(createItem), req{
		method: "POST", target: "/items/7?limit=x", header: http.Header{"Content-Type": {"application/json"}, "X-Token": {"t"}},
		body: `{"name":"a","price":1,"category":"food"}`,
	})
	want := `{"detail":[{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]}`
	if status != 422 || body != want {
		t.Errorf("got %d %s, want 422 %s", status, body, want)
	}
}

type cookieOut struct {
	OK bool `json:"ok"`
}

func TestHandlerResponses(t *testing.T) {
	errHidden := errors.New("pq: relation \"items\" does not exist")
	tests := []struct {
		name       string
		h          http.Handler
		method     string
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{"status option", bind.Handler(func(context.Context, *struct{}) (Item, error) { return Item{ID: 1, Name: "a", Price: 2}, nil }, bind.Status(201)),
			"GET", 201, `{"id":1,"name":"a","price":2}`, map[string]string{"Content-Type": "application/json", "Content-Length": "29"}},
		{"204 has no body", bind.Handler(func(context.Context, *struct{}) (Item, error) { return Item{ID: 1}, nil }, bind.Status(204)),
			"DELETE", 204, ``, map[string]string{"Content-Type": ""}},
		{"slice out", bind.Handler(func(context.Context, *struct{}) ([]string, error) { return []string{"a", "b"}, nil }),
			"GET", 200, `["a","b"]`, nil},
		{"map out", bind.Handler(func(context.Context, *struct{}) (map[string]int, error) { return map[string]int{"b": 2, "a": 1}, nil }),
			"GET", 200, `{"a":1,"b":2}`, nil},
		{"string out", bind.Handler(func(context.Context, *struct{}) (string, error) { return "<hi>", nil }),
			"GET", 200, `"\u003chi\u003e"`, nil},
		{"nil pointer out", bind.Handler(func(context.Context, *struct{}) (*Item, error) { return nil, nil }),
			"GET", 200, `null`, nil},
		{"response envelope", bind.Handler(func(context.Context, *struct{}) (bind.Response[cookieOut], error) {
			return bind.Response[cookieOut]{
				Status: 202, Header: http.Header{"etag": {`"v2"`}},
				Cookies: []*http.Cookie{{Name: "s", Value: "1", HttpOnly: true}},
				Body:    cookieOut{OK: true},
			}, nil
		}), "GET", 202, `{"ok":true}`, map[string]string{"ETag": `"v2"`, "Set-Cookie": "s=1; HttpOnly"}},
		{"nil envelope pointer", bind.Handler(func(context.Context, *struct{}) (*bind.Response[int], error) {
			return nil, nil
		}), "GET", 200, `null`, nil},
		{"envelope keeps the handler status", bind.Handler(func(context.Context, *struct{}) (bind.Response[int], error) {
			return bind.Response[int]{Body: 5}, nil
		}, bind.Status(201)), "GET", 201, `5`, nil},
		{"stdapi error keeps its status and headers", bind.Handler(func(context.Context, *struct{}) (Item, error) {
			return Item{}, &stdapi.Error{Status: 401, Detail: "Not authenticated", Header: http.Header{"WWW-Authenticate": {"Bearer"}}}
		}), "GET", 401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`,
			map[string]string{"WWW-Authenticate": "Bearer"}},
		{"other errors are a generic 500", bind.Handler(func(context.Context, *struct{}) (Item, error) { return Item{}, errHidden }),
			"GET", 500, `{"type":"about:blank","title":"Internal Server Error","status":500}`, nil},
		{"unencodable out is a generic 500", bind.Handler(func(context.Context, *struct{}) (float64, error) { return math.Inf(1), nil }),
			"GET", 500, `{"type":"about:blank","title":"Internal Server Error","status":500}`, nil},
		{"panic is a generic 500", bind.Handler(func(context.Context, *struct{}) (Item, error) { panic("index out of range") }),
			"GET", 500, `{"type":"about:blank","title":"Internal Server Error","status":500}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := captureLogs(t)
			status, body, header := serve(t, tt.method+" /", tt.h, req{method: tt.method, target: "/"})
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", status, body, tt.wantStatus, tt.wantBody)
			}
			for k, v := range tt.wantHeader {
				if got := header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if status == 500 && !strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("500 not logged: %q", logs.String())
			}
			if strings.Contains(body, "relation") || strings.Contains(body, "index out of range") {
				t.Errorf("body leaks the cause: %s", body)
			}
		})
	}
}

// A panic answers 500 with its stack logged, and the server keeps serving.
func TestPanicOverRealServer(t *testing.T) {
	defer leakcheck.Check(t)()
	logs := captureLogs(t)
	mux := http.NewServeMux()
	mux.Handle("GET /boom", bind.Handler(func(context.Context, *struct{}) (Item, error) { panic("kaboom") }))
	mux.Handle("GET /ok", bind.Handler(func(context.Context, *struct{}) (Item, error) { return Item{ID: 1}, nil }))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()
	for _, path := range []string{"/boom", "/ok", "/boom", "/ok"} {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := map[string]int{"/boom": 500, "/ok": 200}[path]
		if resp.StatusCode != want {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	if l := logs.String(); !strings.Contains(l, "kaboom") || !strings.Contains(l, "handler_test.go") {
		t.Errorf("panic not logged with its stack:\n%s", l)
	}
}

func TestHandlerPassesContext(t *testing.T) {
	type key struct{}
	h := bind.Handler(func(ctx context.Context, _ *struct{}) (string, error) {
		v, _ := ctx.Value(key{}).(string)
		return v, nil
	})
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(context.WithValue(r.Context(), key{}, "from middleware"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Body.String() != `"from middleware"` {
		t.Errorf("body = %s", w.Body)
	}
}

func TestRequestInPlainHandler(t *testing.T) {
	var mux http.ServeMux
	mux.HandleFunc("POST /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		var in CreateItem
		if err := bind.Request(r, &in); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		bind.JSON(w, http.StatusCreated, Item{ID: in.ID, Name: in.Body.Name})
	})
	for _, tt := range []struct {
		token      string
		wantStatus int
		wantBody   string
	}{
		{"t", 201, `{"id":3,"name":"pen","price":0}`},
		{"", 422, problem422(1, `{"type":"missing","loc":["header","x-token"],"msg":"Field required"}`)},
	} {
		h := jsonHeader()
		if tt.token != "" {
			h.Set("X-Token", tt.token)
		}
		r := httptest.NewRequest("POST", "/items/3", strings.NewReader(`{"name":"pen","price":1,"category":"toys"}`))
		r.Header = h
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if w.Code != tt.wantStatus || w.Body.String() != tt.wantBody {
			t.Errorf("got %d %s, want %d %s", w.Code, w.Body, tt.wantStatus, tt.wantBody)
		}
	}
}

func TestRequestZeroesItsTarget(t *testing.T) {
	in := Defaults{Limit: 99, Sort: "old"}
	if err := bind.Request(httptest.NewRequest("GET", "/?sort=new", nil), &in); err != nil {
		t.Fatal(err)
	}
	if in.Limit != 10 || in.Sort != "new" {
		t.Errorf("in = %+v, want the default limit and the sent sort", in)
	}
	if err := bind.Request(httptest.NewRequest("GET", "/", nil), in); err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
		t.Errorf("non-pointer target: err = %v", err)
	}
}

func TestJSONHelper(t *testing.T) {
	logs := captureLogs(t)
	w := httptest.NewRecorder()
	if err := bind.JSON(w, 200, map[string]any{"bad": func() {}}); err == nil {
		t.Error("no error for an unencodable value")
	}
	if w.Code != 500 || w.Body.String() != `{"type":"about:blank","title":"Internal Server Error","status":500}` {
		t.Errorf("got %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "unsupported type") {
		t.Errorf("encoding error not logged: %s", logs)
	}
}

type badSource struct {
	C chan int `query:"c"`
}
type twoSources struct {
	X string `query:"x" header:"X"`
}
type duplicate struct {
	A string `query:"q"`
	B int    `query:"q"`
}
type untagged struct {
	Plain string
}
type badDefault struct {
	N int `query:"n" default:"ten"`
}
type requiredDefault struct {
	N int `query:"n" default:"1" validate:"required"`
}
type badRule struct {
	N int `query:"n" validate:"email"`
}
type badExplode struct {
	N []int `query:"n" explode:"no"`
}
type fileHeader struct {
	F []*struct{} `file:"f"`
}
type hiddenParam struct {
	//lint:ignore U1000 the field exists for Describe to reject it
	n int `query:"n"`
}
type mixedForm struct {
	Name string `form:"name"`
	Body struct {
		Other string `form:"other"`
	}
}
type badBody struct {
	Body chan int
}

func TestInvalidInputTypes(t *testing.T) {
	tests := []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[badSource](), `bind: bind_test.badSource.C: tag query:"c": unsupported type chan int`},
		{reflect.TypeFor[twoSources](), `bind: bind_test.twoSources.X: tags query and header on one field`},
		{reflect.TypeFor[duplicate](), `bind: bind_test.duplicate: fields A and B both read query parameter "q"`},
		{reflect.TypeFor[untagged](), `bind: bind_test.untagged.Plain: no source tag (path, query, header, cookie, form, file, dep) and not the Body`},
		{reflect.TypeFor[badDefault](), `bind: bind_test.badDefault.N: tag query:"n": default:"ten": Input should be a valid integer, unable to parse string as an integer`},
		{reflect.TypeFor[requiredDefault](), `bind: bind_test.requiredDefault.N: tag query:"n": a required parameter cannot have a default`},
		{reflect.TypeFor[badRule](), `bind: bind_test.badRule: validate: bind_test.badRule.N: tag "email": email: not applicable to int (strings only)`},
		{reflect.TypeFor[badExplode](), `bind: bind_test.badExplode.N: tag query:"n": explode:"no" must be true or false`},
		{reflect.TypeFor[fileHeader](), `bind: bind_test.fileHeader.F: tag file:"f": a file field must be *bind.File or []*bind.File, not []*struct {}`},
		{reflect.TypeFor[hiddenParam](), `bind: bind_test.hiddenParam.n: tag query:"n" on an unexported or json:"-" field`},
		{reflect.TypeFor[mixedForm](), `bind: bind_test.mixedForm: form fields both at the top level and in Body`},
		{reflect.TypeFor[badBody](), `bind: bind_test.badBody.Body: unsupported type chan int`},
		{reflect.TypeFor[int](), `bind: input must be a struct type, not int`},
	}
	for _, tt := range tests {
		_, err := bind.Describe(tt.typ)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Describe(%v) error =\n%v\nwant\n%s", tt.typ, err, tt.want)
		}
	}
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(error).Error(), "badSource.C") {
			t.Errorf("Handler with a bad In: recovered %v, want a panic naming the field", v)
		}
	}()
	bind.Handler(echo[badSource])
}

// captureLogs routes slog to a buffer for one test.
func captureLogs(t *testing.T) *logtest.Buffer { return logtest.Capture(t) }
