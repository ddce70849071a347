// Command fullstack is FastAPI's well-known full example ported to stdapi:
// users with an OAuth2 password flow (JWTs with scopes), /users/me, items
// CRUD with pagination under a router with a prefix, tags and a shared
// header dependency, a per-request database session with cleanup, a file
// upload with a form field, a welcome mail as a background task, a
// WebSocket of notifications that authenticates its token, an HTML page, a
// custom error type with its own handler, and CORS.
//
//	go run ./examples/fullstack   # then open http://127.0.0.1:8000/docs
package main

import (
	"flag"
	"log"
	"os"

	"github.com/stdapi/stdapi/examples/internal/serve"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	assets := flag.String("docs-assets", "", "serve Swagger UI and ReDoc from this node_modules-like directory instead of the CDN")
	flag.Parse()
	cfg := Settings{SecretKey: os.Getenv("FULLSTACK_SECRET"), XToken: "fake-super-secret-token",
		Origins: []string{"http://localhost:3000"}}
	if cfg.SecretKey == "" {
		cfg.SecretKey = "an example secret of at least 32 bytes, change it"
	}
	if *assets != "" {
		cfg.Assets = os.DirFS(*assets)
	}
	h, err := New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	serve.Main(*addr, h, serve.Options{})
}
