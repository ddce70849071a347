package security

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/stdapi/stdapi"
)

// Error codes of a token endpoint (RFC 6749 §5.2).
const (
	ErrInvalidRequest       = "invalid_request"
	ErrInvalidClient        = "invalid_client"
	ErrInvalidGrant         = "invalid_grant"
	ErrUnauthorizedClient   = "unauthorized_client"
	ErrUnsupportedGrantType = "unsupported_grant_type"
	ErrInvalidScope         = "invalid_scope"
)

// TokenError is an error answer of a token endpoint (RFC 6749 §5.2),
// written by WriteTokenError as
//
//	{"error":"invalid_grant","error_description":"Incorrect username or password"}
//
// with status 400, or 401 and WWW-Authenticate: Basic realm="token" for
// invalid_client.
type TokenError struct {
	// Code is one of the Err* codes, such as ErrInvalidGrant.
	Code string
	// Description is a human-readable explanation sent to the client
	// (printable ASCII without '"' or '\').
	Description string
	// URI optionally links to a page about the error.
	URI string
}

func tokenError(code, description string) *TokenError {
	return &TokenError{Code: code, Description: description}
}

// Error returns the code and the description.
func (e *TokenError) Error() string {
	return "security: token endpoint: " + e.Code + ": " + e.Description
}

// Status returns the HTTP status of e: 401 for invalid_client, else 400.
func (e *TokenError) Status() int {
	if e.Code == ErrInvalidClient {
		return http.StatusUnauthorized
	}
	return http.StatusBadRequest
}

// Unwrap returns e as a *stdapi.Error (the code and description as the
// "error" and "error_description" members), for code that answers it with
// stdapi.WriteError instead of WriteTokenError.
func (e *TokenError) Unwrap() error {
	se := &stdapi.Error{Status: e.Status(), Detail: e.Description,
		Extensions: map[string]any{"error": e.Code, "error_description": e.Description}}
	if e.Status() == http.StatusUnauthorized {
		se.Header = http.Header{"Www-Authenticate": {tokenChallenge}}
	}
	return se
}

const tokenChallenge = `Basic realm="token"`

type tokenErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
	URI         string `json:"error_uri,omitempty"`
}

// WriteTokenError answers a token request with e as RFC 6749 §5.2 asks: a
// JSON body with "error" and "error_description", Cache-Control: no-store
// and Pragma: no-cache. It records e as the request's error (stdapi.Fail).
func WriteTokenError(w http.ResponseWriter, r *http.Request, e *TokenError) {
	if r != nil {
		stdapi.Fail(r.Context(), e)
	}
	body, _ := json.Marshal(tokenErrorBody{e.Code, e.Description, e.URI})
	h := w.Header()
	if e.Status() == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", tokenChallenge)
	}
	writeNoStoreJSON(w, e.Status(), body)
}

// Token is a successful token response (RFC 6749 §5.1).
type Token struct {
	// AccessToken is the token clients send as "Authorization: Bearer".
	AccessToken string `json:"access_token"`
	// TokenType is "bearer" when empty.
	TokenType string `json:"token_type"`
	// ExpiresIn is the token's lifetime in seconds; 0 leaves it out.
	ExpiresIn int `json:"expires_in,omitempty"`
	// RefreshToken is an optional refresh token.
	RefreshToken string `json:"refresh_token,omitempty"`
	// Scope lists the granted scopes, space-separated, when they differ
	// from the requested ones.
	Scope string `json:"scope,omitempty"`
}

// WriteToken writes t with status 200, Cache-Control: no-store and Pragma:
// no-cache:
//
//	{"access_token":"...","token_type":"bearer","expires_in":3600}
func WriteToken(w http.ResponseWriter, t Token) {
	if t.TokenType == "" {
		t.TokenType = "bearer"
	}
	body, _ := json.Marshal(t) // strings and an int always encode
	writeNoStoreJSON(w, http.StatusOK, body)
}

func writeNoStoreJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(body)
}

// TokenEndpoint is the handler of an OAuth2 password flow's tokenUrl: it
// parses the form (ParsePasswordForm, or ParsePasswordFormStrict), calls
// Issue and writes its token with WriteToken. Mount it on a POST pattern.
//
// Issue returns ErrInvalidCredentials for a wrong username or password,
// which becomes invalid_grant "Incorrect username or password" whatever was
// wrong; a *TokenError to answer with; or another error, answered with
// stdapi.WriteError (a *stdapi.Error as is, anything else 500). The zero
// value answers 500 (it has no Issue).
type TokenEndpoint struct {
	// Issue checks the form's credentials and returns the token.
	Issue func(ctx context.Context, form *PasswordForm) (*Token, error)
	// Strict requires grant_type=password. Default false.
	Strict bool
}

// ServeHTTP implements http.Handler.
func (t *TokenEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if t.Issue == nil {
		stdapi.WriteError(w, r, &stdapi.Error{Err: errors.New("security: TokenEndpoint has no Issue function")})
		return
	}
	form, err := parsePasswordRequest(r, t.Strict)
	if err == nil {
		var tok *Token
		if tok, err = t.Issue(r.Context(), form); err == nil && tok != nil {
			WriteToken(w, *tok)
			return
		}
		if err == nil {
			err = errors.New("security: TokenEndpoint.Issue returned no token and no error")
		}
	}
	var te *TokenError
	switch {
	case errors.As(err, &te):
		WriteTokenError(w, r, te)
	case errors.Is(err, ErrInvalidCredentials):
		WriteTokenError(w, r, tokenError(ErrInvalidGrant, "Incorrect username or password"))
	default:
		stdapi.WriteError(w, r, err)
	}
}

// OpenAPIOperation describes the endpoint for documentation generators
// (package docs): the password request form (RFC 6749 §4.3.2), the token
// response (§5.1) and the error responses (§5.2), titled TokenRequest,
// Token and TokenError (package docs names components after them). The
// document then says what clients really send and get, which bind-style defaults would not.
func (t *TokenEndpoint) OpenAPIOperation() map[string]any {
	str := func(description string) map[string]any {
		return map[string]any{"type": "string", "description": description}
	}
	grant := str("The grant type; only password is supported.")
	grant["enum"] = []any{"password"}
	password := str("The user's password.")
	password["format"] = "password"
	secret := str("The client's secret, when the client authenticates in the form rather than with HTTP Basic.")
	secret["format"] = "password"
	required := []any{"username", "password"}
	if t.Strict {
		required = []any{"grant_type", "username", "password"}
	}
	form := map[string]any{
		"title": "TokenRequest",
		"type":  "object",
		"properties": map[string]any{
			"grant_type":    grant,
			"username":      str("The user's name."),
			"password":      password,
			"scope":         str("The requested scopes, separated by spaces."),
			"client_id":     str("The client's identifier."),
			"client_secret": secret,
		},
		"required": required,
	}
	token := map[string]any{
		"title": "Token",
		"type":  "object",
		"properties": map[string]any{
			"access_token":  str("The token to send as Authorization: Bearer."),
			"token_type":    str("Always bearer."),
			"expires_in":    map[string]any{"type": "integer", "description": "The token's lifetime in seconds."},
			"refresh_token": str("A refresh token, when one is issued."),
			"scope":         str("The granted scopes, when they differ from the requested ones."),
		},
		"required": []any{"access_token", "token_type"},
	}
	oauthError := map[string]any{
		"title": "TokenError",
		"type":  "object",
		"properties": map[string]any{
			"error": map[string]any{"type": "string", "enum": []any{
				ErrInvalidRequest, ErrInvalidClient, ErrInvalidGrant, ErrUnauthorizedClient, ErrUnsupportedGrantType, ErrInvalidScope,
			}},
			"error_description": str("A human-readable explanation."),
			"error_uri":         str("A page about the error."),
		},
		"required": []any{"error"},
	}
	errResponse := func(description string) map[string]any {
		return map[string]any{
			"description": description,
			"content":     map[string]any{"application/json": map[string]any{"schema": oauthError}},
		}
	}
	noStore := map[string]any{"schema": map[string]any{"type": "string", "const": "no-store"}}
	return map[string]any{
		"summary": "Get an access token with a username and password",
		"requestBody": map[string]any{
			"required": true,
			"content": map[string]any{
				"application/x-www-form-urlencoded": map[string]any{"schema": form},
			},
		},
		"responses": map[string]any{
			"200": map[string]any{
				"description": "The access token",
				"headers":     map[string]any{"Cache-Control": noStore},
				"content":     map[string]any{"application/json": map[string]any{"schema": token}},
			},
			"400": errResponse("The request or the credentials were refused (invalid_request, invalid_grant, unsupported_grant_type, invalid_scope)"),
			"401": errResponse("The client could not be authenticated (invalid_client)"),
		},
	}
}
