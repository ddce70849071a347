package bench

import (
	"context"
	"net/http"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/security"
)

// greetingIn is the input of GET /greetings/{lang}.
type greetingIn struct {
	Lang string `path:"lang"`
}

// createItemIn is the input of POST /items/{id}: a path parameter, a query
// parameter with a default, a required header and the JSON body.
type createItemIn struct {
	ID    int    `path:"id" validate:"min=1"`
	Limit int    `query:"limit" default:"10" validate:"min=1,max=100"`
	Token string `header:"X-Token" validate:"required"`
	Body  ItemBody
}

// Stdapi returns the endpoints written with stdapi: bind.Handler for the
// typed handlers, security.Require with a Bearer scheme and a Verifier for
// the JWT.
func Stdapi() http.Handler {
	key, err := security.NewKey(KeyID, "HS256", Secret)
	if err != nil {
		panic(err)
	}
	keys, err := security.NewKeySet(key)
	if err != nil {
		panic(err)
	}
	verifier, err := security.NewVerifier[security.Claims](keys, security.VerifierOptions{})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /greetings/{lang}", bind.Handler(func(_ context.Context, in *greetingIn) (Greeting, error) {
		text, ok := greetings[in.Lang]
		if !ok {
			return Greeting{}, stdapi.NewError(http.StatusNotFound, "Greeting not found")
		}
		return Greeting{Lang: in.Lang, Text: text}, nil
	}))
	createItem := bind.Handler(func(_ context.Context, in *createItemIn) (Item, error) {
		return newItem(in.ID, in.Limit, &in.Body), nil
	}, bind.Status(http.StatusCreated))
	mux.Handle("POST /items/{id}", createItem)
	me := bind.Handler(func(ctx context.Context, _ *struct{}) (User, error) {
		c := security.MustUser[*security.Claims](ctx)
		return User{Subject: c.Subject, Scope: c.Scope}, nil
	})
	require := security.Require(&security.Bearer{Verify: verifier.Verify}, Scope)
	mux.Handle("GET /users/me", require(me))
	mux.Handle("POST /users/me/items/{id}", require(createItem))
	return mux
}
