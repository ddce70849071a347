// Package zoo is a realistic API used to test the docs package and its
// pages: every parameter source, every validate rule, nested, generic and
// recursive types, files, enums, security and dependency parameters.
package zoo

import (
	"context"
	"net/http"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/docs/internal/zoo/other"
)

// Item is what the API stores.
type Item struct {
	ID        int64             `json:"id"`
	Name      string            `json:"name" doc:"The item's name." example:"Hammer"`
	Price     float64           `json:"price"`
	Tags      []string          `json:"tags,omitempty"`
	Owner     *User             `json:"owner,omitempty"`
	Attrs     map[string]string `json:"attrs"`
	CreatedAt time.Time         `json:"created_at"`
}

// User is the zoo's user.
type User struct {
	Name  string `json:"name" validate:"required,min=1,max=40"`
	Email string `json:"email" validate:"required,email"`
}

// CreateItem is the body of POST /items.
type CreateItem struct {
	Name     string            `json:"name" validate:"required,min=3,max=50" example:"Hammer"`
	Price    float64           `json:"price" validate:"required,gt=0,lte=10000"`
	Quantity int8              `json:"quantity" validate:"gte=0"`
	Stock    uint16            `json:"stock"`
	Kind     string            `json:"kind" validate:"required,oneof=tool toy 'spare part'"`
	Level    int               `json:"level" validate:"omitempty,oneof=1 2 3"`
	SKU      string            `json:"sku" validate:"omitempty,uuid4"`
	Code     string            `json:"code" validate:"len=4,alphanum"`
	Website  string            `json:"website,omitempty" validate:"omitempty,url"`
	Tags     []string          `json:"tags" validate:"max=5,unique,dive,min=2,lowercase"`
	Scores   map[string]int    `json:"scores" validate:"max=3,dive,keys,alpha,endkeys,gte=0,lte=100"`
	Ratio    *float32          `json:"ratio" validate:"omitempty,gte=0,lt=1"`
	Note     *string           `json:"note" validate:"required,max=200"`
	Owner    *other.User       `json:"owner"`
	Contact  User              `json:"contact"`
	TTL      time.Duration     `json:"ttl" validate:"gte=1s"`
	Due      *time.Time        `json:"due"`
	Pattern  string            `json:"pattern" validate:"omitempty,pattern=^[a-z]{2,5}$,startswith=ab"`
	Parent   *Node             `json:"parent"`
	Extra    map[int]bool      `json:"extra"`
	Notes    []*string         `json:"notes"`
	Labels   Page[other.User]  `json:"labels"`
	Meta     map[string]any    `json:"meta"`
	Raw      []byte            `json:"raw"`
	Counters [2]int            `json:"counters"`
	Host     string            `json:"host" validate:"omitempty,hostname"`
	IP       string            `json:"ip" validate:"omitempty,ip"`
	Phone    string            `json:"phone" validate:"omitempty,e164"`
	Ne       int               `json:"ne" validate:"ne=13"`
	Excl     string            `json:"excl" validate:"excludes=@"`
	Contains string            `json:"contains" validate:"omitempty,contains=x,endswith=z"`
	Flags    map[string][]int8 `json:"flags" validate:"dive,max=2,dive,gte=-5"`
}

// ForbidUnknownFields rejects unknown keys in the body.
func (CreateItem) ForbidUnknownFields() {}

// Node is a recursive tree.
type Node struct {
	Name     string  `json:"name" validate:"required"`
	Children []*Node `json:"children,omitempty"`
}

// Page is a generic page of results.
type Page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total" validate:"gte=0"`
}

// GetItem reads every parameter source.
type GetItem struct {
	ID        int64         `path:"id" validate:"gte=1" doc:"The item's ID."`
	Q         string        `query:"q" validate:"max=50" example:"ham"`
	Limit     int           `query:"limit" default:"10" validate:"gte=1,lte=100"`
	Tags      []string      `query:"tag" validate:"max=3,dive,alpha"`
	Fields    []string      `query:"fields" explode:"false"`
	Sort      string        `query:"sort" validate:"omitempty,oneof=name price"`
	Since     *time.Time    `query:"since"`
	Timeout   time.Duration `query:"timeout" default:"5s"`
	Verbose   bool          `query:"verbose"`
	RequestID string        `header:"X-Request-ID" validate:"omitempty,uuid4"`
	Session   string        `cookie:"session"`
}

// UpdateItem is an optional body.
type UpdateItem struct {
	ID   int64       `path:"id" validate:"gte=1"`
	Body *CreateItem `json:"body"`
}

// Upload is a multipart form with files.
type Upload struct {
	Body struct {
		Title string        `form:"title" validate:"required,max=100"`
		File  *bind.File    `file:"file" validate:"required"`
		Extra []*bind.File  `file:"extra" validate:"max=3"`
		Tags  []string      `form:"tag"`
		Delay time.Duration `form:"delay"`
	}
}

// Login is an urlencoded form.
type Login struct {
	Username string `form:"username" validate:"required"`
	Password string `form:"password" validate:"required,min=8"`
	Remember bool   `form:"remember"`
}

// Token is the answer to Login.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
}

// ListPages reads a query for a generic page.
type ListPages struct {
	Page int `query:"page" validate:"gte=1" default:"1"`
}

// Greeting is a tiny output.
type Greeting struct {
	Message string `json:"message"`
}

// Secured is a fake of security.Require: it checks a bearer token and
// describes itself to docs.
type Secured struct {
	Next   http.Handler
	Scopes []string
}

// OpenAPISecurity describes the scheme.
func (s Secured) OpenAPISecurity() (string, map[string]any, []string) {
	return "OAuth2", map[string]any{
		"type": "oauth2",
		"flows": map[string]any{"password": map[string]any{
			"tokenUrl": "login",
			"scopes":   map[string]any{"items:write": "Change items", "me": "Read your profile"},
		}},
	}, s.Scopes
}

// Unwrap returns the wrapped handler.
func (s Secured) Unwrap() http.Handler { return s.Next }

func (s Secured) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer secret" {
		stdapi.WriteError(w, r, &stdapi.Error{Status: http.StatusUnauthorized, Detail: "Not authenticated",
			Header: http.Header{"Www-Authenticate": {"Bearer"}}})
		return
	}
	s.Next.ServeHTTP(w, r)
}

// WithTenant is a fake of a deps route-level dependency reading a header.
type WithTenant struct{ Next http.Handler }

// OpenAPIParameters describes the header.
func (d WithTenant) OpenAPIParameters() []map[string]any {
	return []map[string]any{{"name": "X-Tenant", "in": "header", "required": true, "schema": map[string]any{"type": "string"}}}
}

// Unwrap returns the wrapped handler.
func (d WithTenant) Unwrap() http.Handler { return d.Next }

func (d WithTenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Tenant") == "" {
		stdapi.WriteError(w, r, stdapi.ValidationError(stdapi.FieldError{Type: "missing", Loc: []any{"header", "x-tenant"}, Msg: "Field required"}))
		return
	}
	d.Next.ServeHTTP(w, r)
}

// New registers the zoo's operations on mux and returns its API.
func New(mux *http.ServeMux) *docs.API {
	api := docs.New(docs.Info{
		Title: "Zoo", Version: "1.0.0", Description: "Every feature of stdapi's docs.",
		License: &docs.License{Name: "MIT", Identifier: "MIT"},
	}, docs.Tag("items", "Operations on items"), docs.Tag("auth", "Log in"))

	api.Handle(mux, "GET /hello", bind.Handler(func(ctx context.Context, in *struct{}) (Greeting, error) {
		return Greeting{Message: "Hello, world"}, nil
	}), docs.Summary("Say hello"), docs.Tags("greetings"))

	api.Handle(mux, "GET /items/{id}", bind.Handler(func(ctx context.Context, in *GetItem) (*Item, error) {
		return &Item{ID: in.ID, Name: "Hammer", Price: 9.5, Attrs: map[string]string{}, CreatedAt: time.Unix(0, 0).UTC()}, nil
	}), docs.Summary("Read an item"), docs.Tags("items"), docs.Response(http.StatusNotFound, nil, "Item not found"))

	api.Handle(mux, "POST /items", Secured{Scopes: []string{"items:write"}, Next: bind.Handler(func(ctx context.Context, in *struct{ Body CreateItem }) (Item, error) {
		return Item{Name: in.Body.Name, Price: in.Body.Price}, nil
	}, bind.Status(http.StatusCreated))}, docs.Summary("Create an item"), docs.Tags("items"),
		docs.Example("hammer", map[string]any{"name": "Hammer", "price": 9.5, "kind": "tool", "note": "x"}))

	api.Handle(mux, "PUT /items/{id}", WithTenant{Next: bind.Handler(func(ctx context.Context, in *UpdateItem) (bind.Response[Item], error) {
		return bind.Response[Item]{Body: Item{ID: in.ID}}, nil
	})}, docs.Tags("items"), docs.Deprecated(), docs.Response(http.StatusConflict, Greeting{}, "Conflict"))

	api.Handle(mux, "DELETE /items/{id}", bind.Handler(func(ctx context.Context, in *struct {
		ID int64 `path:"id"`
	}) (struct{}, error) {
		return struct{}{}, nil
	}, bind.Status(http.StatusNoContent)), docs.Tags("items"), docs.OperationID("deleteItem"))

	api.Handle(mux, "POST /upload", bind.Handler(func(ctx context.Context, in *Upload) (Greeting, error) {
		return Greeting{Message: in.Body.Title}, nil
	}), docs.Summary("Upload files"))

	api.Handle(mux, "POST /login", bind.Handler(func(ctx context.Context, in *Login) (Token, error) {
		return Token{AccessToken: "secret", TokenType: "bearer"}, nil
	}), docs.Tags("auth"))

	api.Handle(mux, "GET /pages", bind.Handler(func(ctx context.Context, in *ListPages) (Page[User], error) {
		return Page[User]{Items: []User{}}, nil
	}))

	api.Handle(mux, "GET /users", bind.Handler(func(ctx context.Context, in *struct{}) (Page[other.User], error) {
		return Page[other.User]{Items: []other.User{}}, nil
	}))

	api.Handle(mux, "GET /tree", bind.Handler(func(ctx context.Context, in *struct{}) (Node, error) {
		return Node{Name: "root"}, nil
	}))

	api.Handle(mux, "GET /users/me", Secured{Scopes: []string{"me"}, Next: bind.Handler(func(ctx context.Context, in *struct{}) (User, error) {
		return User{Name: "me", Email: "me@example.com"}, nil
	})})

	api.HandleFunc(mux, "GET /files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		bind.JSON(w, http.StatusOK, Greeting{Message: r.PathValue("path")})
	}, docs.ResponseType(Greeting{}), docs.Summary("A plain handler"))

	api.HandleFunc(mux, "GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}, docs.Response(http.StatusNoContent, nil, "Healthy"))

	api.HandleFunc(mux, "/internal", func(w http.ResponseWriter, r *http.Request) {}, docs.Hidden())
	return api
}
