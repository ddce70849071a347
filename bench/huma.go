package bench

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// humaItemBody is ItemBody with huma's JSON Schema tags. Huma makes every
// field without omitempty required, so quantity says it is not.
type humaItemBody struct {
	Name     string  `json:"name" minLength:"1" maxLength:"50"`
	Price    float64 `json:"price" exclusiveMinimum:"0" exclusiveMaximum:"10000"`
	Quantity int     `json:"quantity" required:"false" minimum:"0" maximum:"1000"`
	Category string  `json:"category" enum:"food,tools,toys"`
	SKU      string  `json:"sku,omitempty" minLength:"8" maxLength:"8"`
}

type humaCreateItemIn struct {
	ID    int    `path:"id" minimum:"1"`
	Limit int    `query:"limit" default:"10" minimum:"1" maximum:"100"`
	Token string `header:"X-Token" required:"true"`
	Body  humaItemBody
}

type humaGreetingIn struct {
	Lang string `path:"lang"`
}

type humaOut[T any] struct {
	Body T
}

// Huma returns the endpoints written with huma v2 on the standard library's
// ServeMux (the humago adapter). The schema link transformer, which adds a
// "$schema" member and a Link header to every response, is left out so that
// all implementations send the same bodies; huma's documentation routes are
// registered, as they are in any huma application, but not requested.
func Huma() http.Handler {
	mux := http.NewServeMux()
	config := huma.DefaultConfig("bench", "1.0.0")
	config.CreateHooks = nil
	api := humago.New(mux, config)
	huma.Register(api, huma.Operation{
		OperationID: "get-greeting", Method: http.MethodGet, Path: "/greetings/{lang}",
	}, func(_ context.Context, in *humaGreetingIn) (*humaOut[Greeting], error) {
		text, ok := greetings[in.Lang]
		if !ok {
			return nil, huma.Error404NotFound("Greeting not found")
		}
		return &humaOut[Greeting]{Body: Greeting{Lang: in.Lang, Text: text}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "create-item", Method: http.MethodPost, Path: "/items/{id}",
		DefaultStatus: http.StatusCreated,
	}, func(_ context.Context, in *humaCreateItemIn) (*humaOut[Item], error) {
		b := ItemBody(in.Body)
		return &humaOut[Item]{Body: newItem(in.ID, in.Limit, &b)}, nil
	})
	return mux
}
