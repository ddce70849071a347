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
