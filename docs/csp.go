package docs

import (
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
)

// policy is what one page loads, from which its Content-Security-Policy is
// built: every other fetch of the page is refused.
type policy struct {
	scripts, styles []asset  // files the page loads
	inline          []string // inline scripts, allowed by their hash
	styleHashes     []string // <style> elements the page's scripts add
	images          bool     // data: images and the page's own
	connect         bool     // requests to the page's origin and ConnectSources
	worker          bool     // a blob: worker
	external        bool     // requests to ConnectSources too
}

// csp is the policy's header value. The assets are listed by their exact
// URLs when they come from a CDN or mirror, so that no other file of that
// host may run, or as 'self' when Mount serves them (their path is
// relative to the page, which a path-prefixing proxy moves).
func (c *mountConfig) csp(p policy) string {
	var b strings.Builder
	b.WriteString("default-src 'none'")
	if len(p.scripts)+len(p.inline) > 0 {
		b.WriteString("; script-src")
		c.sources(&b, p.scripts)
		for _, s := range p.inline {
			sum := sha256.Sum256([]byte(s))
			b.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
		}
	}
	if len(p.styles)+len(p.styleHashes) > 0 {
		b.WriteString("; style-src")
		c.sources(&b, p.styles)
		for _, h := range p.styleHashes {
			b.WriteString(" '" + h + "'")
		}
	}
	if p.images {
		b.WriteString("; img-src 'self' data:")
	}
	if p.connect {
		b.WriteString("; connect-src 'self'")
		if p.external {
			for _, o := range c.connect {
				b.WriteString(" " + o)
			}
		}
	}
	if p.worker {
		b.WriteString("; worker-src blob:")
	}
	b.WriteString("; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
	return b.String()
}

// sources writes the CSP sources of files: their URLs, or 'self' once.
func (c *mountConfig) sources(b *strings.Builder, files []asset) {
	if len(files) == 0 {
		return
	}
	if c.assets.fsys != nil {
		b.WriteString(" 'self'")
		return
	}
	for _, a := range files {
		b.WriteString(" " + c.assets.base + a.mirrorPath())
	}
}

// cspURL reports whether base, an AssetsURL, can prefix the URLs listed in a
// policy: an absolute http or https URL with a host and without query,
// fragment, user info, or the characters that separate sources and
// directives.
func cspURL(base string) bool {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return false
	}
	return u.RawQuery == "" && u.Fragment == "" && !strings.ContainsAny(base, " \t\r\n;,'\"?#")
}
