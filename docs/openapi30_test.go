package docs_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stdapi/stdapi/docs/internal/zoo"
)

// The 3.0.3 rendering of the zoo loads and validates with kin-openapi as
// 3.0, examples included, and has none of 3.1's forms left.
func TestZooAsOpenAPI30(t *testing.T) {
	api := zoo.New(http.NewServeMux())
	data, err := api.Document30()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("LoadFromData: %v", err)
	}
	if doc.OpenAPI != "3.0.3" || doc.IsOpenAPI31OrLater() {
		t.Fatalf("version %q", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(),
		openapi3.EnableExamplesValidation(),
		openapi3.AllowExtraSiblingFields("x-validate"),
	); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	text := string(data)
	for _, bad := range []string{`"null"`, `"const"`, `"contentMediaType"`, `"propertyNames"`, `"exclusiveMinimum": 0`} {
		if strings.Contains(text, bad) {
			t.Errorf("3.0 rendering contains %s", bad)
		}
	}
	price := doc.Components.Schemas["CreateItem"].Value.Properties["price"].Value
	if price.ExclusiveMin.Bool == nil || !*price.ExclusiveMin.Bool || price.Min == nil || *price.Min != 0 {
		t.Errorf("price: exclusiveMinimum %v minimum %v, want true 0", price.ExclusiveMin.Bool, price.Min)
	}
	owner := doc.Components.Schemas["CreateItem"].Value.Properties["owner"].Value
	if !owner.Nullable || len(owner.AllOf) != 1 || owner.AllOf[0].Ref != "#/components/schemas/other.User" {
		t.Errorf("owner: nullable %v allOf %v", owner.Nullable, owner.AllOf)
	}
	// Served next to the 3.1 document.
	mux := http.NewServeMux()
	api = zoo.New(mux)
	api.Mount(mux)
	rec := get(t, mux, "/openapi-3.0.json")
	if rec.Code != 200 || rec.Body.String() != text || rec.Header().Get("ETag") == "" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("GET /openapi-3.0.json: %d %v", rec.Code, rec.Header())
	}
}
