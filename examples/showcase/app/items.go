package app

import (
	"context"
	"net/http"
	"strconv"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/security"
)

// ItemIn is what a client sends to create or replace an item.
type ItemIn struct {
	Name        string   `json:"name" validate:"required,min=1,max=50" example:"Hammer"`
	Description string   `json:"description,omitempty" validate:"max=300" example:"A good one"`
	Price       float64  `json:"price" validate:"required,gt=0" example:"9.99"`
	Tags        []string `json:"tags,omitempty" validate:"max=5,dive,min=1,max=20" example:"[\"tools\"]"`
}

// Item is a stored item.
type Item struct {
	ID int64 `json:"id" example:"1"`
	ItemIn
	Owner string `json:"owner" example:"alice"`
}

// ListItems is the input of GET /items: paging, and the request's
// database session (a dependency).
type ListItems struct {
	DB    *Session `dep:""`
	Skip  int      `query:"skip" default:"0" validate:"min=0" doc:"Items to skip"`
	Limit int      `query:"limit" default:"10" validate:"min=1,max=100" doc:"Items to return"`
}

// ItemID is the input of the routes of one item.
type ItemID struct {
	DB *Session `dep:""`
	ID int64    `path:"id" validate:"min=1" doc:"The item's id"`
}

// CreateItem is the input of POST /items.
type CreateItem struct {
	DB   *Session    `dep:""`
	User *UserClaims `dep:""`
	Body ItemIn
}

// ReplaceItem is the input of PUT /items/{id}.
type ReplaceItem struct {
	DB   *Session `dep:""`
	ID   int64    `path:"id" validate:"min=1" doc:"The item's id"`
	Body ItemIn
}

func itemNotFound(id int64) *stdapi.Error {
	return stdapi.NewError(http.StatusNotFound, "Item "+strconv.FormatInt(id, 10)+" not found")
}

func (a *App) itemRoutes(api *docs.API, mux *http.ServeMux, auth *auth) {
	items := api.Group(mux, "/items", docs.Tags("items"),
		docs.Deps(a.db.Sessions(), security.Current[*UserClaims](auth.oauth2)))
	read := docs.Use(security.Require(auth.oauth2, "items:read"))
	write := docs.Use(security.Require(auth.oauth2, "items:write"))
	notFound := docs.Response(http.StatusNotFound, nil, "No such item")

	items.Handle("GET /", bind.Handler(func(ctx context.Context, in *ListItems) ([]Item, error) {
		return in.DB.List(ctx, in.Skip, in.Limit)
	}), docs.Summary("List items"), read)

	items.Handle("POST /", bind.Handler(func(ctx context.Context, in *CreateItem) (bind.Response[Item], error) {
		it, err := in.DB.Create(ctx, in.Body, in.User.Subject)
		if err == nil {
			a.changes.add("created", it)
		}
		return bind.Response[Item]{
			Header: http.Header{"Location": {"/items/" + strconv.FormatInt(it.ID, 10)}},
			Body:   it,
		}, err
	}, bind.Status(http.StatusCreated)), docs.Summary("Create an item"), write,
		docs.ResponseHeader(http.StatusCreated, "Location", "", "The URL of the new item"))

	items.Handle("GET /{id}", bind.Handler(func(ctx context.Context, in *ItemID) (Item, error) {
		it, ok, err := in.DB.Get(ctx, in.ID)
		if err == nil && !ok {
			err = itemNotFound(in.ID)
		}
		return it, err
	}), docs.Summary("Get an item"), read, notFound)

	items.Handle("PUT /{id}", bind.Handler(func(ctx context.Context, in *ReplaceItem) (Item, error) {
		it, ok, err := in.DB.Update(ctx, in.ID, in.Body)
		if err == nil && !ok {
			err = itemNotFound(in.ID)
		}
		if err == nil {
			a.changes.add("updated", it)
		}
		return it, err
	}), docs.Summary("Replace an item"), write, notFound)

	items.Handle("DELETE /{id}", bind.Handler(func(ctx context.Context, in *ItemID) (struct{}, error) {
		ok, err := in.DB.Delete(ctx, in.ID)
		if err == nil && !ok {
			err = itemNotFound(in.ID)
		}
		if err == nil {
			a.changes.add("deleted", ItemRef{ID: in.ID})
		}
		return struct{}{}, err
	}, bind.Status(http.StatusNoContent)), docs.Summary("Delete an item"), write, notFound)
}
