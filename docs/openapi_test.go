package docs_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stdapi/stdapi/docs/internal/zoo"
)

// zooDocument builds the zoo's document.
func zooDocument(t testing.TB) []byte {
	t.Helper()
	data, err := zoo.New(http.NewServeMux()).Document()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestZooValidatesWithKinOpenAPI loads the zoo's document with kin-openapi
// and validates it as OpenAPI 3.1 (JSON Schema 2020-12 schemas), examples
// and defaults included.
func TestZooValidatesWithKinOpenAPI(t *testing.T) {
	data := zooDocument(t)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("LoadFromData: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("document version %q is not 3.1", doc.OpenAPI)
	}
	ctx := context.Background()
	if err := doc.Validate(ctx,
		openapi3.IsOpenAPI31OrLater(),
		openapi3.EnableSchemaDefaultsValidation(),
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.AllowExtraSiblingFields("x-validate"),
	); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	// Every operation and every ref resolved.
	want := []string{
		"GET /hello", "GET /items/{id}", "POST /items", "PUT /items/{id}", "DELETE /items/{id}",
		"POST /upload", "POST /login", "GET /pages", "GET /users", "GET /tree", "GET /users/me",
		"GET /files/{path}", "GET /health",
	}
	for _, w := range want {
		method, path, _ := strings.Cut(w, " ")
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("operation %s missing", w)
		}
	}
	if got := doc.Paths.Len(); got != 11 {
		t.Errorf("%d paths, want 11", got)
	}
	if doc.Paths.Find("/internal") != nil {
		t.Error("hidden operation /internal is documented")
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"$schema", "$id", "$defs"} {
		if strings.Contains(string(data), `"`+name+`"`) {
			t.Errorf("document contains %s", name)
		}
	}
}

func TestZooDetails(t *testing.T) {
	d := json.NewDecoder(strings.NewReader(string(zooDocument(t))))
	d.UseNumber()
	var doc map[string]any
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path []string
		want string
	}{
		// Security from the fake security.Require, with scopes; 401 and 403.
		{[]string{"paths", "/items", "post", "security"}, `[{"OAuth2":["items:write"]}]`},
		{[]string{"paths", "/items", "post", "responses", "403", "description"}, `"Not enough permissions"`},
		{[]string{"components", "securitySchemes", "OAuth2", "type"}, `"oauth2"`},
		// deps-style parameters after the input's own.
		{[]string{"paths", "/items/{id}", "put", "parameters"}, `[{"in":"path","name":"id","required":true,"schema":{"format":"int64","minimum":1,"type":"integer"}},{"in":"header","name":"X-Tenant","required":true,"schema":{"type":"string"}}]`},
		// An optional (pointer) body; bind.Response[Item] documents Item.
		{[]string{"paths", "/items/{id}", "put", "requestBody"}, `{"content":{"application/json":{"schema":{"anyOf":[{"$ref":"#/components/schemas/CreateItem"},{"type":"null"}]}}}}`},
		{[]string{"paths", "/items/{id}", "put", "responses", "200", "content", "application/json", "schema"}, `{"$ref":"#/components/schemas/Item"}`},
		// 204: no body.
		{[]string{"paths", "/items/{id}", "delete", "responses", "204"}, `{"description":"Successful Response"}`},
		// Forms: urlencoded and multipart; files only multipart.
		{[]string{"paths", "/login", "post", "requestBody", "content", "application/x-www-form-urlencoded", "schema", "required"}, `["username","password"]`},
		{[]string{"paths", "/upload", "post", "requestBody", "content", "multipart/form-data", "schema", "properties", "file"}, `{"contentMediaType":"application/octet-stream","format":"binary","type":"string"}`},
		// Same name, two packages; generics; recursion.
		{[]string{"components", "schemas", "CreateItem", "properties", "owner"}, `{"anyOf":[{"$ref":"#/components/schemas/other.User"},{"type":"null"}]}`},
		{[]string{"components", "schemas", "CreateItem", "properties", "contact"}, `{"$ref":"#/components/schemas/zoo.User"}`},
		{[]string{"paths", "/pages", "get", "responses", "200", "content", "application/json", "schema"}, `{"$ref":"#/components/schemas/zoo.Page_zoo.User"}`},
		{[]string{"components", "schemas", "Node", "properties", "children"}, `{"items":{"anyOf":[{"$ref":"#/components/schemas/Node"},{"type":"null"}]},"type":"array"}`},
		// Rules: enum, exclusive bound, x-validate for inexact rules.
		{[]string{"components", "schemas", "CreateItem", "properties", "kind"}, `{"enum":["tool","toy","spare part"],"type":"string"}`},
		{[]string{"components", "schemas", "CreateItem", "properties", "price"}, `{"exclusiveMinimum":0,"format":"double","maximum":10000,"type":"number"}`},
		{[]string{"components", "schemas", "CreateItem", "properties", "tags", "items"}, `{"minLength":2,"type":"string","x-validate":"lowercase"}`},
		{[]string{"components", "schemas", "CreateItem", "additionalProperties"}, `false`},
	}
	for _, tt := range tests {
		var v any = doc
		for _, k := range tt.path {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		got, _ := json.Marshal(v)
		if string(got) != tt.want {
			t.Errorf("%s =\n%s\nwant\n%s", strings.Join(tt.path, "."), got, tt.want)
		}
	}
}
