package docs

import (
	"net/url"
	"strings"
)

// Document30 returns the document rendered as OpenAPI 3.0.3, for tools
// that do not read 3.1 yet (ogen, older generators and gateways), as
// indented JSON with sorted keys. The rendering is mechanical and loses
// only what 3.0 cannot say: a type list with "null" is nullable: true, an
// anyOf with a null branch is the other branch made nullable, numeric
// exclusiveMinimum and exclusiveMaximum are minimum and maximum with the
// boolean form, const is a one-value enum, a schema's examples list is its
// first example, contentEncoding base64 is format byte, and contentMediaType, propertyNames, info.summary and
// license.identifier are dropped; relative OAuth2 URLs (tokenUrl:
// "token"), which 3.0 does not allow, are absolute paths from the site's
// root ("/token"). It is built and cached with the 3.1
// document.
func (a *API) Document30() ([]byte, error) {
	b := a.current()
	return b.v30.data, b.err
}

// render30 converts doc, a copy of the 3.1 document, to 3.0.3 in place.
func render30(doc map[string]any) map[string]any {
	doc["openapi"] = "3.0.3"
	if info, ok := doc["info"].(map[string]any); ok {
		delete(info, "summary")
		if l, ok := info["license"].(map[string]any); ok {
			delete(l, "identifier")
		}
	}
	to30(doc)
	if comps, ok := doc["components"].(map[string]any); ok {
		if schemes, ok := comps["securitySchemes"].(map[string]any); ok {
			absoluteFlowURLs(schemes)
		}
	}
	return doc
}

// to30 rewrites the 3.1-only schema keywords found anywhere in v, in
// place. The keywords it changes never occur with these value types
// outside schemas (a Media Type's examples is an object, not a list).
func to30(v any) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			to30(e)
		}
	case map[string]any:
		for _, e := range v {
			to30(e)
		}
		schema30(v)
	}
}

func schema30(s map[string]any) {
	if types, ok := s["type"].([]any); ok {
		var rest []any
		for _, t := range types {
			if t == "null" {
				s["nullable"] = true
			} else {
				rest = append(rest, t)
			}
		}
		if len(rest) == 1 {
			s["type"] = rest[0]
		} else {
			delete(s, "type")
		}
	}
	if branches, ok := s["anyOf"].([]any); ok && len(branches) == 2 {
		for i, branch := range branches {
			if b, _ := branch.(map[string]any); len(b) == 1 && b["type"] == "null" {
				other, _ := branches[1-i].(map[string]any)
				delete(s, "anyOf")
				if _, isRef := other["$ref"]; isRef {
					s["allOf"] = []any{other}
				} else {
					for k, e := range other {
						s[k] = e
					}
				}
				s["nullable"] = true
				break
			}
		}
	}
	for k, bound := range map[string]string{"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"} {
		if n, ok := s[k]; ok {
			if _, isNumber := toRat(n); isNumber {
				s[bound] = n
				s[k] = true
			}
		}
	}
	if c, ok := s["const"]; ok {
		s["enum"] = []any{c}
		delete(s, "const")
	}
	if ex, ok := s["examples"].([]any); ok {
		if len(ex) > 0 {
			s["example"] = ex[0]
		}
		delete(s, "examples")
	}
	delete(s, "contentMediaType")
	if enc, ok := s["contentEncoding"]; ok {
		if enc == "base64" {
			s["format"] = "byte"
		}
		delete(s, "contentEncoding")
	}
	delete(s, "propertyNames")
}

// absoluteFlowURLs makes the relative OAuth2 URLs of schemes absolute
// paths, resolved from the site's root: 3.1 allows "token", 3.0 requires a
// URL, and generators refuse a relative one.
func absoluteFlowURLs(schemes map[string]any) {
	for _, scheme := range schemes {
		sm, _ := scheme.(map[string]any)
		flows, _ := sm["flows"].(map[string]any)
		for _, flow := range flows {
			fm, _ := flow.(map[string]any)
			for _, k := range []string{"authorizationUrl", "tokenUrl", "refreshUrl"} {
				ref, ok := fm[k].(string)
				if !ok {
					continue
				}
				if u, err := url.Parse(ref); err == nil && !u.IsAbs() && !strings.HasPrefix(ref, "/") {
					fm[k] = rootURL.ResolveReference(u).String()
				}
			}
		}
	}
}

var rootURL = &url.URL{Path: "/"}
