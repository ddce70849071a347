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

// ListItems is the input of GET /items.
type ListItems struct {
	Skip  int `query:"skip" default:"0" validate:"min=0" doc:"Items to skip"`
	Limit int `query:"limit" default:"10" validate:"min=1,max=100" doc:"Items to return"`
}

// ItemID is the input of the routes of one item.
type ItemID struct {
	ID int64 `path:"id" validate:"min=1" doc:"The item's id"`
}

// CreateItem is the input of POST /items.
type CreateItem struct {
	Body ItemIn
}

// ReplaceItem is the input of PUT /items/{id}.
type ReplaceItem struct {
	ID   int64 `path:"id" validate:"min=1" doc:"The item's id"`
	Body ItemIn
}

func itemNotFound(id int64) *stdapi.Error {
	return stdapi.NewError(http.StatusNotFound, "Item "+strconv.FormatInt(id, 10)+" not found")
}

func (a *App) itemRoutes(api *docs.API, mux *http.ServeMux, auth *auth) {
	sessions := a.db.Sessions()
	read := security.Require(auth.oauth2, "items:read")
	write := security.Require(auth.oauth2, "items:write")
	notFound := docs.Response(http.StatusNotFound, nil, "No such item")

	api.Handle(mux, "GET /items", read(bind.Handler(func(ctx context.Context, in *ListItems) ([]Item, error) {
		s, err := sessions.From(ctx)
		if err != nil {
			return nil, err
		}
		return s.List(ctx, in.Skip, in.Limit)
	})), docs.Summary("List items"), docs.Tags("items"))

	api.Handle(mux, "POST /items", write(bind.Handler(func(ctx context.Context, in *CreateItem) (bind.Response[Item], error) {
		s, err := sessions.From(ctx)
		if err != nil {
			return bind.Response[Item]{}, err
		}
		it, err := s.Create(ctx, in.Body, security.MustUser[*UserClaims](ctx).Subject)
		if err == nil {
			a.changes.add("created", it)
		}
		return bind.Response[Item]{
			Header: http.Header{"Location": {"/items/" + strconv.FormatInt(it.ID, 10)}},
			Body:   it,
		}, err
	}, bind.Status(http.StatusCreated))), docs.Summary("Create an item"), docs.Tags("items"),
		docs.ResponseHeader(http.StatusCreated, "Location", "", "The URL of the new item"))

	api.Handle(mux, "GET /items/{id}", read(bind.Handler(func(ctx context.Context, in *ItemID) (Item, error) {
		s, err := sessions.From(ctx)
		if err != nil {
			return Item{}, err
		}
		it, ok, err := s.Get(ctx, in.ID)
		if err == nil && !ok {
			err = itemNotFound(in.ID)
		}
		return it, err
	})), docs.Summary("Get an item"), docs.Tags("items"), notFound)

	api.Handle(mux, "PUT /items/{id}", write(bind.Handler(func(ctx context.Context, in *ReplaceItem) (Item, error) {
		s, err := sessions.From(ctx)
		if err != nil {
			return Item{}, err
		}
		it, ok, err := s.Update(ctx, in.ID, in.Body)
		if err == nil && !ok {
			err = itemNotFound(in.ID)
		}
		if err == nil {
			a.changes.add("updated", it)
		}
		return it, err
	})), docs.Summary("Replace an item"), docs.Tags("items"), notFound)

	api.Handle(mux, "DELETE /items/{id}", write(bind.Handler(func(ctx context.Context, in *ItemID) (struct{}, error) {
		s, err := sessions.From(ctx)
		if err != nil {
			return struct{}{}, err
		}
		ok, err := s.Delete(ctx, in.ID)
		if err == nil && !ok {
			err = itemNotFound(in.ID)
		}
		if err == nil {
			a.changes.add("deleted", ItemRef{ID: in.ID})
		}
		return struct{}{}, err
	}, bind.Status(http.StatusNoContent))), docs.Summary("Delete an item"), docs.Tags("items"), notFound)
}
