package main

import (
	"crypto/rand"
	"flag"
	"log"
	"log/slog"
	"os"

	"github.com/stdapi/stdapi/examples/internal/serve"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	assets := flag.String("docs-assets", "", "node_modules directory with swagger-ui-dist and redoc (default: load them from the CDN)")
	flag.Parse()
	serve.SetLogger()

	cfg := Config{
		JWTSecret: os.Getenv("SHOWCASE_JWT_SECRET"),
		APIKey:    os.Getenv("SHOWCASE_API_KEY"),
	}
	if *assets != "" {
		cfg.DocsAssets = os.DirFS(*assets)
	}
	generatedKey := cfg.APIKey == ""
	if generatedKey {
		cfg.APIKey = rand.Text()
	}
	app, err := New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if generatedKey {
		slog.Info("generated the API key of GET /stats (set SHOWCASE_API_KEY to choose it)", "X-API-Key", cfg.APIKey)
	}
	serve.Main(*addr, app, serve.Hooks{CloseConns: app.CloseConns, Drain: app.Drain})
}
