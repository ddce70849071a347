package ws

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// originPolicy decides which browser origins may open a connection. It is
// compiled once from Options.AllowedOrigins.
type originPolicy struct {
	any    bool
	exact  map[string]bool // "https://app.example.com"
	suffix []originSuffix  // "https://*.example.com"
}

type originSuffix struct {
	scheme string // "https"
	host   string // ".example.com"
}

// newOriginPolicy compiles allowed, or reports the first malformed entry.
func newOriginPolicy(allowed []string) (*originPolicy, error) {
	p := &originPolicy{exact: map[string]bool{}}
	for _, a := range allowed {
		a = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(a), "/"))
		if a == "*" {
			p.any = true
			continue
		}
		scheme, host, ok := strings.Cut(a, "://")
		if !ok || scheme == "" || host == "" || strings.ContainsAny(host, "/?#@ ") {
			return nil, fmt.Errorf("ws: AllowedOrigins: %q is not scheme://host[:port], scheme://*.domain or *", a)
		}
		if rest, ok := strings.CutPrefix(host, "*."); ok {
			if rest == "" || strings.Contains(rest, "*") {
				return nil, fmt.Errorf("ws: AllowedOrigins: %q: a wildcard must be followed by a domain", a)
			}
			p.suffix = append(p.suffix, originSuffix{scheme: scheme, host: "." + rest})
			continue
		}
		if strings.Contains(host, "*") {
			return nil, fmt.Errorf("ws: AllowedOrigins: %q: a wildcard is only allowed as the first label", a)
		}
		p.exact[scheme+"://"+host] = true
	}
	return p, nil
}

// allow reports whether r may be upgraded: it has no Origin header (not a
// browser), comes from the server's own host, or from an allowed origin.
func (p *originPolicy) allow(r *http.Request) bool {
	values := r.Header["Origin"]
	if len(values) == 0 {
		return true
	}
	if len(values) > 1 {
		return false
	}
	return p.allowOrigin(values[0], r.Host)
}

// allowOrigin matches one Origin header value against the policy. An origin
// that does not parse as scheme://host, including the opaque "null" origin of
// sandboxed pages and files, is accepted only by "*".
func (p *originPolicy) allowOrigin(origin, host string) bool {
	if p.any {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return false
	}
	if strings.EqualFold(u.Host, host) {
		return true
	}
	scheme, h := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if p.exact[scheme+"://"+h] {
		return true
	}
	for _, s := range p.suffix {
		if s.scheme == scheme && strings.HasSuffix(h, s.host) {
			return true
		}
	}
	return false
}
