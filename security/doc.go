// Package security authenticates net/http requests and documents how: HTTP
// Basic, Bearer, the OAuth2 password flow with its token endpoint, OpenID
// Connect, API keys, JWTs, password hashing and identities asserted by a
// fronting proxy, the Go twin of FastAPI's fastapi.security plus what
// FastAPI leaves to the application. Each scheme is a struct whose zero
// value rejects every request; Require turns it into middleware that
// stores the principal in the request's context, answers 401 or 403 with
// the right WWW-Authenticate challenge through stdapi.WriteError, and tells
// docs (through OpenAPISecurity) which scheme and scopes a route needs.
//
//	keys, _ := security.NewKeySet(signingKey)
//	verifier, _ := security.NewVerifier[UserClaims](keys, security.VerifierOptions{Issuer: "api"})
//	oauth2 := &security.OAuth2Password{
//		TokenURL: "token",
//		Scopes:   map[string]string{"items:read": "Read items"},
//		Verify:   verifier.Verify,
//	}
//	mux.Handle("POST /token", &security.TokenEndpoint{Issue: login})
//	mux.Handle("GET /items", security.Require(oauth2, "items:read")(listItems))
//	mux.Handle("GET /.well-known/jwks.json", keys)
//
//	func listItems(w http.ResponseWriter, r *http.Request) {
//		claims := security.MustUser[*UserClaims](r.Context())
//		...
//	}
//
// # Schemes and their answers
//
// A scheme's Verify function returns the principal, ErrInvalidCredentials
// to reject the credentials, a *stdapi.Error to answer with, or any other
// error for a server failure (500, logged, never sent). A nil principal
// without an error is a rejection. Bodies use FastAPI's texts:
//
//	Basic          no credentials   401 "Not authenticated"                  WWW-Authenticate: Basic realm="Restricted"
//	               malformed/wrong  401 "Invalid authentication credentials" WWW-Authenticate: Basic realm="Restricted"
//	Bearer, OAuth2Password, OpenIDConnect
//	               no token         401 "Not authenticated"                  WWW-Authenticate: Bearer
//	               invalid token    401 "Invalid authentication credentials" WWW-Authenticate: Bearer error="invalid_token"[, error_description="..."][, scope="a b"]
//	               missing scope    403 "Not enough permissions"             WWW-Authenticate: Bearer error="insufficient_scope", scope="a b"
//	APIKey         no/empty key     401 "Not authenticated"                  WWW-Authenticate: APIKey
//	               wrong key        401 "Invalid authentication credentials" WWW-Authenticate: APIKey
//	PositConnect, ForwardedUser
//	               no identity      401 "Not authenticated"                  (no challenge: the proxy authenticates)
//	               malformed header 400 "Malformed <header> header"
//
// Other schemes answer a missing scope with 403 "Not enough permissions"
// and no challenge. Principals report scopes by implementing Scoped: Claims
// (the JWT "scope" claim) and Identity (its groups) do. Several
// Authorization headers in one request are rejected as invalid.
//
// # The current user
//
// Current[T](scheme, scopes...) is a dependency on the principal as a T: a
// bind handler's field of type T tagged dep:"" receives it (see bind.Deps,
// docs.Deps), and a provider can call its Get. It answers like Require (401,
// 403), reuses a principal that Require put in the context, and never
// panics: a scheme that declares its principal type (PrincipalTyper) is
// checked at start-up, any other mismatch is a logged 500.
//
// # Required scopes
//
// Require, Optional and Authorize put the scopes a route requires in the
// request's context before the scheme authenticates: RequiredScopes(ctx)
// gives them to a Verify function, as FastAPI's SecurityScopes does, and to
// the handler. Nested guards add up, outermost first. The challenges of the
// bearer schemes name them with RFC 6750's scope attribute (scope="me
// items") when they carry an error (invalid_token, insufficient_scope, or
// a Bearer challenge without scope that Verify wrote itself); the answer
// to a request without a token stays a bare "Bearer", as RFC 6750 §3.1
// asks and FastAPI does.
//
// Optional is Require for routes open to anonymous callers (FastAPI's
// auto_error=False): a request without credentials reaches the handler
// with no principal; invalid credentials are still rejected. Authorize is
// the plain-call form for use inside an existing handler.
//
// # OAuth2 password flow
//
// TokenEndpoint parses the form (ParsePasswordForm: grant_type optional;
// Strict: required), at most MaxFormBytes, with client credentials from the
// form or HTTP Basic (RFC 6749 §2.3.1), and answers
// {"access_token":"...","token_type":"bearer","expires_in":900} with
// Cache-Control: no-store and Pragma: no-cache, or an RFC 6749 §5.2 error
// such as {"error":"invalid_grant","error_description":"Incorrect username
// or password"} (400; invalid_client is 401 with WWW-Authenticate).
//
// # JWT
//
// NewKey pins one algorithm per key (HS256, HS384, HS512, RS256, ES256,
// EdDSA); a KeySet holds keys by "kid", rotates them (Add, Use, Remove) and
// serves the public ones as a JWK Set (its ServeHTTP, application/jwk-set+json,
// which its OpenAPIOperation documents for package docs). An Issuer signs with
// the set's signing key; a Verifier[C] decodes claims into C and rejects,
// with 401 error="invalid_token", tokens whose alg is not their key's
// (including "none" and HS256 signed with an RSA public key), unknown kids,
// bad signatures, malformed tokens, tokens over MaxTokenBytes (default 8
// KiB), expired or not yet valid tokens (exp is required; Leeway default
// 0), and wrong iss or aud when VerifierOptions sets them. ES256 signatures
// are malleable ((r, s) and (r, n-s) both verify), so keys sign low-S and
// verifiers refuse high-S signatures: a token has one spelling, and a
// deny-list keyed by the token string holds (AllowHighS, for issuers that
// do not normalise, gives that up; key deny-lists by jti then). Claims are
// matched case-sensitively, unlike encoding/json: a key that differs from a
// field's JSON name only by case ("Exp", "SCOPE", "EMAIL", at any depth of
// C) makes the token invalid rather than filling the field, and exp, nbf
// and iat must be JSON numbers ("exp":"1800000600" is refused).
//
// # Passwords
//
// Hasher hashes with argon2id (OWASP defaults m=19456 KiB, t=2, p=1) in PHC
// format and verifies argon2id and bcrypt ($2a$, $2b$, $2y$; $2x$ is
// refused). A password over 72 bytes, which bcrypt would truncate, never
// matches a bcrypt hash: it is a plain mismatch (401, not a 500 that would
// tell which users have bcrypt hashes) and costs a full comparison. At
// most MaxConcurrent (default GOMAXPROCS) hashes run at once; waiting
// callers give up when their context ends. NeedsRehash tells when a stored
// hash should be replaced after a successful login. Verify with an empty
// hash for unknown users, so that timing does not reveal which usernames
// exist.
//
// # API keys
//
// APIKey reads a header (default X-API-Key), a query parameter or a cookie,
// or "Authorization: Key <key>" with AuthScheme "Key" (Posit Connect's
// convention). An empty key counts as missing. KeyHashes stores only
// SHA-256 digests of keys and compares in constant time; Equal compares
// secrets in constant time.
//
// # Proxy identity
//
// PositConnect reads Posit Connect's RStudio-Connect-Credentials header
// (its members matched case-sensitively: {"USER":"x"} is a 400, not user
// x) and ForwardedUser reads X-Forwarded-User and X-Forwarded-Groups.
// Anyone who reaches the application directly can send these headers, so
// they are honoured only from peers listed in ProxyTrust.TrustedProxies
// (or with TrustAllProxies, when only the proxy can reach the
// application); the zero value trusts nobody. Headers are bounded by
// MaxHeaderBytes (default 8 KiB) and a malformed one is a 400, never a
// 500.
//
// Trusting loopback peers trusts every local browser too: a page on another
// origin can reach a loopback application by DNS rebinding and send the
// headers itself. From a loopback peer the headers are therefore honoured
// only with a loopback Host (localhost, 127.0.0.0/8, [::1]), which the
// rebinding page cannot send, or with one of ProxyTrust.AllowedHosts when
// set; list there the Host your proxy sends if it forwards the public one.
//
// # WebSockets
//
// Schemes work on upgrade requests as on any other: browsers cannot set
// headers on a WebSocket, so APIKey with In "query" or "cookie" fits, and
// bearer schemes accept, only when their WebSocket field enables it, a
// token in a query parameter (WebSocketAuth.Query) or in
// Sec-WebSocket-Protocol as "bearer, <token>" (WebSocketAuth.Protocol; the
// server must select the "bearer" subprotocol, never echo the token).
// Tokens in URLs end up in access logs and browser history: prefer the
// subprotocol or a cookie, and short-lived tokens.
//
// # Throttling failed logins
//
// Throttle limits password guessing: in front of a TokenEndpoint (it reads
// the form's username and puts the body back) or of a route behind Basic,
// it counts failed logins (400 or 401 answers) per username and per client
// address, by default 5 per user and 20 per address in 15 minutes, and
// then answers 429 Too Many Requests with Retry-After and a problem body
// before the handler runs, so no password is hashed, even the right one.
// Attempts in progress count, so concurrent guesses cannot overtake the
// limit; a success resets the user's count. Counts live in a
// MemoryThrottleStore (at most MaxKeys, default 100000, evicting the
// oldest) or, shared by several instances, in any ThrottleStore (Redis:
// INCRBY and PEXPIRE). IPv6 addresses count by /64; behind a proxy, set
// Proxies so that the address comes from X-Forwarded-For.
//
//	throttle := &security.Throttle{}
//	mux.Handle("POST /token", throttle.Middleware(&security.TokenEndpoint{Issue: login}))
//	mux.Handle("GET /admin", throttle.Middleware(security.Require(basic)(admin)))
//
// # Deliberate differences from FastAPI
//
//   - Missing credentials are a 401 with a challenge (RFC 9110 §15.5.2), as in
//     FastAPI ≥ 0.122.0; older FastAPI answers 403 from HTTPBearer and the API
//     key classes.
//   - Basic challenges carry a realm (default "Restricted"), which RFC 7617 §2
//     requires; FastAPI's HTTPBasic sends a bare "Basic" unless given one.
//   - A token without a needed scope is a 403 with error="insufficient_scope"
//     (RFC 6750 §3.1); the FastAPI tutorial on scopes answers 401 "Not enough
//     permissions".
//   - TokenEndpoint answers RFC 6749 §5.2 errors
//     ({"error":"invalid_grant",...}); the FastAPI tutorial answers 400
//     {"detail":"Incorrect username or password"}, and 422 for a missing form
//     field.
//   - PositConnect answers 400 for a malformed RStudio-Connect-Credentials
//     header (RFC 9110 §15.5.1); the seed's FastAPI program, which calls
//     json.loads on it, answers 500.
//
// # CORS and CSRF
//
// security does neither; compose it with rs/cors and Go's
// http.CrossOriginProtection (Go 1.25+). CORS goes outermost so that
// preflight requests, which carry no credentials, are answered before
// Require rejects them; cross-origin protection rejects unsafe
// cross-origin browser requests before authentication, which matters for
// credentials browsers send on their own (cookies, Basic):
//
//	api := security.Require(oauth2, "items:write")(itemsHandler)
//	csrf := http.NewCrossOriginProtection()
//	csrf.AddTrustedOrigin("https://app.example.com")
//	c := cors.New(cors.Options{
//		AllowedOrigins:   []string{"https://app.example.com"},
//		AllowedHeaders:   []string{"Authorization", "Content-Type"},
//		AllowCredentials: true,
//	})
//	http.ListenAndServe(addr, c.Handler(csrf.Handler(api)))
//
// Bearer tokens and API keys in headers are not sent by browsers on their
// own, so they are not exposed to CSRF; cookies and Basic credentials are.
package security
