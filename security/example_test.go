package security_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/stdapi/stdapi/security"
)

// HTTP Basic in front of a handler, as with FastAPI's HTTPBasic.
func Example() {
	basic := &security.Basic{Realm: "admin", Verify: func(_ context.Context, user, pass string) (any, error) {
		okUser := security.Equal(user, "stanley")
		okPass := security.Equal(pass, "swordfish")
		if okUser && okPass { // both compared, whatever was wrong
			return user, nil
		}
		return nil, security.ErrInvalidCredentials
	}}
	mux := http.NewServeMux()
	mux.Handle("GET /users/me", security.Require(basic)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello, %s", security.MustUser[string](r.Context()))
	})))

	r := httptest.NewRequest("GET", "/users/me", nil)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, r)
	fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
	fmt.Println(rec.Body)

	r.SetBasicAuth("stanley", "swordfish")
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, r)
	fmt.Println(rec.Code, rec.Body)
	// Output:
	// 401 Basic realm="admin"
	// {"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}
	// 200 Hello, stanley
}

// UserClaims are the claims of the example's tokens.
type UserClaims struct {
	security.Claims
	Name string `json:"name"`
}

// The OAuth2 password flow with JWTs: a token endpoint and a route that
// requires a scope.
func ExampleOAuth2Password() {
	key, _ := security.NewKey("2026-01", "HS256", []byte("a secret of at least 32 bytes..."))
	keys, _ := security.NewKeySet(key)
	issuer := &security.Issuer{Keys: keys, Issuer: "example", Audience: []string{"api"}}
	verifier, _ := security.NewVerifier[UserClaims](keys, security.VerifierOptions{Issuer: "example", Audience: "api"})
	oauth2 := &security.OAuth2Password{
		TokenURL: "token",
		Scopes:   map[string]string{"me": "Read your profile", "admin": "Administer"},
		Verify:   verifier.Verify,
	}
	passwords := map[string]string{"johndoe": "secret"} // use security.Hasher in real code

	mux := http.NewServeMux()
	mux.Handle("POST /token", &security.TokenEndpoint{Issue: func(_ context.Context, f *security.PasswordForm) (*security.Token, error) {
		if want, ok := passwords[f.Username]; !ok || !security.Equal(f.Password, want) {
			return nil, security.ErrInvalidCredentials
		}
		claims := UserClaims{Name: "John Doe"}
		claims.RegisteredClaims = issuer.Registered(f.Username)
		claims.Scope = strings.Join(f.Scopes, " ")
		tok, err := issuer.Sign(&claims)
		if err != nil {
			return nil, err
		}
		return &security.Token{AccessToken: tok, ExpiresIn: int(security.DefaultTTL.Seconds())}, nil
	}})
	me := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := security.MustUser[*UserClaims](r.Context())
		fmt.Fprintf(w, "%s (%s)", c.Name, c.Subject)
	})
	mux.Handle("GET /users/me", security.Require(oauth2, "me")(me))
	mux.Handle("GET /admin", security.Require(oauth2, "admin")(me))

	post := func(form url.Values) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/token", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		return rec
	}
	rec := post(url.Values{"username": {"johndoe"}, "password": {"wrong"}})
	fmt.Println(rec.Code, rec.Body)

	rec = post(url.Values{"username": {"johndoe"}, "password": {"secret"}, "scope": {"me"}})
	var tok security.Token
	json.Unmarshal(rec.Body.Bytes(), &tok)
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"), tok.TokenType, tok.ExpiresIn)

	for _, path := range []string{"/users/me", "/admin"} {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		rec = httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"), rec.Body)
	}
	// Output:
	// 400 {"error":"invalid_grant","error_description":"Incorrect username or password"}
	// 200 no-store bearer 900
	// 200  John Doe (johndoe)
	// 403 Bearer error="insufficient_scope", scope="admin" {"type":"about:blank","title":"Forbidden","status":403,"detail":"Not enough permissions"}
}

// Posit Connect's API key header, "Authorization: Key <key>", checked
// against stored SHA-256 digests of the keys.
func ExampleAPIKey() {
	var keys security.KeyHashes
	keys.Add(security.HashKey("k3y-for-reports"), "reports-bot")
	scheme := &security.APIKey{AuthScheme: "Key", Verify: keys.Verify}
	h := security.Require(scheme)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who, _ := security.User[string](r.Context())
		fmt.Fprint(w, "hello ", who)
	}))
	for _, authz := range []string{"Key k3y-for-reports", "Key wrong", ""} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", authz)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"), rec.Body)
	}
	// Output:
	// 200  hello reports-bot
	// 401 APIKey {"type":"about:blank","title":"Unauthorized","status":401,"detail":"Invalid authentication credentials"}
	// 401 APIKey {"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}
}

// The seed's user meta-data program: greet the Posit Connect viewer, or a
// stranger.
func ExamplePositConnect() {
	connect := &security.PositConnect{ProxyTrust: security.ProxyTrust{TrustedProxies: security.Loopback()}}
	hello := security.Optional(connect)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg := "Howdy stranger!"
		if id, ok := security.User[*security.Identity](r.Context()); ok {
			msg = "So nice to see you, " + id.User + "!"
		}
		json.NewEncoder(w).Encode(map[string]string{"message": msg})
	}))
	for _, creds := range []string{`{"user": "alice", "groups": ["staff"]}`, ""} {
		r := httptest.NewRequest("GET", "/hello", nil)
		r.RemoteAddr = "127.0.0.1:40000" // Connect's proxy runs on the same host
		r.Host = "127.0.0.1:8000"        // and addresses the application there
		if creds != "" {
			r.Header.Set("RStudio-Connect-Credentials", creds)
		}
		rec := httptest.NewRecorder()
		hello.ServeHTTP(rec, r)
		fmt.Print(rec.Body)
	}
	// Output:
	// {"message":"So nice to see you, alice!"}
	// {"message":"Howdy stranger!"}
}

// Hashing a password at sign-up and checking it at login.
func ExampleHasher() {
	var h security.Hasher // argon2id with OWASP's parameters
	ctx := context.Background()
	stored, _ := h.Hash(ctx, "correct horse battery staple")
	fmt.Println(stored[:31])

	ok, _ := h.Verify(ctx, "correct horse battery staple", stored)
	bad, _ := h.Verify(ctx, "Tr0ub4dor&3", stored)
	fmt.Println(ok, bad, h.NeedsRehash(stored))

	// A bcrypt hash from an htpasswd file verifies too, and should be
	// replaced by an argon2id hash after the login.
	ok, _ = h.Verify(ctx, "correct horse", "$2y$05$MSbYbMSUpq9o7sgY6mFRG.gx3SxKbEEH9ENdFv/qkNqJSvZXS5qja")
	fmt.Println(ok, h.NeedsRehash("$2y$05$MSbYbMSUpq9o7sgY6mFRG.gx3SxKbEEH9ENdFv/qkNqJSvZXS5qja"))
	// Output:
	// $argon2id$v=19$m=19456,t=2,p=1$
	// true false false
	// true true
}

// Serving the public keys of a key set at /.well-known/jwks.json.
func ExampleKeySet_ServeHTTP() {
	secret, _ := security.NewKey("hmac", "HS256", []byte("a secret of at least 32 bytes..."))
	keys, _ := security.NewKeySet(secret)
	rec := httptest.NewRecorder()
	keys.ServeHTTP(rec, httptest.NewRequest("GET", "/.well-known/jwks.json", nil))
	fmt.Println(rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
	fmt.Println(rec.Body) // HMAC secrets are never published
	// Output:
	// application/jwk-set+json public, max-age=300
	// {"keys":[]}
}

// A verifier that sees the route's scopes, like a FastAPI dependency taking
// SecurityScopes; the rejection's challenge names them.
func ExampleRequiredScopes() {
	oauth2 := &security.OAuth2Password{Verify: func(ctx context.Context, token string) (any, error) {
		fmt.Println("verifying for", security.RequiredScopes(ctx))
		return nil, security.ErrInvalidCredentials
	}}
	h := security.Require(oauth2, "me", "items")(http.NotFoundHandler())

	r := httptest.NewRequest("GET", "/users/me/items", nil)
	r.Header.Set("Authorization", "Bearer expired")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
	// Output:
	// verifying for [me items]
	// 401 Bearer error="invalid_token", scope="me items"
}

type exampleClaims struct {
	Name   string
	scopes []string
}

func (c *exampleClaims) HasScope(s string) bool {
	for _, have := range c.scopes {
		if have == s {
			return true
		}
	}
	return false
}

// The typed current user, with the scopes a route needs: a dependency whose
// Get never panics, and which a bind handler's dep field can receive.
func ExampleCurrent() {
	bearer := &security.Bearer{Verify: func(_ context.Context, tok string) (any, error) {
		if tok != "alice-token" {
			return nil, security.ErrInvalidCredentials
		}
		return &exampleClaims{Name: "alice", scopes: []string{"items:read"}}, nil
	}}
	me := security.Current[*exampleClaims](bearer, "items:read")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := me.Get(r)
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "hello ", c.Name)
	})
	for _, tok := range []string{"alice-token", "forged"} {
		r := httptest.NewRequest("GET", "/me", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body)
	}
	// Output:
	// 200 hello alice
	// 401
}
