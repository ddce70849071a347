package bind_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
)

type NewPet struct {
	Owner int  `path:"owner" validate:"min=1"`
	Dry   bool `query:"dry_run"`
	Body  PetBody
}

type PetBody struct {
	Name string `json:"name" validate:"required,min=2"`
	Kind string `json:"kind" validate:"required,oneof=cat dog"`
	Age  int    `json:"age" validate:"gte=0,lte=40"`
}

type Pet struct {
	Owner int    `json:"owner"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
}

func post(h http.Handler, target, body string) {
	mux := http.NewServeMux()
	mux.Handle("POST /owners/{owner}/pets", h)
	r := httptest.NewRequest("POST", target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body)
}

func ExampleHandler() {
	h := bind.Handler(func(ctx context.Context, in *NewPet) (Pet, error) {
		return Pet{Owner: in.Owner, Name: in.Body.Name, Kind: in.Body.Kind}, nil
	}, bind.Status(http.StatusCreated))

	post(h, "/owners/7/pets", `{"name":"Rex","kind":"dog","age":3}`)
	post(h, "/owners/0/pets?dry_run=maybe", `{"name":"R","kind":"cow"}`)
	// Output:
	// 201 {"owner":7,"name":"Rex","kind":"dog"}
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"4 validation errors","errors":[{"type":"greater_than_equal","loc":["path","owner"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}},{"type":"bool_parsing","loc":["query","dry_run"],"msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"},{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 2 characters","input":"R","ctx":{"min_length":2}},{"type":"enum","loc":["body","kind"],"msg":"Input should be 'cat' or 'dog'","input":"cow","ctx":{"expected":"'cat' or 'dog'"}}]}
}

func ExampleRequest() {
	type Search struct {
		Q     string   `query:"q" validate:"required,min=1"`
		Page  int      `query:"page" default:"1" validate:"min=1"`
		Langs []string `query:"lang" explode:"false"`
	}
	handler := func(w http.ResponseWriter, r *http.Request) {
		var in Search
		if err := bind.Request(r, &in); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		bind.JSON(w, http.StatusOK, in)
	}
	for _, target := range []string{"/search?q=go&lang=en,fr", "/search?page=0"} {
		w := httptest.NewRecorder()
		handler(w, httptest.NewRequest("GET", target, nil))
		fmt.Println(w.Code, w.Body)
	}
	// Output:
	// 200 {"Q":"go","Page":1,"Langs":["en","fr"]}
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[{"type":"missing","loc":["query","q"],"msg":"Field required"},{"type":"greater_than_equal","loc":["query","page"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}
}

// A Response sets the status, headers and cookies of one response.
func ExampleResponse() {
	h := bind.Handler(func(ctx context.Context, in *struct {
		ID string `path:"id"`
	}) (bind.Response[Pet], error) {
		if in.ID != "rex" {
			return bind.Response[Pet]{}, stdapi.NewError(http.StatusNotFound, "Pet not found")
		}
		return bind.Response[Pet]{
			Header: http.Header{"ETag": {`"rex-v3"`}},
			Body:   Pet{Name: "Rex", Kind: "dog"},
		}, nil
	})
	mux := http.NewServeMux()
	mux.Handle("GET /pets/{id}", h)
	for _, target := range []string{"/pets/rex", "/pets/tom"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Println(w.Code, w.Header().Get("ETag"), w.Body)
	}
	// Output:
	// 200 "rex-v3" {"owner":0,"name":"Rex","kind":"dog"}
	// 404  {"type":"about:blank","title":"Not Found","status":404,"detail":"Pet not found"}
}
