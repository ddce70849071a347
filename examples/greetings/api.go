package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/security"
)

//go:embed greetings.json
var greetingsJSON []byte

// Greeting is one greeting in one language.
type Greeting struct {
	Lang string `json:"lang" doc:"Language code" example:"es"`
	Text string `json:"text" doc:"The greeting" example:"Hola"`
}

// GetGreeting is the input of GET /greetings/{lang}.
type GetGreeting struct {
	Lang string `path:"lang" doc:"Language code, such as en or zh" example:"en"`
}

// Config configures the API.
type Config struct {
	// APIKey, when not empty, is the key the greetings require in
	// "Authorization: Key <key>". Default: no key, the API is open.
	APIKey string
	// DocsAssets, when not nil, serves the docs pages' scripts from a
	// node_modules directory holding swagger-ui-dist and redoc (flag
	// -docs-assets), for a machine without network access. Default: nil,
	// the CDN.
	DocsAssets fs.FS
}

// New returns the greetings API: its routes, OpenAPI document, Swagger UI
// and ReDoc.
func New(cfg Config) (http.Handler, error) {
	db := map[string]string{}
	if err := json.Unmarshal(greetingsJSON, &db); err != nil {
		return nil, fmt.Errorf("greetings.json: %w", err)
	}
	all := make([]Greeting, 0, len(db))
	for lang, text := range db {
		all = append(all, Greeting{Lang: lang, Text: text})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Lang < all[j].Lang })

	list := bind.Handler(func(context.Context, *struct{}) ([]Greeting, error) {
		return all, nil
	})
	one := bind.Handler(func(_ context.Context, in *GetGreeting) (Greeting, error) {
		text, ok := db[in.Lang]
		if !ok {
			return Greeting{}, stdapi.NewError(http.StatusNotFound, "No greeting for language "+in.Lang)
		}
		return Greeting{Lang: in.Lang, Text: text}, nil
	})
	if cfg.APIKey != "" {
		var keys security.KeyHashes
		if err := keys.Add(security.HashKey(cfg.APIKey), "api-key"); err != nil {
			return nil, err
		}
		auth := security.Require(&security.APIKey{AuthScheme: "Key", Verify: keys.Verify, Name: "ConnectAPIKey"})
		list, one = auth(list), auth(one)
	}

	mux := http.NewServeMux()
	api := docs.New(docs.Info{
		Title:       "Greetings",
		Version:     "1.0.0",
		Description: "A read-only API of greetings by language: the Posit Connect FastAPI example, in Go.",
	})
	api.Handle(mux, "GET /greetings", list,
		docs.Summary("List greetings"), docs.Tags("greetings"),
		docs.Description("Every greeting, sorted by language code."))
	api.Handle(mux, "GET /greetings/{lang}", one,
		docs.Summary("Get one greeting"), docs.Tags("greetings"),
		docs.Response(http.StatusNotFound, nil, "No greeting for this language"))
	opts := []docs.MountOption{docs.RedirectRoot()}
	if cfg.DocsAssets != nil {
		opts = append(opts, docs.AssetsFS(cfg.DocsAssets))
	}
	api.Mount(mux, opts...)
	return stdapi.RouteErrors(mux), nil
}
