package docs_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

type exampleIn struct {
	Tenant string `header:"X-Tenant"`
	Body   struct {
		Name string `json:"name" validate:"required"`
	}
}

// Every documented error response shows what the server writes for it:
// its status and title, the description as detail, and errors only on a
// 422 (Swagger UI made "status": 100 and errors on a 401 up from the
// schema).
func TestErrorExamples(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	h := bind.Handler(func(ctx context.Context, in *exampleIn) (item, error) { return item{}, nil })
	api.Handle(http.NewServeMux(), "POST /items", fakeSecurity{next: h, name: "bearer", scheme: bearer, scopes: []string{"write"}},
		docs.Response(http.StatusNotFound, nil, "Item not found"))
	doc := documentOf(t, api)
	responses := at(t, doc, "paths", "/items", "post", "responses")
	for status, want := range map[string]string{
		"401": `{"detail":"Not authenticated","status":401,"title":"Unauthorized","type":"about:blank"}`,
		"403": `{"detail":"Not enough permissions","status":403,"title":"Forbidden","type":"about:blank"}`,
		"404": `{"detail":"Item not found","status":404,"title":"Not Found","type":"about:blank"}`,
		"422": `{"detail":"1 validation error","errors":[{"loc":["body","name"],"msg":"Field required","type":"missing"}],"status":422,"title":"Unprocessable Entity","type":"about:blank"}`,
	} {
		if got := jsonOf(t, at(t, responses, status, "content", "application/problem+json", "example")); got != want {
			t.Errorf("%s example =\n%s\nwant\n%s", status, got, want)
		}
	}
}
