package docs

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/oasdiff/yaml"
)

// sameJSON decodes both documents and compares them.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

// The YAML rendering reads back, with a YAML parser, as the JSON document;
// keys YAML would read as other types stay strings.
func TestYAMLReadsAsTheDocument(t *testing.T) {
	doc := map[string]any{
		"openapi": "3.1.0",
		"paths": map[string]any{"/items/{id}": map[string]any{"get": map[string]any{
			"responses": map[string]any{"200": map[string]any{"description": "ok: yes # not a comment\n- not a list"}},
		}}},
		"components": map[string]any{"schemas": map[string]any{"T": map[string]any{
			"type": "object", orderKey: []any{"zeta", "alpha"},
			"properties": map[string]any{"alpha": map[string]any{"type": "integer", "maximum": json.Number("9223372036854775806")}, "zeta": map[string]any{"enum": []any{"yes", "no", "1.0", "null", true, nil}}},
			"required":   []any{},
			"examples":   []any{map[string]any{}, []any{[]any{1, 2}}, "é\u2028\t\"<&>"},
		}}},
		"on": map[string]string{"b": "x", "a": "y"},
	}
	y, err := toYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	j, err := encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := yaml.YAMLToJSON(y)
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	if !sameJSON(t, back, j) {
		t.Errorf("YAML reads as\n%s\nwant\n%s\nYAML:\n%s", back, j, y)
	}
	if i, k := strings.Index(string(y), "zeta:"), strings.Index(string(y), "alpha:"); i < 0 || k < i {
		t.Errorf("properties out of declaration order:\n%s", y)
	}
}

// Mount serves the YAML only when asked, as application/yaml with its own
// ETag.
func TestServeYAML(t *testing.T) {
	api := New(Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "GET /x", http.NotFoundHandler())
	api.Mount(mux, OpenAPIYAMLPath("/openapi.yaml"))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.yaml", nil))
	want, _ := api.DocumentYAML()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/yaml" || rec.Body.String() != string(want) || rec.Header().Get("ETag") == "" {
		t.Errorf("GET /openapi.yaml: %d %v\n%s", rec.Code, rec.Header(), rec.Body)
	}
	back, err := yaml.YAMLToJSON(rec.Body.Bytes())
	doc, _ := api.Document()
	if err != nil || !sameJSON(t, back, doc) {
		t.Errorf("the YAML is not the document: %v\n%s", err, rec.Body)
	}
	off := http.NewServeMux()
	New(Info{}).Mount(off)
	rec = httptest.NewRecorder()
	off.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.yaml", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("YAML served by default: %d", rec.Code)
	}
}

// Any string, as a key or a value, reads back as itself.
func FuzzYAMLString(f *testing.F) {
	for _, s := range []string{"", "yes", "- a", "a: b", "#", "'", "\x00", "\xff", "1e3", "~", "\t x \n", "{}", "&a", "*a", "!t", "%", "@", "`", "é\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := map[string]any{"k": s, s: []any{s}, "m": map[string]any{s: s}}
		y, err := toYAML(doc)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := encode(doc)
		back, err := yaml.YAMLToJSON(y)
		if err != nil {
			t.Fatalf("%q: %v\n%s", s, err, y)
		}
		if !sameJSON(t, back, j) {
			t.Fatalf("%q: YAML reads as %s, want %s\n%s", s, back, j, y)
		}
	})
}
