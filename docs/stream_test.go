package docs_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/stdapi/stdapi/docs"
)

type Change struct {
	ID int `json:"id"`
}

type Removal struct {
	ID int `json:"id"`
}

// fakeStream is a handler that describes itself as a stream, as the
// handlers of package stream do.
type fakeStream struct {
	media string
	items map[string]reflect.Type
}

func (fakeStream) ServeHTTP(http.ResponseWriter, *http.Request) {}

func (f fakeStream) OpenAPIStream() (string, map[string]reflect.Type) { return f.media, f.items }

func TestStreamResponses(t *testing.T) {
	api := docs.New(docs.Info{Title: "T", Version: "1"})
	mux := http.NewServeMux()
	api.Handle(mux, "GET /changes", fakeStream{"text/event-stream", map[string]reflect.Type{
		"updated": reflect.TypeFor[Change](), "removed": reflect.TypeFor[Removal](),
	}})
	api.Handle(mux, "GET /export", fakeStream{"application/jsonl", map[string]reflect.Type{"": reflect.TypeFor[Change]()}})
	data, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]map[string]any
			}
		}
		Components struct{ Schemas map[string]any }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	jsonl := doc.Paths["/export"]["get"].Responses["200"].Content["application/jsonl"]
	if got, _ := json.Marshal(jsonl["x-itemSchema"]); string(got) != `{"$ref":"#/components/schemas/Change"}` {
		t.Errorf("JSON Lines x-itemSchema: %s", got)
	}
	if got, _ := json.Marshal(jsonl["schema"]); string(got) != `{"description":"A stream of JSON Lines: each line is one item.","items":{"$ref":"#/components/schemas/Change"},"type":"array"}` {
		t.Errorf("JSON Lines schema: %s", got)
	}
	sse := doc.Paths["/changes"]["get"].Responses["200"].Content["text/event-stream"]
	got, _ := json.Marshal(sse["x-itemSchema"])
	want := `{"oneOf":[` +
		`{"properties":{"data":{"$ref":"#/components/schemas/Removal"},"event":{"const":"removed","type":"string"},"id":{"type":"string"},"retry":{"minimum":0,"type":"integer"}},"required":["data","event"],"title":"removed","type":"object"},` +
		`{"properties":{"data":{"$ref":"#/components/schemas/Change"},"event":{"const":"updated","type":"string"},"id":{"type":"string"},"retry":{"minimum":0,"type":"integer"}},"required":["data","event"],"title":"updated","type":"object"}]}`
	if string(got) != want {
		t.Errorf("SSE x-itemSchema:\n%s\nwant\n%s", got, want)
	}
	for _, name := range []string{"Change", "Removal"} {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("component %s missing", name)
		}
	}
	if _, ok := doc.Paths["/changes"]["get"].Responses["422"]; ok {
		t.Error("an operation without inputs documents a 422")
	}
}
