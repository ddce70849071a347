package docs_test

import (
	"context"
	"net/http"
	"testing"
	"time"

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
		{[]string{"FieldError", "properties", "ctx"}, `{"additionalProperties":true,"description":"The parameters of the failed rule.","type":"object"}`},
	} {
		got := jsonOf(t, at(t, doc, append([]string{"components", "schemas"}, tt.path...)...))
		if got != tt.want {
			t.Errorf("%v =\n%s\nwant\n%s", tt.path, got, tt.want)
		}
	}
}

type numbers struct {
	Int     int           `json:"int"`
	Int64   int64         `json:"int64"`
	Int32   int32         `json:"int32"`
	Int8    int8          `json:"int8"`
	Uint    uint          `json:"uint"`
	Uint64  uint64        `json:"uint64"`
	Uint16  uint16        `json:"uint16"`
	Float64 float64       `json:"float64"`
	Float32 float32       `json:"float32"`
	Dur     time.Duration `json:"dur"`
	Ranged  int           `json:"ranged" validate:"gte=1,lte=100"`
	// Two bounds that float64 cannot tell apart: the tighter one wins.
	Near int64 `json:"near" validate:"lte=9223372036854775807,lte=9223372036854775806"`
}

// Numbers carry their Go type as a format, so that generators pick the
// right type (float64 as double, not float32), and no bound that
// JavaScript cannot represent: an int's platform range is its format's.
func TestNumberFormats(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	api.Handle(http.NewServeMux(), "POST /n", bind.Handler(func(ctx context.Context, in *struct {
		Limit int64 `query:"limit"`
		Body  numbers
	}) (numbers, error) {
		return in.Body, nil
	}))
	doc := documentOf(t, api)
	props := at(t, doc, "components", "schemas", "numbers", "properties")
	for name, want := range map[string]string{
		"int":     `{"format":"int64","type":"integer"}`,
		"int64":   `{"format":"int64","type":"integer"}`,
		"int32":   `{"format":"int32","maximum":2147483647,"minimum":-2147483648,"type":"integer"}`,
		"int8":    `{"format":"int32","maximum":127,"minimum":-128,"type":"integer"}`,
		"uint":    `{"format":"uint64","minimum":0,"type":"integer"}`,
		"uint64":  `{"format":"uint64","minimum":0,"type":"integer"}`,
		"uint16":  `{"format":"int32","maximum":65535,"minimum":0,"type":"integer"}`,
		"float64": `{"format":"double","type":"number"}`,
		"float32": `{"format":"float","maximum":3.4028234663852886e+38,"minimum":-3.4028234663852886e+38,"type":"number"}`,
		"dur":     `{"description":"A duration in nanoseconds.","format":"int64","type":"integer"}`,
		"ranged":  `{"format":"int64","maximum":100,"minimum":1,"type":"integer"}`,
		"near":    `{"format":"int64","maximum":9223372036854775806,"type":"integer"}`,
	} {
		if got := jsonOf(t, at(t, props, name)); got != want {
			t.Errorf("%s =\n%s\nwant\n%s", name, got, want)
		}
	}
	param := at(t, doc, "paths", "/n", "post", "parameters").([]any)[0]
	if got := jsonOf(t, at(t, param, "schema")); got != `{"format":"int64","type":"integer"}` {
		t.Errorf("query limit = %s", got)
	}
}

type tagged struct {
	Tags []string `json:"tags"`
}

// A []T or map body is a plain array or object, as bind writes a nil one
// [] or {}; a slice inside a body may be null, as encoding/json writes it,
// and so may a pointer body.
func TestListBodiesAreNotNull(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "GET /list", bind.Handler(func(context.Context, *struct{}) ([]tagged, error) { return nil, nil }))
	api.Handle(mux, "GET /map", bind.Handler(func(context.Context, *struct{}) (map[string]int, error) { return nil, nil }))
	api.Handle(mux, "POST /created", bind.Handler(func(context.Context, *struct{}) (bind.Response[[]int], error) {
		return bind.Response[[]int]{}, nil
	}, bind.Status(201)))
	api.Handle(mux, "GET /ptr", bind.Handler(func(context.Context, *struct{}) (*[]int, error) { return nil, nil }))
	doc := documentOf(t, api)
	schema := func(path, method, status string) string {
		return jsonOf(t, at(t, doc, "paths", path, method, "responses", status, "content", "application/json", "schema"))
	}
	for _, tt := range []struct{ got, want string }{
		{schema("/list", "get", "200"), `{"items":{"$ref":"#/components/schemas/tagged"},"type":"array"}`},
		{schema("/map", "get", "200"), `{"additionalProperties":{"format":"int64","type":"integer"},"type":"object"}`},
		{schema("/created", "post", "201"), `{"items":{"format":"int64","type":"integer"},"type":"array"}`},
		{schema("/ptr", "get", "200"), `{"items":{"format":"int64","type":"integer"},"type":["array","null"]}`},
		{jsonOf(t, at(t, doc, "components", "schemas", "tagged", "properties", "tags")), `{"items":{"type":"string"},"type":["array","null"]}`},
	} {
		if tt.got != tt.want {
			t.Errorf("got\n%s\nwant\n%s", tt.got, tt.want)
		}
	}
}
