package templates

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/stdapi/stdapi/internal/proxy"
)

// The headers a proxy in front of the application may use to announce the
// path (or URL) under which clients reach it, in their canonical form and
// as Vary names them.
const (
	headerForwardedPrefix = "X-Forwarded-Prefix"
	headerPositConnect    = "Rstudio-Connect-App-Base-Url"
	varyPositConnect      = "RStudio-Connect-App-Base-URL"
)

// trustProxies checks Options.TrustedProxies, applies its default and
// lists the headers responses vary on.
func (t *Templates) trustProxies() error {
	for i, p := range t.opts.TrustedProxies {
		if !p.IsValid() {
			return fmt.Errorf("templates: Options.TrustedProxies[%d] is not a valid network", i)
		}
	}
	t.proxies = slices.Clone(t.opts.TrustedProxies)
	if len(t.proxies) == 0 {
		t.proxies = proxy.Loopback()
	}
	if t.opts.TrustPositConnect {
		t.vary = append(t.vary, varyPositConnect)
	}
	if t.opts.TrustForwardedPrefix {
		t.vary = append(t.vary, headerForwardedPrefix)
	}
	return nil
}

// fromProxy reports whether r comes from a proxy whose headers are trusted.
func (t *Templates) fromProxy(r *http.Request) bool {
	return t.opts.TrustAllProxies || proxy.From(r, t.proxies)
}

// Vary adds to h's Vary header the request headers that links depend on:
// RStudio-Connect-App-Base-URL with TrustPositConnect, X-Forwarded-Prefix
// with TrustForwardedPrefix, none otherwise. Render, Page and the error
// page call it, so that a shared cache keeps one copy of a page per base
// URL; call it in a handler whose response uses URL or StaticURL, such as
// a redirect. A name already listed is not added again.
func (t *Templates) Vary(h http.Header) {
	for _, name := range t.vary {
		if !varies(h["Vary"], name) {
			h.Add("Vary", name)
		}
	}
}

// varies reports whether a Vary header already names the header name, or
// is "*".
func varies(values []string, name string) bool {
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, name) {
				return true
			}
		}
	}
	return false
}
