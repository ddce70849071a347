package docs_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

type freeForm struct {
	Meta  map[string]any    `json:"meta"`
	Any   any               `json:"any"`
	Keys  []map[string]any  `json:"keys"`
	Names map[string]string `json:"names"`
}

// Free-form values must say that they hold members: a bare
// {"type":"object"} is read by generators as an object without members
// (Record<string, never> in openapi-typescript, struct{} in ogen), which
// drops the data.
func TestFreeFormObjects(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	api.Handle(http.NewServeMux(), "POST /f", bind.Handler(func(ctx context.Context, in *struct{ Body freeForm }) (freeForm, error) { return in.Body, nil }))
	doc := documentOf(t, api)
	for _, tt := range []struct {
		path []string
		want string
	}{
		{[]string{"freeForm", "properties", "meta"}, `{"additionalProperties":true,"type":"object"}`},
		{[]string{"freeForm", "properties", "any"}, `{}`},
		{[]string{"freeForm", "properties", "keys"}, `{"items":{"additionalProperties":true,"type":"object"},"type":"array"}`},
		{[]string{"freeForm", "properties", "names"}, `{"additionalProperties":{"type":"string"},"type":"object"}`},
		{[]string{"freeForm-Output", "properties", "meta"}, `{"additionalProperties":true,"type":["object","null"]}`},
		{[]string{"freeForm-Output", "properties", "keys"}, `{"items":{"additionalProperties":true,"type":["object","null"]},"type":["array","null"]}`},
		{[]string{"stdapi.FieldError", "properties", "ctx"}, `{"additionalProperties":true,"description":"The parameters of the failed rule.","type":"object"}`},
	} {
		got := jsonOf(t, at(t, doc, append([]string{"components", "schemas"}, tt.path...)...))
		if got != tt.want {
			t.Errorf("%v =\n%s\nwant\n%s", tt.path, got, tt.want)
		}
	}
}
