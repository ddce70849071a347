package stdapi_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/logtest"
)

// logs captures slog output for one test.
func logs(t *testing.T) *logtest.Buffer { return logtest.Capture(t) }

// withFormat switches the process-wide format and debug mode for one test.
func withFormat(t *testing.T, f stdapi.Format, debug bool) {
	t.Helper()
	stdapi.SetFormat(f)
	stdapi.SetDebug(debug)
	t.Cleanup(func() {
		stdapi.SetFormat(stdapi.FormatProblem)
		stdapi.SetDebug(false)
	})
}

func TestWriteError(t *testing.T) {
	secret := errors.New("dial tcp 10.0.0.7:5432: password authentication failed for user \"app\"")
	validation := stdapi.ValidationError(
		stdapi.FieldError{Type: "missing", Loc: []any{"body", "price"}, Msg: "Field required"},
		stdapi.FieldError{Type: "int_parsing", Loc: []any{"query", "skip"}, Msg: "Input should be a valid integer, unable to parse string as an integer", Input: "a"},
	)
	type lockedDetail struct {
		Code string `json:"code"`
		IDs  []int  `json:"ids"`
	}
	locked := &stdapi.Error{Status: 409, Detail: "Item is locked",
		Data:       lockedDetail{Code: "locked", IDs: []int{1, 2}},
		Extensions: map[string]any{"data": "ignored", "retry": 3}}
	tests := []struct {
		name       string
		format     stdapi.Format
		err        error
		wantStatus int
		wantType   string
		wantBody   string
		wantHeader map[string]string
	}{
		{
			name: "not found", err: stdapi.NewError(404, "Item not found"),
			wantStatus: 404, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Not Found","status":404,"detail":"Item not found"}`,
		},
		{
			name: "validation", err: validation,
			wantStatus: 422, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors",` +
				`"errors":[{"type":"missing","loc":["body","price"],"msg":"Field required"},` +
				`{"type":"int_parsing","loc":["query","skip"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"a"}]}`,
		},
		{
			name: "headers and custom members",
			err: &stdapi.Error{
				Status: 401, Type: "https://example.com/probs/auth", Title: "Unauthorized request",
				Detail: "Not authenticated", Instance: "/items/1",
				Header:     http.Header{"www-authenticate": {`Bearer realm="api"`}},
				Extensions: map[string]any{"retry": 3, "balance": 30, "status": "ignored", "bad": func() {}},
			},
			wantStatus: 401, wantType: "application/problem+json",
			wantBody: `{"type":"https://example.com/probs/auth","title":"Unauthorized request","status":401,` +
				`"detail":"Not authenticated","instance":"/items/1","balance":30,"retry":3}`,
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="api"`},
		},
		{
			name: "wrapped stdapi error keeps its status", err: fmt.Errorf("loading: %w", stdapi.NewError(409, "Already exists")),
			wantStatus: 409, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Conflict","status":409,"detail":"Already exists"}`,
		},
		{
			name: "plain error is a generic 500", err: secret,
			wantStatus: 500, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Internal Server Error","status":500}`,
		},
		{
			name: "nil error is a generic 500", err: nil,
			wantStatus: 500, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Internal Server Error","status":500}`,
		},
		{
			name:       "5xx detail chosen by the program is sent, cause is not",
			err:        &stdapi.Error{Status: 503, Detail: "Try again later", Err: secret},
			wantStatus: 503, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"Try again later"}`,
		},
		{
			name: "invalid status becomes 500", err: &stdapi.Error{Status: 42, Detail: "odd"},
			wantStatus: 500, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"odd"}`,
		},
		{
			name: "unknown status has a fallback title", err: &stdapi.Error{Status: 499},
			wantStatus: 499, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Error","status":499}`,
		},
		{
			name: "unencodable input is dropped, not the error",
			err: stdapi.ValidationError(stdapi.FieldError{Type: "float_parsing", Loc: []any{"query", "x"},
				Msg: "Input should be a valid number, unable to parse string as a number", Input: math.NaN(), Ctx: map[string]any{"ge": 1}}),
			wantStatus: 422, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error",` +
				`"errors":[{"type":"float_parsing","loc":["query","x"],"msg":"Input should be a valid number, unable to parse string as a number","ctx":{"ge":1}}]}`,
		},
		{
			name: "html in detail is escaped", err: stdapi.NewError(400, "<script>"),
			wantStatus: 400, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Bad Request","status":400,"detail":"\u003cscript\u003e"}`,
		},
		{
			name: "fastapi: detail string", format: stdapi.FormatFastAPI, err: stdapi.NewError(404, "Item not found"),
			wantStatus: 404, wantType: "application/json",
			wantBody: `{"detail":"Item not found"}`,
		},
		{
			name: "fastapi: title when no detail", format: stdapi.FormatFastAPI, err: &stdapi.Error{Status: 403},
			wantStatus: 403, wantType: "application/json",
			wantBody: `{"detail":"Forbidden"}`,
		},
		{
			name: "fastapi: validation list", format: stdapi.FormatFastAPI, err: validation,
			wantStatus: 422, wantType: "application/json",
			wantBody: `{"detail":[{"type":"missing","loc":["body","price"],"msg":"Field required","input":null},` +
				`{"type":"int_parsing","loc":["query","skip"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"a"}]}`,
		},
		{
			name: "structured detail is the data member", err: locked,
			wantStatus: 409, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Conflict","status":409,"detail":"Item is locked",` +
				`"data":{"code":"locked","ids":[1,2]},"retry":3}`,
		},
		{
			name: "structured detail without a string detail", err: &stdapi.Error{Status: 400, Data: []string{"a", "b"}},
			wantStatus: 400, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Bad Request","status":400,"data":["a","b"]}`,
		},
		{
			name: "unencodable structured detail is dropped", err: &stdapi.Error{Status: 400, Detail: "odd", Data: func() {}},
			wantStatus: 400, wantType: "application/problem+json",
			wantBody: `{"type":"about:blank","title":"Bad Request","status":400,"detail":"odd"}`,
		},
		{
			name: "fastapi: structured detail", format: stdapi.FormatFastAPI, err: locked,
			wantStatus: 409, wantType: "application/json",
			wantBody: `{"detail":{"code":"locked","ids":[1,2]}}`,
		},
		{
			name: "fastapi: structured detail of any JSON type", format: stdapi.FormatFastAPI,
			err:        &stdapi.Error{Status: 400, Data: []any{"a", 1, nil}},
			wantStatus: 400, wantType: "application/json",
			wantBody: `{"detail":["a",1,null]}`,
		},
		{
			name: "fastapi: unencodable structured detail falls back to the detail", format: stdapi.FormatFastAPI,
			err:        &stdapi.Error{Status: 400, Detail: "odd", Data: math.Inf(1)},
			wantStatus: 400, wantType: "application/json",
			wantBody: `{"detail":"odd"}`,
		},
		{
			name: "fastapi: field errors win over structured detail", format: stdapi.FormatFastAPI,
			err: &stdapi.Error{Status: 422, Data: "ignored",
				Errors: []stdapi.FieldError{{Type: "missing", Loc: []any{"query", "q"}, Msg: "Field required"}}},
			wantStatus: 422, wantType: "application/json",
			wantBody: `{"detail":[{"type":"missing","loc":["query","q"],"msg":"Field required","input":null}]}`,
		},
		{
			name: "fastapi: generic 500", format: stdapi.FormatFastAPI, err: secret,
			wantStatus: 500, wantType: "application/json",
			wantBody: `{"detail":"Internal Server Error"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withFormat(t, tt.format, false)
			logs(t)
			w := httptest.NewRecorder()
			stdapi.WriteError(w, httptest.NewRequest("GET", "/items/1", nil), tt.err)
			if w.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if got := w.Body.String(); got != tt.wantBody {
				t.Errorf("body =\n%s\nwant\n%s", got, tt.wantBody)
			}
			if got, want := w.Header().Get("Content-Length"), fmt.Sprint(len(tt.wantBody)); got != want {
				t.Errorf("Content-Length = %s, want %s", got, want)
			}
			if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			for k, v := range tt.wantHeader {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if strings.Contains(w.Body.String(), "10.0.0.7") {
				t.Errorf("body leaks the cause: %s", w.Body.String())
			}
		})
	}
}

func TestWriteErrorNoBody(t *testing.T) {
	for _, status := range []int{101, 204, 304} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			w := httptest.NewRecorder()
			e := &stdapi.Error{Status: status, Detail: "x", Header: http.Header{"Etag": {`"v1"`}}}
			stdapi.WriteError(w, httptest.NewRequest("GET", "/", nil), e)
			if w.Code != status || w.Body.Len() != 0 {
				t.Errorf("got %d with %d body bytes, want %d and none", w.Code, w.Body.Len(), status)
			}
			if w.Header().Get("Content-Type") != "" || w.Header().Get("ETag") != `"v1"` {
				t.Errorf("headers = %v", w.Header())
			}
		})
	}
}

func TestWriteErrorLogs(t *testing.T) {
	secret := errors.New("db password rejected")
	tests := []struct {
		name    string
		err     error
		wantLog bool
	}{
		{"plain error", secret, true},
		{"5xx with cause", &stdapi.Error{Status: 502, Err: secret}, true},
		{"5xx without cause", &stdapi.Error{Status: 502}, false},
		{"4xx with cause", &stdapi.Error{Status: 404, Err: secret}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := logs(t)
			stdapi.WriteError(httptest.NewRecorder(), httptest.NewRequest("POST", "/orders", nil), tt.err)
			got := buf.String()
			if logged := strings.Contains(got, "db password rejected"); logged != tt.wantLog {
				t.Fatalf("logged = %v, want %v; log:\n%s", logged, tt.wantLog, got)
			}
			if tt.wantLog && (!strings.Contains(got, "level=ERROR") || !strings.Contains(got, "method=POST") || !strings.Contains(got, "path=/orders")) {
				t.Errorf("log lacks level, method or path:\n%s", got)
			}
		})
	}
}

func TestWriteErrorDebug(t *testing.T) {
	secret := errors.New("db password rejected")
	var panicked *stdapi.PanicError
	func() {
		defer func() { panicked = stdapi.NewPanicError(recover()) }()
		panic("boom")
	}()
	tests := []struct {
		name      string
		format    stdapi.Format
		err       error
		wantStart string
		wantStack bool
	}{
		{"cause", stdapi.FormatProblem, secret,
			`{"type":"about:blank","title":"Internal Server Error","status":500,"cause":"db password rejected"}`, false},
		{"panic stack", stdapi.FormatProblem, panicked,
			`{"type":"about:blank","title":"Internal Server Error","status":500,"cause":"panic: boom","stack":"goroutine `, true},
		{"fastapi cause", stdapi.FormatFastAPI, secret,
			`{"detail":"Internal Server Error","cause":"db password rejected"}`, false},
		{"4xx never gets a cause", stdapi.FormatProblem, &stdapi.Error{Status: 400, Err: secret},
			`{"type":"about:blank","title":"Bad Request","status":400}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withFormat(t, tt.format, true)
			logs(t)
			w := httptest.NewRecorder()
			stdapi.WriteError(w, httptest.NewRequest("GET", "/", nil), tt.err)
			body := w.Body.String()
			if !strings.HasPrefix(body, tt.wantStart) {
				t.Errorf("body =\n%s\nwant prefix\n%s", body, tt.wantStart)
			}
			if tt.wantStack != strings.Contains(body, "problem_test.go") {
				t.Errorf("stack in body = %v, want %v", !tt.wantStack, tt.wantStack)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	cause := errors.New("timeout")
	tests := []struct {
		err  error
		want string
	}{
		{stdapi.NewError(404, "Item not found"), "404 Not Found: Item not found"},
		{&stdapi.Error{}, "500 Internal Server Error"},
		{&stdapi.Error{Status: 502, Title: "Upstream", Err: cause}, "502 Upstream: timeout"},
		{stdapi.ValidationError(stdapi.FieldError{Type: "missing", Loc: []any{"body", "items", 0, "name"}, Msg: "Field required"}),
			"422 Unprocessable Entity: 1 validation error [body.items.0.name: Field required (missing)]"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	e := &stdapi.Error{Status: 500, Err: cause}
	if !errors.Is(e, cause) || errors.Unwrap(e) != cause {
		t.Error("cause not reachable through errors.Is / errors.Unwrap")
	}
	p := stdapi.NewPanicError(context.Canceled)
	if !errors.Is(p, context.Canceled) || p.Error() != "panic: context canceled" {
		t.Errorf("PanicError = %v, unwraps to context.Canceled: %v", p, errors.Is(p, context.Canceled))
	}
}

func TestWriteErrorHeadersAreCopied(t *testing.T) {
	e := &stdapi.Error{Status: 401, Header: http.Header{"Www-Authenticate": {"Basic", "Bearer"}}}
	w := httptest.NewRecorder()
	stdapi.WriteError(w, httptest.NewRequest("GET", "/", nil), e)
	w.Header()["Www-Authenticate"][0] = "changed"
	if e.Header["Www-Authenticate"][0] != "Basic" {
		t.Error("WriteError shares header slices with the error value")
	}
	if got := w.Header().Values("WWW-Authenticate"); len(got) != 2 || got[1] != "Bearer" {
		t.Errorf("WWW-Authenticate = %q", got)
	}
}

func BenchmarkWriteError(b *testing.B) {
	e := stdapi.ValidationError(
		stdapi.FieldError{Type: "missing", Loc: []any{"body", "price"}, Msg: "Field required"},
		stdapi.FieldError{Type: "string_too_short", Loc: []any{"body", "name"}, Msg: "String should have at least 3 characters", Input: "ab", Ctx: map[string]any{"min_length": 3}},
	)
	r := httptest.NewRequest("GET", "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		stdapi.WriteError(w, r, e)
	}
}
