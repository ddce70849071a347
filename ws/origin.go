package ws

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// originPolicy decides which browser origins may open a connection. It is
// compiled once from the AllowedOrigins option.
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
		a = strings.TrimSuffix(strings.TrimSpace(a), "/")
		if a == "*" {
			p.any = true
			continue
		}
		scheme, host, ok := strings.Cut(a, "://")
		if !ok || scheme == "" || host == "" || strings.ContainsAny(host, "/?#@ ") {
			return nil, fmt.Errorf("ws: AllowedOrigins: %q is not scheme://host[:port], scheme://*.domain or *", a)
		}
		scheme, host = canonicalOrigin(scheme, host)
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
// browser), comes from the server's own origin, or from an allowed origin.
func (p *originPolicy) allow(r *http.Request) bool {
	values := r.Header["Origin"]
	if len(values) == 0 {
		return true
	}
	if len(values) > 1 {
		return false
	}
	return p.allowOrigin(values[0], selfOrigin(r))
}

// selfOrigin returns the origin r was sent to, as canonicalOrigin spells
// it: https when r came over TLS, http otherwise, and r.Host. Forwarding
// headers are not read: behind a proxy that terminates TLS, the public
// origin belongs in AllowedOrigins.
func selfOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	scheme, host := canonicalOrigin(scheme, r.Host)
	return scheme + "://" + host
}

// allowOrigin matches one Origin header value against the policy and the
// server's own origin self (from selfOrigin). Origins are compared whole:
// scheme, host and port. An origin that does not parse as scheme://host,
// including the opaque "null" origin of sandboxed pages and files, is
// accepted only by "*".
func (p *originPolicy) allowOrigin(origin, self string) bool {
	if p.any {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return false
	}
	scheme, host := canonicalOrigin(u.Scheme, u.Host)
	if o := scheme + "://" + host; o == self || p.exact[o] {
		return true
	}
	for _, s := range p.suffix {
		if s.scheme == scheme && strings.HasSuffix(host, s.host) {
			return true
		}
	}
	return false
}

// canonicalOrigin spells the scheme and host[:port] of an origin the way
// they are compared: in lower case, ws and wss as http and https (the
// spelling of some non-browser clients), and without the port when it is
// the scheme's default, since https://h and https://h:443 are one origin.
func canonicalOrigin(scheme, host string) (string, string) {
	scheme, host = strings.ToLower(scheme), strings.ToLower(host)
	switch scheme {
	case "ws":
		scheme = "http"
	case "wss":
		scheme = "https"
	}
	host = strings.TrimSuffix(host, ":") // an empty port is the default one
	switch scheme {
	case "http":
		host = strings.TrimSuffix(host, ":80")
	case "https":
		host = strings.TrimSuffix(host, ":443")
	}
	return scheme, host
}

// hintOrigin logs, once per handler, the refusal of an Origin on the
// request's own host name but another scheme or port. It is either what the
// check is for (a page of the same site over plain http) or, more likely
// when it happens to every connection, a proxy in front that terminates TLS
// or changes the port: the hint names the fix.
func (h *core) hintOrigin(r *http.Request) {
	u, err := url.Parse(r.Header.Get("Origin"))
	if err != nil || u.Host == "" || !strings.EqualFold(u.Hostname(), (&url.URL{Host: r.Host}).Hostname()) {
		return
	}
	h.hinted.Do(func() {
		h.cfg.log().WarnContext(r.Context(),
			"ws: refused an Origin on this host with another scheme or port; behind a proxy that terminates TLS, list the public origin with ws.AllowedOrigins",
			"origin", u.Scheme+"://"+u.Host, "self", selfOrigin(r))
	})
}
