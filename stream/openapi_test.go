package stream_test

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/stream"
)

func TestOpenAPI(t *testing.T) {
	api := docs.New(docs.Info{Title: "Streams", Version: "1"})
	mux := http.NewServeMux()
	api.Handle(mux, "GET /ticks/{topic}", stream.Events(ticks), docs.Summary("Ticks of a topic"))
	api.Handle(mux, "GET /export", stream.Lines(func(ctx context.Context, in *ExportIn) iter.Seq2[Tick, error] {
		return items(in.Limit, nil)
	}))
	data, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.IsOpenAPI31OrLater()); err != nil {
		t.Fatalf("kin-openapi: %v\n%s", err, data)
	}
	var raw struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
			Responses  map[string]struct {
				Content map[string]map[string]any
			}
		}
	}
	json.Unmarshal(data, &raw)
	ticksOp := raw.Paths["/ticks/{topic}"]["get"]
	var params []string
	for _, p := range ticksOp.Parameters {
		params = append(params, p.In+":"+p.Name)
	}
	if got, want := params, []string{"path:topic", "query:from", "header:Last-Event-ID"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("parameters %v, want %v", got, want)
	}
	item, _ := json.Marshal(ticksOp.Responses["200"].Content["text/event-stream"]["x-itemSchema"])
	if want := `{"properties":{"data":{"$ref":"#/components/schemas/Tick"},"event":{"description":"The event's name; an event without one is a message.","type":"string"},"id":{"type":"string"},"retry":{"minimum":0,"type":"integer"}},"required":["data"],"title":"event","type":"object"}`; string(item) != want {
		t.Errorf("x-itemSchema %s", item)
	}
	for _, path := range []string{"/ticks/{topic}", "/export"} {
		if _, ok := raw.Paths[path]["get"].Responses["422"]; !ok {
			t.Errorf("%s: no 422 documented", path)
		}
	}
	if _, ok := raw.Paths["/export"]["get"].Responses["200"].Content["application/jsonl"]["x-itemSchema"]; !ok {
		t.Error("/export: no application/jsonl x-itemSchema")
	}
}
