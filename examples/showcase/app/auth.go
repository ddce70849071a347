package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/security"
)

// Scopes of the OAuth2 password flow, with their descriptions.
var scopes = map[string]string{
	"me":          "Read your profile",
	"items:read":  "Read items",
	"items:write": "Create, change and delete items",
}

// User is a user of the service, as GET /users/me shows it: never with its
// password hash.
type User struct {
	Username string   `json:"username" example:"alice"`
	FullName string   `json:"full_name" example:"Alice Liddell"`
	Email    string   `json:"email" example:"alice@example.com"`
	Scopes   []string `json:"scopes" doc:"The scopes of the token used"`
}

// account is a stored user.
type account struct {
	User
	hash   string   // argon2id
	scopes []string // what the user may be granted
}

// UserClaims are the claims of the access tokens.
type UserClaims struct {
	security.Claims
}

// auth holds the users, the keys and the security schemes.
type auth struct {
	users  map[string]*account
	hasher *security.Hasher
	keys   *security.KeySet
	issuer *security.Issuer
	oauth2 *security.OAuth2Password
	basic  *security.Basic
	apiKey *security.APIKey
	// throttle limits failed logins at POST /token and GET /outbox
	// together: 5 per user and 20 per client address in 15 minutes.
	throttle *security.Throttle
	ttl      time.Duration
}

func newAuth(cfg Config) (*auth, error) {
	var key *security.Key
	var err error
	if cfg.JWTSecret != "" {
		key, err = security.NewKey("showcase-hs256", "HS256", []byte(cfg.JWTSecret))
	} else {
		var priv *ecdsa.PrivateKey
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err == nil {
			key, err = security.NewKey("showcase-"+time.Now().UTC().Format("20060102T150405"), "ES256", priv)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("showcase: JWT key: %w", err)
	}
	a := &auth{hasher: &security.Hasher{}, throttle: &security.Throttle{}, ttl: 30 * time.Minute}
	if a.keys, err = security.NewKeySet(key); err != nil {
		return nil, err
	}
	a.issuer = &security.Issuer{Keys: a.keys, Issuer: "stdapi-showcase", TTL: a.ttl}
	verifier, err := security.NewVerifier[UserClaims](a.keys, security.VerifierOptions{Issuer: "stdapi-showcase"})
	if err != nil {
		return nil, err
	}
	hash, err := a.hasher.Hash(context.Background(), "wonderland")
	if err != nil {
		return nil, err
	}
	a.users = map[string]*account{
		"alice": {
			User:   User{Username: "alice", FullName: "Alice Liddell", Email: "alice@example.com"},
			hash:   hash,
			scopes: []string{"me", "items:read", "items:write"},
		},
	}
	a.oauth2 = &security.OAuth2Password{
		TokenURL:  "token",
		Scopes:    scopes,
		Verify:    verifier.Verify,
		WebSocket: security.WebSocketAuth{Protocol: true},
	}
	a.basic = &security.Basic{Realm: "showcase", Verify: a.verifyBasic}
	var keys security.KeyHashes
	if err := keys.Add(security.HashKey(cfg.APIKey), "stats-reader"); err != nil {
		return nil, err
	}
	a.apiKey = &security.APIKey{Verify: keys.Verify, Description: "The key the server prints at start-up (or SHOWCASE_API_KEY)."}
	return a, nil
}

// login checks a username and password. An unknown user costs a password
// verification too, so that timing does not reveal which users exist.
func (a *auth) login(ctx context.Context, username, password string) (*account, error) {
	acc := a.users[username]
	hash := ""
	if acc != nil {
		hash = acc.hash
	}
	ok, err := a.hasher.Verify(ctx, password, hash)
	if err != nil {
		return nil, err
	}
	if !ok || acc == nil {
		return nil, security.ErrInvalidCredentials
	}
	return acc, nil
}

// issue is the token endpoint's Issue: the requested scopes, or all of the
// user's when none are requested; a scope the user may not have is
// invalid_scope.
func (a *auth) issue(ctx context.Context, form *security.PasswordForm) (*security.Token, error) {
	acc, err := a.login(ctx, form.Username, form.Password)
	if err != nil {
		return nil, err
	}
	granted := form.Scopes
	if len(granted) == 0 {
		granted = acc.scopes
	}
	for _, s := range granted {
		if !slices.Contains(acc.scopes, s) {
			return nil, &security.TokenError{Code: security.ErrInvalidScope, Description: "Scope not allowed: " + s}
		}
	}
	claims := UserClaims{Claims: security.Claims{
		RegisteredClaims: a.issuer.Registered(acc.Username),
		Scope:            strings.Join(granted, " "),
	}}
	tok, err := a.issuer.Sign(claims)
	if err != nil {
		return nil, err
	}
	t := &security.Token{AccessToken: tok, ExpiresIn: int(a.ttl / time.Second)}
	if len(form.Scopes) == 0 {
		t.Scope = claims.Scope
	}
	return t, nil
}

func (a *auth) verifyBasic(ctx context.Context, username, password string) (any, error) {
	acc, err := a.login(ctx, username, password)
	if err != nil {
		return nil, err
	}
	return acc, nil
}

func (a *auth) routes(api *docs.API, mux *http.ServeMux) {
	// TokenEndpoint describes its own form and RFC 6749 answers to docs;
	// the throttle reads the form's username and puts the body back.
	api.Handle(mux, "POST /token", a.throttle.Middleware(&security.TokenEndpoint{Issue: a.issue}),
		docs.Summary("Log in: OAuth2 password flow"), docs.Tags("auth"),
		docs.Description("Swagger UI's **Authorize** posts this form. Answers a JWT, or an RFC 6749 error "+
			"such as `{\"error\":\"invalid_grant\"}` with status 400. After 5 failed logins of a user "+
			"(20 from one address) in 15 minutes, answers 429 with Retry-After."),
		docs.Response(http.StatusTooManyRequests, nil, "Too many failed logins: retry after Retry-After seconds"),
		docs.ResponseHeader(http.StatusTooManyRequests, "Retry-After", 0, "The seconds left in the throttle's window"))

	me := bind.Handler(func(ctx context.Context, _ *struct{}) (User, error) {
		claims := security.MustUser[*UserClaims](ctx)
		acc := a.users[claims.Subject]
		if acc == nil {
			return User{}, security.InvalidToken("")
		}
		u := acc.User
		u.Scopes = claims.Scopes()
		return u, nil
	})
	api.Handle(mux, "GET /users/me", security.Require(a.oauth2, "me")(me),
		docs.Summary("The current user"), docs.Tags("auth"))

	// KeySet describes its own answers: application/jwk-set+json, 304.
	api.Handle(mux, "GET /.well-known/jwks.json", a.keys,
		docs.Summary("The public keys of the access tokens (JWK Set)"), docs.Tags("auth"))
}
