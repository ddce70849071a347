package main

import (
	"flag"
	"log"
	"os"

	"github.com/stdapi/stdapi/examples/internal/serve"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	assets := flag.String("docs-assets", "", "node_modules directory with swagger-ui-dist and redoc (default: load them from the CDN)")
	flag.Parse()
	cfg := Config{APIKey: os.Getenv("GREETINGS_API_KEY")}
	if *assets != "" {
		cfg.DocsAssets = os.DirFS(*assets)
	}
	h, err := New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	serve.Main(*addr, h, serve.Options{})
}
