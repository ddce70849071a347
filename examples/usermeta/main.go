package main

import (
	"flag"
	"log"
	"net/netip"
	"os"
	"strings"

	"github.com/stdapi/stdapi/examples/internal/serve"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	trusted := flag.String("trusted-proxy", "127.0.0.0/8,::1/128", "comma-separated networks of the proxies allowed to send RStudio-Connect-Credentials")
	assets := flag.String("docs-assets", "", "node_modules directory with swagger-ui-dist and redoc (default: load them from the CDN)")
	flag.Parse()
	var cfg Config
	if *assets != "" {
		cfg.DocsAssets = os.DirFS(*assets)
	}
	for s := range strings.SplitSeq(*trusted, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			log.Fatalf("-trusted-proxy: %v", err)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p)
	}
	serve.Main(*addr, New(cfg), serve.Options{})
}
