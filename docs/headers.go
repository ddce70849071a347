package docs

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// ResponseHeader documents a header of the response with the given status:
// its name, the type of its value (a value of it such as "" or 0, or a
// reflect.Type; nil for a string), and its description. For the headers a
// handler sets itself, through bind.Response's Header or an error's:
//
//	docs.ResponseHeader(http.StatusCreated, "Location", "", "The URL of the new item")
//	docs.ResponseHeader(http.StatusTooManyRequests, "Retry-After", 0, "Seconds to wait")
//
// A status the operation does not document otherwise gets a response of
// its own. The WWW-Authenticate challenge of a 401 (and of a bearer 403) is
// documented from the security schemes, without this option.
func ResponseHeader(status int, name string, value any, description string) Option {
	return func(o *operation) {
		o.headers = append(o.headers, header{status: status, name: name, value: typeOf(value), description: description})
	}
}

type header struct {
	status      int
	name        string
	value       reflect.Type
	description string
}

// addHeaders adds op's documented headers to its responses: the
// ResponseHeader options and the challenges of its security schemes. A
// response that came from a describer is copied, not modified.
func addHeaders(responses map[string]any, op *operation) {
	if len(op.security) > 0 {
		if c := challenges(op, false); c != "" {
			setHeader(responses, http.StatusUnauthorized, "WWW-Authenticate", map[string]any{
				"description": "The challenge of the scheme to authenticate with: " + c,
				"schema":      map[string]any{"type": "string"},
			})
		}
		if c := challenges(op, true); c != "" {
			if _, ok := responses["403"]; ok {
				setHeader(responses, http.StatusForbidden, "WWW-Authenticate", map[string]any{
					"description": `The missing scopes: ` + c + ` error="insufficient_scope", scope="..." (RFC 6750)`,
					"schema":      map[string]any{"type": "string"},
				})
			}
		}
	}
	for _, h := range op.headers {
		obj := map[string]any{"schema": map[string]any{"type": "string"}}
		if h.value != nil {
			obj["schema"] = scalarText(h.value, nil)
		}
		if h.description != "" {
			obj["description"] = h.description
		}
		setHeader(responses, h.status, h.name, obj)
	}
}

// challenges lists the WWW-Authenticate challenges the schemes of op
// send, as package security writes them: only the bearer ones when
// scoped, which name missing scopes in a 403.
func challenges(op *operation, scoped bool) string {
	var out []string
	for _, r := range op.security {
		c := ""
		switch typ, _ := r.scheme["type"].(string); typ {
		case "http":
			s, _ := r.scheme["scheme"].(string)
			switch strings.ToLower(s) {
			case "basic":
				c = `Basic realm="..."`
			case "bearer":
				c = "Bearer"
			}
		case "oauth2", "openIdConnect":
			c = "Bearer"
		case "apiKey":
			c = "APIKey"
		}
		if c == "" || scoped && (c != "Bearer" || len(r.scopes) == 0) {
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return strings.Join(out, ", ")
}

// setHeader sets one header of the response with status, copying the
// response and its headers.
func setHeader(responses map[string]any, status int, name string, obj map[string]any) {
	key := strconv.Itoa(status)
	old, _ := responses[key].(map[string]any)
	resp := map[string]any{"description": statusText(status, "")}
	for k, v := range old {
		resp[k] = v
	}
	headers := map[string]any{}
	if hs, ok := resp["headers"].(map[string]any); ok {
		for k, v := range hs {
			headers[k] = v
		}
	}
	headers[name] = obj
	resp["headers"] = headers
	responses[key] = resp
}
