package security

import (
	"context"
	"maps"
	"net/http"
	"strings"

	"github.com/stdapi/stdapi"
)

// Bearer is HTTP Bearer authentication with any token (RFC 6750), the twin
// of FastAPI's HTTPBearer. The zero value rejects every request (it has no
// Verify).
//
// A request without a bearer token gets 401 "Not authenticated" with
// WWW-Authenticate: Bearer; a token that is not a token68 gets 401 with
// Bearer error="invalid_token"; a token that Verify rejects with
// ErrInvalidCredentials gets 401 with Bearer error="invalid_token" (Verify
// may return InvalidToken for a description). The auth-scheme is matched
// case-insensitively.
type Bearer struct {
	// Verify checks a token and returns the principal, or an error (see
	// ErrInvalidCredentials). Verifier.Verify fits.
	Verify func(ctx context.Context, token string) (any, error)
	// Format is the OpenAPI bearerFormat hint, such as "JWT". Default none.
	Format string
	// WebSocket enables other token locations on WebSocket upgrade
	// requests. Default: disabled.
	WebSocket WebSocketAuth
	// Name is the scheme's name in OpenAPI. Default "HTTPBearer".
	Name string
	// Description is shown in the OpenAPI document. Default none.
	Description string
}

// Authenticate implements Scheme.
func (b *Bearer) Authenticate(r *http.Request) (any, error) {
	return authenticateBearer(r, b.Verify, b.WebSocket)
}

// OpenAPISecurity implements Scheme: {"type":"http","scheme":"bearer"}.
func (b *Bearer) OpenAPISecurity() (string, map[string]any, []string) {
	m := map[string]any{"type": "http", "scheme": "bearer"}
	if b.Format != "" {
		m["bearerFormat"] = b.Format
	}
	describe(m, b.Description)
	return orDefault(b.Name, "HTTPBearer"), m, nil
}

func (b *Bearer) insufficientScope(scopes []string) *stdapi.Error {
	return InsufficientScope(scopes...)
}

// OAuth2Password is the OAuth2 password flow (a bearer token obtained from
// TokenURL with a username and password), the twin of FastAPI's
// OAuth2PasswordBearer. It authenticates like Bearer; OpenAPI tools show a
// login form that posts to TokenURL (see TokenHandler). The zero value
// rejects every request.
type OAuth2Password struct {
	// TokenURL is where clients get a token, relative to the API's base
	// URL. Default "token".
	TokenURL string
	// RefreshURL is where clients refresh a token. Default none.
	RefreshURL string
	// Scopes maps each scope to its description, for the OpenAPI document.
	Scopes map[string]string
	// Verify checks a token and returns the principal (see Bearer.Verify).
	Verify func(ctx context.Context, token string) (any, error)
	// WebSocket enables other token locations on WebSocket upgrade
	// requests. Default: disabled.
	WebSocket WebSocketAuth
	// Name is the scheme's name in OpenAPI. Default "OAuth2PasswordBearer".
	Name string
	// Description is shown in the OpenAPI document. Default none.
	Description string
}

// Authenticate implements Scheme.
func (o *OAuth2Password) Authenticate(r *http.Request) (any, error) {
	return authenticateBearer(r, o.Verify, o.WebSocket)
}

// OpenAPISecurity implements Scheme:
// {"type":"oauth2","flows":{"password":{"tokenUrl":...,"scopes":{...}}}}.
func (o *OAuth2Password) OpenAPISecurity() (string, map[string]any, []string) {
	scopes := maps.Clone(o.Scopes)
	if scopes == nil {
		scopes = map[string]string{}
	}
	flow := map[string]any{"tokenUrl": orDefault(o.TokenURL, "token"), "scopes": scopes}
	if o.RefreshURL != "" {
		flow["refreshUrl"] = o.RefreshURL
	}
	m := map[string]any{"type": "oauth2", "flows": map[string]any{"password": flow}}
	describe(m, o.Description)
	return orDefault(o.Name, "OAuth2PasswordBearer"), m, nil
}

func (o *OAuth2Password) insufficientScope(scopes []string) *stdapi.Error {
	return InsufficientScope(scopes...)
}

// OpenIDConnect documents an OpenID Connect provider (openIdConnectUrl, its
// discovery document) and authenticates requests by their bearer token,
// like Bearer. Verifying the provider's ID or access tokens is Verify's job
// (for JWTs: a Verifier over the provider's keys). The zero value rejects
// every request.
type OpenIDConnect struct {
	// URL is the provider's discovery document,
	// https://issuer/.well-known/openid-configuration.
	URL string
	// Verify checks a token and returns the principal (see Bearer.Verify).
	Verify func(ctx context.Context, token string) (any, error)
	// WebSocket enables other token locations on WebSocket upgrade
	// requests. Default: disabled.
	WebSocket WebSocketAuth
	// Name is the scheme's name in OpenAPI. Default "OpenIdConnect".
	Name string
	// Description is shown in the OpenAPI document. Default none.
	Description string
}

// Authenticate implements Scheme.
func (o *OpenIDConnect) Authenticate(r *http.Request) (any, error) {
	return authenticateBearer(r, o.Verify, o.WebSocket)
}

// OpenAPISecurity implements Scheme:
// {"type":"openIdConnect","openIdConnectUrl":URL}.
func (o *OpenIDConnect) OpenAPISecurity() (string, map[string]any, []string) {
	m := map[string]any{"type": "openIdConnect", "openIdConnectUrl": o.URL}
	describe(m, o.Description)
	return orDefault(o.Name, "OpenIdConnect"), m, nil
}

func (o *OpenIDConnect) insufficientScope(scopes []string) *stdapi.Error {
	return InsufficientScope(scopes...)
}

// WebSocketAuth lets a bearer scheme read the token from places a browser's
// WebSocket API can set, on WebSocket upgrade requests only (GET with
// Connection: Upgrade and Upgrade: websocket); an Authorization header
// always comes first. Both are off by default.
//
// Tokens in URLs end up in access logs, proxy logs and browser history:
// prefer the subprotocol, use short-lived tokens, and keep Query off unless
// clients cannot do otherwise.
type WebSocketAuth struct {
	// Query is the name of a query parameter holding the token, such as
	// "access_token". Default "": disabled.
	Query string
	// Protocol reads the token from Sec-WebSocket-Protocol, where the
	// client offers two subprotocols, "bearer" then the token:
	//	new WebSocket(url, ["bearer", token])
	// sends Sec-WebSocket-Protocol: bearer, <token>. The server must then
	// select "bearer" (never echo the token). Default false.
	Protocol bool
}

func authenticateBearer(r *http.Request, verify func(context.Context, string) (any, error), ws WebSocketAuth) (any, error) {
	const challenge = "Bearer"
	tok, found, many := authorization(r, "Bearer")
	if many {
		return nil, InvalidToken("Multiple Authorization headers")
	}
	if !found && (ws.Query != "" || ws.Protocol) && isWebSocketUpgrade(r) {
		tok, found = webSocketToken(r, ws)
	}
	if !found {
		return nil, notAuthenticated(challenge)
	}
	if !isToken68(tok) {
		return nil, InvalidToken("The access token is malformed")
	}
	if verify == nil {
		return nil, &stdapi.Error{Status: http.StatusInternalServerError, Err: errNoVerify}
	}
	p, err := verify(r.Context(), tok)
	return checkPrincipal(p, err, `Bearer error="invalid_token"`)
}

func webSocketToken(r *http.Request, ws WebSocketAuth) (string, bool) {
	if ws.Protocol {
		if tok, ok := protocolToken(r.Header.Values("Sec-Websocket-Protocol")); ok {
			return tok, true
		}
	}
	if ws.Query != "" {
		if tok := r.URL.Query().Get(ws.Query); tok != "" {
			return tok, true
		}
	}
	return "", false
}

// protocolToken finds "bearer, <token>" among the offered subprotocols.
func protocolToken(values []string) (string, bool) {
	next := false
	for _, v := range values {
		for p := range strings.SplitSeq(v, ",") {
			p = strings.TrimSpace(p)
			if next {
				return p, p != ""
			}
			next = p == "bearer"
		}
	}
	return "", false
}

func isWebSocketUpgrade(r *http.Request) bool {
	return r.Method == http.MethodGet &&
		headerHasToken(r.Header, "Connection", "upgrade") &&
		headerHasToken(r.Header, "Upgrade", "websocket")
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for p := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), token) {
				return true
			}
		}
	}
	return false
}

func describe(m map[string]any, description string) {
	if description != "" {
		m["description"] = description
	}
}
