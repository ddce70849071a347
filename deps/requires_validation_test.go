package deps_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/deps"
)

// queryInt is a provider that reads one required query parameter, as a
// dependency with parameters does, and answers 422 without it.
func queryInt(name string, calls *int) *deps.Provider[string] {
	return deps.New(func(r *http.Request) (string, error) {
		*calls++
		v := r.URL.Query().Get(name)
		if v == "" {
			return "", stdapi.ValidationError(stdapi.FieldError{Type: "missing", Loc: []any{"query", name}, Msg: "Field required"})
		}
		return v, nil
	}, deps.Name(name))
}

func TestRequiresCollectsValidationErrors(t *testing.T) {
	var calls int
	skip, limit := queryInt("skip", &calls), queryInt("limit", &calls)
	token := deps.New(func(r *http.Request) (string, error) {
		calls++
		if r.Header.Get("X-Token") == "" {
			return "", &stdapi.Error{Status: 401, Detail: "Not authenticated"}
		}
		return "t", nil
	})
	var handled bool
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { handled = true })
	both := `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors",` +
		`"errors":[{"type":"missing","loc":["query","skip"],"msg":"Field required"},` +
		`{"type":"missing","loc":["query","limit"],"msg":"Field required"}]}`
	tests := []struct {
		name    string
		format  stdapi.Format
		ds      []deps.Dependency
		target  string
		header  string
		status  int
		body    string
		calls   int
		handled bool
	}{
		{"every dependency's 422 in one", stdapi.FormatProblem, []deps.Dependency{skip, limit}, "/", "", 422, both, 2, false},
		{"FastAPI format", stdapi.FormatFastAPI, []deps.Dependency{skip, limit}, "/", "", 422,
			`{"detail":[{"type":"missing","loc":["query","skip"],"msg":"Field required","input":null},` +
				`{"type":"missing","loc":["query","limit"],"msg":"Field required","input":null}]}`, 2, false},
		{"one 422 as it is", stdapi.FormatProblem, []deps.Dependency{skip, limit}, "/?skip=1", "", 422,
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error",` +
				`"errors":[{"type":"missing","loc":["query","limit"],"msg":"Field required"}]}`, 2, false},
		{"a shared failure counts once", stdapi.FormatProblem, []deps.Dependency{skip, limit, skip}, "/", "", 422, both, 2, false},
		{"a 401 after a 422 wins", stdapi.FormatProblem, []deps.Dependency{skip, token, limit}, "/", "", 401,
			`{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`, 2, false},
		{"a 401 first stops at once", stdapi.FormatProblem, []deps.Dependency{token, skip, limit}, "/", "", 401,
			`{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`, 1, false},
		{"all valid", stdapi.FormatProblem, []deps.Dependency{skip, token, limit}, "/?skip=0&limit=10", "t", 200, "", 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdapi.SetFormat(tt.format)
			defer stdapi.SetFormat(stdapi.FormatProblem)
			calls, handled = 0, false
			r := httptest.NewRequest("GET", tt.target, nil)
			if tt.header != "" {
				r.Header.Set("X-Token", tt.header)
			}
			w := do(deps.Scope(deps.Requires(tt.ds...)(next)), r)
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %s\nwant %d %s", w.Code, w.Body, tt.status, tt.body)
			}
			if calls != tt.calls || handled != tt.handled {
				t.Errorf("%d dependency calls, handler called %v; want %d, %v", calls, handled, tt.calls, tt.handled)
			}
		})
	}
}
