package docs_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

type base struct {
	Created string `json:"created"`
}

type ordered struct {
	Zeta  string `json:"zeta" validate:"required"`
	Alpha int    `json:"alpha"`
	base
	Mid  bool   `json:"mid"`
	Note string `json:"note"`
}

func (ordered) OpenAPIDescription() string { return "A thing in declaration order." }

type login struct {
	Username string `form:"username" validate:"required"`
	Password string `form:"password" validate:"required"`
	Scope    string `form:"scope"`
	Client   string `form:"client_id"`
}

type titled struct{ http.Handler }

func (titled) OpenAPIOperation() map[string]any {
	token := map[string]any{"title": "Token", "type": "object", "required": []any{"token_type", "access_token"},
		"properties": map[string]any{"access_token": map[string]any{"type": "string"}, "expires_in": map[string]any{"type": "integer"},
			"token_type": map[string]any{"type": "string"}, "scope": map[string]any{"type": "string"}}}
	return map[string]any{"responses": map[string]any{
		"200": map[string]any{"description": "A token", "content": map[string]any{"application/json": map[string]any{"schema": token}}},
	}}
}

// propertyNames lists the property names of the object at the first
// occurrence of marker in doc, in the order they are written.
func propertyNames(t *testing.T, doc []byte, marker string) []string {
	t.Helper()
	i := bytes.Index(doc, []byte(marker))
	if i < 0 {
		t.Fatalf("%s not in the document", marker)
	}
	rest := doc[i:]
	j := bytes.Index(rest, []byte(`"properties": {`))
	var names []string
	depth := 0
	for _, line := range strings.Split(string(rest[j:]), "\n")[1:] {
		trim := strings.TrimSpace(line)
		if depth == 0 && strings.HasPrefix(trim, "}") {
			break
		}
		if depth == 0 {
			names = append(names, regexp.MustCompile(`^"([^"]+)"`).FindStringSubmatch(trim)[1])
		}
		depth += strings.Count(trim, "{") + strings.Count(trim, "[") - strings.Count(trim, "}") - strings.Count(trim, "]")
	}
	return names
}

// Properties come in Go declaration order (embedded fields where they are
// embedded), form fields too; a describer's schema lists its required
// properties first, then the others sorted. The 3.0 rendering keeps the
// order; no other key moves.
func TestPropertiesInDeclarationOrder(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "POST /things", bind.Handler(func(ctx context.Context, in *struct{ Body ordered }) (ordered, error) { return in.Body, nil }))
	api.Handle(mux, "POST /login", bind.Handler(func(ctx context.Context, in *login) (struct{}, error) { return struct{}{}, nil }))
	api.Handle(mux, "POST /token", titled{http.NotFoundHandler()})
	for _, render := range []func() ([]byte, error){api.Document, api.Document30} {
		doc, err := render()
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ marker, want string }{
			{`"ordered": {`, "zeta,alpha,created,mid,note"},
			{`"application/x-www-form-urlencoded": {`, "username,password,scope,client_id"},
			{`"Token": {`, "token_type,access_token,expires_in,scope"},
		} {
			if got := strings.Join(propertyNames(t, doc, tt.marker), ","); got != tt.want {
				t.Errorf("%s properties %s, want %s", tt.marker, got, tt.want)
			}
		}
		if bytes.Contains(doc, []byte(`\u0000`)) {
			t.Errorf("the order key leaked into the document")
		}
	}
	doc := documentOf(t, api)
	if got := jsonOf(t, at(t, doc, "components", "schemas", "ordered", "description")); got != `"A thing in declaration order."` {
		t.Errorf("description = %s", got)
	}
	if got := jsonOf(t, at(t, doc, "paths", "/token", "post", "responses", "200", "content", "application/json", "schema")); got != `{"$ref":"#/components/schemas/Token"}` {
		t.Errorf("a titled response schema = %s, want a component", got)
	}
	if got := strings.Join(sortedKeys(at(t, doc, "components", "schemas").(map[string]any)), ","); got != "FieldError,Problem,Token,ordered,ordered-Output" {
		t.Errorf("components %s", got)
	}
}
