package bind_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
)

// fixed is a Dependency with a fixed answer.
type fixed[T any] struct {
	v   T
	err error
}

func (f fixed[T]) DependencyType() reflect.Type       { return reflect.TypeFor[T]() }
func (f fixed[T]) Resolve(*http.Request) (any, error) { return f.v, f.err }

type settings struct{ Greeting string }

type greetIn struct {
	Settings *settings `dep:""`
	Name     string    `query:"name" validate:"required"`
}

func greet(_ context.Context, in *greetIn) (string, error) {
	return in.Settings.Greeting + ", " + in.Name, nil
}

func TestDependencyFields(t *testing.T) {
	cfg := fixed[*settings]{v: &settings{Greeting: "Hello"}}
	invalid := stdapi.ValidationError(stdapi.FieldError{Type: "missing", Loc: []any{"header", "x-key"}, Msg: "Field required"})
	tests := []struct {
		name   string
		h      http.Handler
		target string
		status int
		body   string
	}{
		{"resolved", bind.Handler(greet, bind.Deps(cfg)), "/?name=Ann", 200, `"Hello, Ann"`},
		{"no dependency given: a 500, logged", bind.Handler(greet), "/?name=Ann", 500,
			`{"type":"about:blank","title":"Internal Server Error","status":500}`},
		{"a dependency's 401 wins over the handler's 422", bind.Handler(greet, bind.Deps(fixed[*settings]{err: stdapi.NewError(401, "Not authenticated")})), "/", 401,
			`{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`},
		{"a dependency's 422 joins the handler's, first", bind.Handler(greet, bind.Deps(fixed[*settings]{err: invalid})), "/", 422,
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[` +
				`{"type":"missing","loc":["header","x-key"],"msg":"Field required"},{"type":"missing","loc":["query","name"],"msg":"Field required"}]}`},
		{"an internal error stays hidden", bind.Handler(greet, bind.Deps(fixed[*settings]{err: errors.New("db down")})), "/?name=Ann", 500,
			`{"type":"about:blank","title":"Internal Server Error","status":500}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, httptest.NewRequest("GET", tt.target, nil))
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %s\nwant %d %s", w.Code, w.Body, tt.status, tt.body)
			}
		})
	}
}

func TestDependencyChoice(t *testing.T) {
	h := bind.Handler(greet, bind.Deps(fixed[*settings]{v: &settings{Greeting: "Hi"}})).(bind.Dependent)
	// The handler's own dependency wins over the route's.
	if err := h.UseDependencies([]bind.Dependency{fixed[*settings]{v: &settings{Greeting: "Yo"}}}, nil); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.(http.Handler).ServeHTTP(w, httptest.NewRequest("GET", "/?name=Bo", nil))
	if w.Body.String() != `"Hi, Bo"` {
		t.Errorf("got %s", w.Body)
	}
	bare := bind.Handler(greet).(bind.Dependent)
	err := bare.UseDependencies([]bind.Dependency{fixed[string]{}}, nil)
	if err == nil || !strings.Contains(err.Error(), "no dependency provides Settings *bind_test.settings") {
		t.Errorf("err = %v", err)
	}
}

func TestDependencyTagMistakes(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want string
	}{
		{struct {
			S *settings `dep:"db"`
		}{}, `tag dep:"db" takes no value`},
		{struct {
			S string `dep:"" query:"s"`
		}{}, "tags dep and query on one field"},
	} {
		_, err := bind.Describe(reflect.TypeOf(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%T: err = %v, want %q", tt.in, err, tt.want)
		}
	}
}
