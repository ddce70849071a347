package main

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/netip"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/security"
)

// Message is the answer of GET /hello.
type Message struct {
	Message string `json:"message" example:"So nice to see you, ada!"`
}

// Config configures the application.
type Config struct {
	// TrustedProxies lists the networks whose requests may carry the
	// RStudio-Connect-Credentials header; from any other peer the header
	// is ignored. Empty means nobody is trusted.
	TrustedProxies []netip.Prefix
	// DocsAssets, when not nil, serves the docs pages' scripts from a
	// node_modules directory holding swagger-ui-dist and redoc (flag
	// -docs-assets), for a machine without network access. Default: nil,
	// the CDN.
	DocsAssets fs.FS
}

// CurrentUser returns the provider of the viewer: FastAPI's
// get_current_user dependency. It gives nil for an anonymous viewer (no
// header, or a header from an untrusted peer), and answers 400 for a
// header that is not Connect's JSON.
func CurrentUser(cfg Config) *deps.Provider[*security.Identity] {
	connect := &security.PositConnect{ProxyTrust: security.ProxyTrust{TrustedProxies: cfg.TrustedProxies}}
	return deps.New(func(r *http.Request) (*security.Identity, error) {
		p, err := security.Authorize(r, connect)
		if errors.Is(err, security.ErrNoCredentials) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return p.(*security.Identity), nil
	},
		deps.Name("CurrentUser"),
		deps.Parameter("header", security.PositConnectHeader,
			`The viewer, set by Posit Connect: {"user":"NAME","groups":["GROUP",...]}.`, false))
}

// New returns the application: GET /hello, its OpenAPI document, /docs and
// /redoc.
func New(cfg Config) http.Handler {
	user := CurrentUser(cfg)
	hello := bind.Handler(func(ctx context.Context, _ *struct{}) (Message, error) {
		u, err := user.From(ctx)
		if err != nil {
			return Message{}, err
		}
		if u == nil {
			return Message{Message: "Howdy stranger!"}, nil
		}
		return Message{Message: "So nice to see you, " + u.User + "!"}, nil
	})

	mux := http.NewServeMux()
	api := docs.New(docs.Info{
		Title:       "User meta-data",
		Version:     "1.0.0",
		Description: "Greets the viewer that Posit Connect names in the RStudio-Connect-Credentials header.",
	}, docs.Tag("greetings", "Who is looking"))
	api.Handle(mux, "GET /hello", deps.Requires(user)(hello),
		docs.Summary("Greet the viewer"), docs.Tags("greetings"),
		docs.Response(http.StatusBadRequest, nil, "Malformed RStudio-Connect-Credentials header"))
	opts := []docs.MountOption{docs.RedirectRoot()}
	if cfg.DocsAssets != nil {
		opts = append(opts, docs.AssetsFS(cfg.DocsAssets))
	}
	api.Mount(mux, opts...)
	return deps.Scope(stdapi.RouteErrors(mux))
}
