package bind_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stdapi/stdapi/bind"
)

type listJSON []int

func (listJSON) MarshalJSON() ([]byte, error) { return []byte(`"own"`), nil }

type withTags struct {
	Tags []string `json:"tags"`
}

// An empty list is [] on the wire, as its schema (an array, not null)
// says; what a body holds is encoding/json's.
func TestNilCollectionBodies(t *testing.T) {
	tests := []struct {
		name string
		h    http.Handler
		want string
	}{
		{"nil slice", bind.Handler(func(context.Context, *struct{}) ([]Item, error) { return nil, nil }), `[]`},
		{"empty slice", bind.Handler(func(context.Context, *struct{}) ([]Item, error) { return []Item{}, nil }), `[]`},
		{"nil map", bind.Handler(func(context.Context, *struct{}) (map[string]int, error) { return nil, nil }), `{}`},
		{"nil slice in a response envelope", bind.Handler(func(context.Context, *struct{}) (bind.Response[[]Item], error) {
			return bind.Response[[]Item]{Status: 201}, nil
		}), `[]`},
		{"nil slice with its own MarshalJSON", bind.Handler(func(context.Context, *struct{}) (listJSON, error) { return nil, nil }), `"own"`},
		{"nil slice inside a struct stays null", bind.Handler(func(context.Context, *struct{}) (withTags, error) { return withTags{}, nil }), `{"tags":null}`},
		{"nil pointer stays null", bind.Handler(func(context.Context, *struct{}) (*[]Item, error) { return nil, nil }), `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body, header := serve(t, "GET /", tt.h, req{method: "GET", target: "/"})
			if body != tt.want || header.Get("Content-Type") != "application/json" {
				t.Errorf("got %s (%s), want %s", body, header.Get("Content-Type"), tt.want)
			}
		})
	}
	w := httptest.NewRecorder()
	var none []string
	if err := bind.JSON(w, http.StatusOK, none); err != nil || w.Body.String() != `[]` || w.Header().Get("Content-Length") != "2" {
		t.Errorf("JSON(nil slice) = %q (Content-Length %s), %v; want []", w.Body, w.Header().Get("Content-Length"), err)
	}
}
