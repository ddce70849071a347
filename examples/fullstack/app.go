package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/rs/cors"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/security"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/templates"
	"github.com/stdapi/stdapi/ws"
)

//go:embed templates
var files embed.FS

// Settings configure the app.
type Settings struct {
	SecretKey string        // HS256 key for the access tokens, at least 32 bytes
	TokenTTL  time.Duration // default 30 minutes
	XToken    string        // the secret of the X-Token header of /items
	Origins   []string      // CORS origins; default none
	Assets    fs.FS         // Swagger UI and ReDoc, served locally when not nil
}

// User is what clients see of a user.
type User struct {
	Username string `json:"username" validate:"required,min=3,max=32" example:"alice"`
	Email    string `json:"email" validate:"required,email" example:"alice@example.com"`
	FullName string `json:"full_name,omitempty" example:"Alice Liddell"`
	Disabled bool   `json:"disabled"`
}

// SignUp is the body of POST /users.
type SignUp struct {
	User
	Password string `json:"password" validate:"required,min=8"`
}

// ItemIn is what clients send to create or replace an item.
type ItemIn struct {
	Title       string  `json:"title" validate:"required,min=1,max=100" example:"Plumbus"`
	Description string  `json:"description,omitempty" validate:"max=300"`
	Price       float64 `json:"price" validate:"required,gt=0" example:"9.99"`
}

// Item is a stored item.
type Item struct {
	ID int64 `json:"id" example:"1"`
	ItemIn
	Owner string `json:"owner" example:"alice"`
}

// Claims are the claims of the access tokens.
type Claims struct{ security.Claims }

// UnicornError is the custom error of GET /unicorns/{name}.
type UnicornError struct{ Name string }

func (e *UnicornError) Error() string { return e.Name + " did something" }

// UnicornMessage is the body of the 418 that an UnicornError answers.
type UnicornMessage struct {
	Message string `json:"message" example:"Oops! yolo did something."`
}

// The inputs of the routes: their parameters, body and dependencies.
type (
	signUpIn struct {
		DB   *Session `dep:""`
		Body SignUp
	}
	meIn struct {
		User *User `dep:""`
	}
	listIn struct {
		DB    *Session `dep:""`
		Skip  int      `query:"skip" default:"0" validate:"min=0"`
		Limit int      `query:"limit" default:"10" validate:"min=1,max=100"`
	}
	createIn struct {
		DB   *Session `dep:""`
		User *User    `dep:""`
		Body ItemIn
	}
	itemIn struct {
		DB *Session `dep:""`
		ID int64    `path:"id" validate:"min=1"`
	}
	replaceIn struct {
		DB   *Session `dep:""`
		ID   int64    `path:"id" validate:"min=1"`
		Body ItemIn
	}
	uploadIn struct {
		File        *bind.File `file:"file" validate:"required"`
		Description string     `form:"description" validate:"max=200"`
	}
	notifyIn struct {
		Topic string `query:"topic" default:"items" validate:"oneof=items users"`
	}
)

// Upload is the answer to POST /files.
type Upload struct {
	Filename    string `json:"filename"`
	Size        int64  `json:"size"`
	Description string `json:"description"`
}

// app holds what the routes share.
type app struct {
	store  *Store
	hub    *ws.Hub
	issuer *security.Issuer
	hasher security.Hasher
	Outbox *Outbox // the welcome mails "sent"
}

// New returns the app's handler.
func New(cfg Settings) (http.Handler, error) {
	_, h, err := build(cfg)
	return h, err
}

func build(cfg Settings) (*app, http.Handler, error) {
	a, oauth2, err := newApp(cfg)
	if err != nil {
		return nil, nil, err
	}
	claims := security.Current[*Claims](oauth2)
	db := deps.NewWithCleanup(func(r *http.Request) (*Session, func(error), error) {
		s := a.store.Begin()
		return s, s.Close, nil
	})
	user := deps.New(func(r *http.Request) (*User, error) {
		c, err := claims.Get(r)
		if err != nil {
			return nil, err
		}
		s, err := db.Get(r)
		if err != nil {
			return nil, err
		}
		u, ok := s.User(c.Subject)
		if !ok || u.Disabled {
			return nil, stdapi.NewError(http.StatusBadRequest, "Inactive user")
		}
		return &u, nil
	})
	token := deps.Bind(func(_ context.Context, in *struct {
		XToken string `header:"X-Token" validate:"required"`
	}) (bool, error) {
		if !security.Equal(in.XToken, cfg.XToken) {
			return false, stdapi.NewError(http.StatusBadRequest, "X-Token header invalid")
		}
		return true, nil
	})

	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "Full stack", Version: "1.0.0", Description: "FastAPI's full example, on stdapi."},
		docs.Tag("users", "Sign up, log in, who am I"), docs.Tag("items", "Items CRUD"))
	root := api.Group(mux, "", docs.Deps(db, user), docs.Use(stdapi.OnError(unicorn)))
	a.userRoutes(root, oauth2)
	a.itemRoutes(root.Group("/items", docs.Tags("items"),
		docs.Use(security.Require(oauth2, "items")), docs.Requires(token),
		docs.Response(http.StatusNotFound, nil, "Item not found"), docs.Response(http.StatusBadRequest, nil, "X-Token header invalid")))
	a.otherRoutes(root, oauth2)
	api.Mount(mux, docs.AssetsFS(cfg.Assets)) // the CDN when nil
	return a, cors.New(cors.Options{AllowedOrigins: cfg.Origins, AllowCredentials: true,
		AllowedHeaders: []string{"Authorization", "Content-Type", "X-Token"}}).Handler(stdapi.RouteErrors(mux)), nil
}

func newApp(cfg Settings) (*app, *security.OAuth2Password, error) {
	key, err := security.NewKey("fullstack", "HS256", []byte(cfg.SecretKey))
	if err != nil {
		return nil, nil, err
	}
	keys, err := security.NewKeySet(key)
	if err != nil {
		return nil, nil, err
	}
	verifier, err := security.NewVerifier[Claims](keys, security.VerifierOptions{})
	if err != nil {
		return nil, nil, err
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 30 * time.Minute
	}
	a := &app{store: NewStore(), hub: &ws.Hub{}, issuer: &security.Issuer{Keys: keys, TTL: cfg.TokenTTL}, Outbox: &Outbox{}}
	return a, &security.OAuth2Password{
		Scopes: map[string]string{"me": "Read your profile", "items": "Read and write items"},
		Verify: verifier.Verify, WebSocket: security.WebSocketAuth{Query: "token"},
	}, nil
}

func (a *app) userRoutes(g *docs.Group, oauth2 *security.OAuth2Password) {
	g.Handle("POST /token", &security.TokenEndpoint{Issue: a.login}, docs.Tags("users"))
	g.Handle("POST /users", bind.Handler(func(ctx context.Context, in *signUpIn) (User, error) {
		hash, err := a.hasher.Hash(ctx, in.Body.Password)
		if err != nil {
			return User{}, err
		}
		if !in.DB.AddUser(in.Body.User, hash) {
			return User{}, stdapi.NewError(http.StatusConflict, "Username already registered")
		}
		u := in.Body.User
		return u, tasks.Add(ctx, func(ctx context.Context) error {
			a.Outbox.Send(u.Email, "Welcome, "+u.Username+"!")
			return a.notify(ctx, "users", u)
		})
	}, bind.Status(http.StatusCreated)), docs.Summary("Sign up"), docs.Tags("users"),
		docs.Response(http.StatusConflict, nil, "Username already registered"))
	g.Handle("GET /users/me", bind.Handler(func(_ context.Context, in *meIn) (*User, error) {
		return in.User, nil
	}), docs.Summary("The current user"), docs.Tags("users"), docs.Use(security.Require(oauth2, "me")))
}

// login issues a token to a user with the right password, with the scopes
// asked for among those a user may have.
func (a *app) login(ctx context.Context, f *security.PasswordForm) (*security.Token, error) {
	hash, ok := a.store.Hash(f.Username)
	if !ok {
		hash = a.store.dummy // as slow as a real check: no user enumeration by timing
	}
	if good, err := a.hasher.Verify(ctx, f.Password, hash); err != nil || !good || !ok {
		return nil, security.ErrInvalidCredentials
	}
	c := Claims{Claims: security.Claims{RegisteredClaims: a.issuer.Registered(f.Username), Scope: strings.Join(f.Scopes, " ")}}
	tok, err := a.issuer.Sign(c)
	if err != nil {
		return nil, err
	}
	return &security.Token{AccessToken: tok, ExpiresIn: int(a.issuer.TTL.Seconds())}, nil
}

func (a *app) itemRoutes(g *docs.Group) {
	g.Handle("GET /", bind.Handler(func(_ context.Context, in *listIn) ([]Item, error) {
		return in.DB.Items(in.Skip, in.Limit), nil
	}), docs.Summary("List items"))
	g.Handle("POST /", bind.Handler(func(ctx context.Context, in *createIn) (Item, error) {
		it := in.DB.AddItem(in.Body, in.User.Username)
		return it, tasks.Add(ctx, func(ctx context.Context) error {
			return a.notify(ctx, "items", it)
		})
	}, bind.Status(http.StatusCreated)), docs.Summary("Create an item"))
	g.Handle("GET /{id}", bind.Handler(func(_ context.Context, in *itemIn) (Item, error) {
		it, ok := in.DB.Item(in.ID)
		return it, found(ok, in.ID)
	}), docs.Summary("Get an item"))
	g.Handle("PUT /{id}", bind.Handler(func(_ context.Context, in *replaceIn) (Item, error) {
		it, ok := in.DB.ReplaceItem(in.ID, in.Body)
		return it, found(ok, in.ID)
	}), docs.Summary("Replace an item"))
	g.Handle("DELETE /{id}", bind.Handler(func(_ context.Context, in *itemIn) (struct{}, error) {
		return struct{}{}, found(in.DB.DeleteItem(in.ID), in.ID)
	}, bind.Status(http.StatusNoContent)), docs.Summary("Delete an item"))
}

func (a *app) otherRoutes(g *docs.Group, oauth2 *security.OAuth2Password) {
	g.Handle("POST /files", bind.Handler(func(_ context.Context, in *uploadIn) (Upload, error) {
		return Upload{Filename: in.File.Filename, Size: in.File.Size, Description: in.Description}, nil
	}), docs.Summary("Upload a file"), docs.Tags("files"))
	g.Handle("GET /unicorns/{name}", bind.Handler(func(_ context.Context, in *struct {
		Name string `path:"name" validate:"min=1,max=20"`
	}) (map[string]string, error) {
		if in.Name == "yolo" {
			return nil, &UnicornError{Name: in.Name}
		}
		return map[string]string{"unicorn_name": in.Name}, nil
	}), docs.Summary("Read a unicorn"), docs.Tags("unicorns"), docs.Response(http.StatusTeapot, UnicornMessage{}, "The unicorn did something"))
	g.Handle("GET /ws", ws.Endpoint(func(ctx context.Context, in *notifyIn, c *ws.Conn) error {
		if err := a.hub.Join(in.Topic, c); err != nil {
			return err
		}
		defer a.hub.Leave(in.Topic, c)
		_, _, err := c.Read() // until the client leaves
		return err
	}), docs.Summary("Notifications"), docs.Tags("notifications"), docs.Use(security.Require(oauth2, "me")))
	pages := templates.Must(templates.New(files, templates.Options{}))
	g.Handle("GET /{$}", pages.Page("templates/index.html", nil), docs.Summary("The home page"), docs.Tags("pages"),
		docs.ResponseMedia(http.StatusOK, "text/html", "The home page"))
}

// unicorn answers an UnicornError: FastAPI's custom exception handler.
func unicorn(w http.ResponseWriter, _ *http.Request, e *UnicornError) {
	_ = bind.JSON(w, http.StatusTeapot, UnicornMessage{Message: "Oops! " + e.Error() + "."})
}

func found(ok bool, id int64) error {
	if !ok {
		return stdapi.NewError(http.StatusNotFound, fmt.Sprintf("Item %d not found", id))
	}
	return nil
}

// notify sends v to the WebSocket clients of room.
func (a *app) notify(ctx context.Context, room string, v any) error {
	m, err := ws.NewJSON(v)
	if err != nil {
		return err
	}
	return a.hub.Broadcast(ctx, room, m)
}
