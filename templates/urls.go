package templates

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// maxPrefixLen bounds the base paths and URLs taken from headers.
const maxPrefixLen = 2048

// BaseURL returns the prefix that links of r's page start with, without a
// trailing slash: "" for an application served at the root, "/app" or
// "https://connect.example.com/content/42". It is, in order of precedence,
// the RStudio-Connect-App-Base-URL header when TrustPositConnect is set, the
// X-Forwarded-Prefix header when TrustForwardedPrefix is set, and BasePath.
// A header is ignored when r does not come from a trusted proxy (see
// Options.TrustedProxies), or when it is absent, repeated or not a clean
// path (or, for Posit Connect, an absolute http or https URL). r may be
// nil.
func (t *Templates) BaseURL(r *http.Request) string {
	if r == nil || len(t.vary) == 0 || !t.fromProxy(r) {
		return t.base
	}
	if t.opts.TrustPositConnect {
		if v, ok := single(r.Header, headerPositConnect); ok {
			if p, ok := cleanPrefix(v, true); ok {
				return p
			}
		}
	}
	if t.opts.TrustForwardedPrefix {
		if v, ok := single(r.Header, headerForwardedPrefix); ok {
			if p, ok := cleanPrefix(v, false); ok {
				return p
			}
		}
	}
	return t.base
}

// URL returns the link to the application path p for the client of r: the
// base URL (see BaseURL) followed by p, which is relative to the
// application's root ("/about", "about" and "/about?x=1" all work). It is
// the Go side of the template function url, handy for redirects.
func (t *Templates) URL(r *http.Request, p string) string {
	return joinURL(t.BaseURL(r), p)
}

// StaticURL returns the content-hashed link to the file name of StaticFS for
// the client of r, the Go side of the template function static:
// base URL + StaticPrefix + name + "?v=" + hash. It fails when there is no
// StaticFS or no such file.
func (t *Templates) StaticURL(r *http.Request, name string) (string, error) {
	return t.staticURL(t.BaseURL(r), name)
}

func (t *Templates) staticURL(base, name string) (string, error) {
	if t.static == nil {
		return "", errNoStaticFS
	}
	fi, err := t.static.info(strings.TrimPrefix(name, "/"))
	if err != nil {
		return "", err
	}
	return base + t.staticPrefix + fi.url, nil
}

func joinURL(base, p string) string {
	return base + "/" + strings.TrimPrefix(p, "/")
}

// single returns the value of header key when it is sent exactly once: a
// repeated proxy header is ambiguous (one copy may come from the client).
func single(h http.Header, key string) (string, bool) {
	v := h[key]
	if len(v) != 1 {
		return "", false
	}
	return v[0], true
}

// cleanPrefix validates a base path, or when absolute is set also an
// absolute http or https URL, and returns it without its trailing slash.
// It accepts only what is safe to put in front of a link in any context:
// a path of unreserved characters, percent-escapes and a few sub-delimiters,
// without empty or dot segments (also when percent-encoded) and without
// encoded slashes, backslashes or control characters; a URL adds a scheme
// and a plain host[:port], with no user info, query or fragment.
func cleanPrefix(v string, absolute bool) (string, bool) {
	if v == "" || len(v) > maxPrefixLen {
		return "", false
	}
	origin, p := "", v
	if absolute {
		for _, scheme := range [...]string{"http://", "https://"} {
			if len(v) >= len(scheme) && strings.EqualFold(v[:len(scheme)], scheme) {
				rest := v[len(scheme):]
				host := rest
				if i := strings.IndexByte(rest, '/'); i >= 0 {
					host = rest[:i]
				}
				if !validHost(host) {
					return "", false
				}
				origin, p = scheme+host, rest[len(host):]
				if p == "" {
					return origin, true
				}
				break
			}
		}
	}
	if !validPath(p) {
		return "", false
	}
	return origin + strings.TrimSuffix(p, "/"), true
}

// validHost accepts name[:port] and [IPv6]:port, with a non-empty name of
// letters, digits, '-' and '.', and a decimal port.
func validHost(h string) bool {
	name, port := h, ""
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 2 {
			return false
		}
		ip, err := netip.ParseAddr(h[1:end])
		if err != nil || !ip.Is6() || ip.Zone() != "" {
			return false
		}
		name, port = "", h[end+1:]
		if port != "" && port[0] != ':' {
			return false
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i:]
		if name == "" {
			return false
		}
	} else if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlnum(c) && c != '-' && c != '.' {
			return false
		}
	}
	if port != "" {
		if len(port) == 1 {
			return false
		}
		for i := 1; i < len(port); i++ {
			if c := port[i]; c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// validPath reports whether p is "/" or "/seg/seg" with an optional trailing
// slash, each segment made of allowed characters and not a dot segment.
func validPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	if p == "/" {
		return true
	}
	segs := strings.Split(strings.TrimSuffix(p[1:], "/"), "/")
	for _, s := range segs {
		if !validSegment(s) {
			return false
		}
	}
	return true
}

func validSegment(s string) bool {
	if s == "" {
		return false
	}
	escaped := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(c) || strings.IndexByte("-._~!$*+,;=:@", c) >= 0:
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if d < 0x20 || d == 0x7f || d == '/' || d == '\\' || d == '%' {
				return false
			}
			escaped = true
			i += 2
		default:
			return false
		}
	}
	if escaped {
		d, err := url.PathUnescape(s)
		if err != nil {
			return false
		}
		s = d
	}
	return s != "." && s != ".."
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}
