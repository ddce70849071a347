package security

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the registered JWT claims plus OAuth2's "scope" claim (RFC
// 8693 §4.2, space-separated). Embed it in an application's claims type so
// that its principal reports its scopes to Require:
//
//	type UserClaims struct {
//		security.Claims
//		Email string `json:"email"`
//	}
type Claims struct {
	jwt.RegisteredClaims
	Scope string `json:"scope,omitempty"`
}

// Scopes returns the scopes of the "scope" claim; it implements Scoped.
func (c *Claims) Scopes() []string { return strings.Fields(c.Scope) }

// HasScope reports whether the "scope" claim lists scope. Require uses it,
// when a principal has it, instead of Scopes, to check scopes without
// allocating.
func (c *Claims) HasScope(scope string) bool {
	for s := range strings.FieldsSeq(c.Scope) {
		if s == scope {
			return true
		}
	}
	return false
}

// Issuer signs tokens with the signing key of Keys.
type Issuer struct {
	// Keys holds the signing key; required.
	Keys *KeySet
	// Issuer is the "iss" claim. Default none.
	Issuer string
	// Audience is the "aud" claim. Default none.
	Audience []string
	// TTL is the lifetime of a token. Default 15 minutes.
	TTL time.Duration
}

// DefaultTTL is the token lifetime of an Issuer without TTL.
const DefaultTTL = 15 * time.Minute

// Registered returns registered claims for subject: iss, sub, aud, a
// random jti, iat and nbf now, and exp after TTL. Put them in the claims
// given to Sign.
func (i *Issuer) Registered(subject string) jwt.RegisteredClaims {
	now := time.Now().Truncate(time.Second)
	ttl := i.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return jwt.RegisteredClaims{
		Issuer:    i.Issuer,
		Subject:   subject,
		Audience:  jwt.ClaimStrings(i.Audience),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		NotBefore: jwt.NewNumericDate(now),
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        rand.Text(),
	}
}

// Sign returns claims as a compact JWS signed with the signing key, whose
// id goes in the "kid" header. It fails when Keys has no signing key.
func (i *Issuer) Sign(claims jwt.Claims) (string, error) {
	if i.Keys == nil {
		return "", errors.New("security: Issuer has no Keys")
	}
	k := i.Keys.signer()
	if k == nil {
		return "", errors.New("security: Issuer's key set has no signing key")
	}
	t := jwt.NewWithClaims(k.method, claims)
	t.Header["kid"] = k.id
	s, err := t.SignedString(k.sign)
	if err != nil {
		return "", fmt.Errorf("security: signing token: %w", err)
	}
	return s, nil
}

// VerifierOptions configure a Verifier. Their zero values are the strict
// defaults.
type VerifierOptions struct {
	// Issuer, when set, is the required "iss" claim.
	Issuer string
	// Audience, when set, must be among the "aud" claim.
	Audience string
	// Leeway tolerates clock skew in exp, nbf and iat. Default 0.
	Leeway time.Duration
	// MaxTokenBytes rejects longer tokens before parsing them. Default
	// DefaultMaxTokenBytes.
	MaxTokenBytes int
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// AllowHighS accepts ES256 signatures whose s is over n/2. Each ES256
	// signature (r, s) has a twin (r, n-s) that verifies as well, so by
	// default only the low-S one is accepted and a token has one spelling
	// (a deny-list keyed by the token string cannot be bypassed). Issuers
	// sign low-S; set AllowHighS only to verify tokens from an issuer that
	// does not (such as golang-jwt or crypto/ecdsa used directly, which
	// sign high-S half the time), and key deny-lists by "jti". Default
	// false.
	AllowHighS bool
}

// DefaultMaxTokenBytes is the largest token a Verifier parses by default.
const DefaultMaxTokenBytes = 8 << 10

// Verifier verifies tokens signed with the keys of a KeySet and decodes
// their claims into a C, a struct embedding jwt.RegisteredClaims (or
// Claims). Every token must carry exp; nbf and iat are checked when
// present; the token's alg must be the pinned algorithm of the key its kid
// names; tokens with a "crit" header are refused. Keys are matched to C's
// fields case-sensitively: a claim whose key differs from a field's JSON
// name only by case (such as "SCOPE" or "Exp"), in C or in a struct inside
// it, makes the token invalid, as do exp, nbf and iat that are not JSON
// numbers. (A type with its own UnmarshalJSON decodes itself unchecked.)
// Make one with NewVerifier; it is safe for concurrent use.
type Verifier[C any] struct {
	keys       *KeySet
	max        int
	allowHighS bool
	shape      *keyShape
	parser     *jwt.Parser
	keyFunc    jwt.Keyfunc
}

// NewVerifier returns a Verifier of tokens signed with keys. It fails when
// *C does not implement jwt.Claims (embed jwt.RegisteredClaims or Claims).
func NewVerifier[C any](keys *KeySet, opts VerifierOptions) (*Verifier[C], error) {
	if keys == nil {
		return nil, errors.New("security: NewVerifier needs a KeySet")
	}
	if _, ok := any(new(C)).(jwt.Claims); !ok {
		var c C
		return nil, fmt.Errorf("security: *%s does not implement jwt.Claims; embed jwt.RegisteredClaims", typeName(c))
	}
	po := []jwt.ParserOption{jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithStrictDecoding()}
	if opts.Issuer != "" {
		po = append(po, jwt.WithIssuer(opts.Issuer))
	}
	if opts.Audience != "" {
		po = append(po, jwt.WithAudience(opts.Audience))
	}
	if opts.Leeway > 0 {
		po = append(po, jwt.WithLeeway(opts.Leeway))
	}
	if opts.Now != nil {
		po = append(po, jwt.WithTimeFunc(opts.Now))
	}
	v := &Verifier[C]{keys: keys, max: opts.MaxTokenBytes, allowHighS: opts.AllowHighS, parser: jwt.NewParser(po...)}
	if v.max <= 0 {
		v.max = DefaultMaxTokenBytes
	}
	v.keyFunc = v.key
	v.shape = shapeOf(reflect.TypeFor[C]())
	return v, nil
}

var (
	errTokenTooLarge = errors.New("security: token too large")
	errUnknownKey    = errors.New("security: token signed by an unknown key")
	errWrongAlg      = errors.New("security: token algorithm is not the key's")
	errCritical      = errors.New("security: token has critical header parameters")
)

func (v *Verifier[C]) key(t *jwt.Token) (any, error) {
	if _, ok := t.Header["crit"]; ok {
		// RFC 7515 §4.1.11: extensions we do not understand must be refused.
		return nil, errCritical
	}
	kid, _ := t.Header["kid"].(string)
	k := v.keys.lookup(kid)
	if k == nil {
		return nil, errUnknownKey
	}
	if alg, _ := t.Header["alg"].(string); alg != k.alg || t.Method.Alg() != k.alg {
		return nil, errWrongAlg
	}
	if k.alg == "ES256" && !v.allowHighS && highS(t.Signature) {
		return nil, errHighS
	}
	return k.verify, nil
}

// Parse verifies token and returns its claims. Errors wrap golang-jwt's
// (jwt.ErrTokenExpired, jwt.ErrTokenSignatureInvalid, ...).
func (v *Verifier[C]) Parse(token string) (*C, error) {
	if len(token) > v.max {
		return nil, errTokenTooLarge
	}
	c := new(C)
	if _, err := v.parser.ParseWithClaims(token, any(c).(jwt.Claims), v.keyFunc); err != nil {
		return nil, err
	}
	if err := v.checkClaims(token); err != nil {
		return nil, fmt.Errorf("%w: %w", jwt.ErrTokenInvalidClaims, err)
	}
	return c, nil
}

// checkClaims walks the claims of a verified token again to refuse what
// golang-jwt's decoding lets through: keys that differ from a claim's name
// only by case, and exp, nbf or iat that are not numbers.
func (v *Verifier[C]) checkClaims(token string) error {
	payload := token[strings.IndexByte(token, '.')+1:]
	payload = payload[:strings.IndexByte(payload, '.')]
	b, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil {
		return err // not reached: the parser decoded it
	}
	return eachMember(b, func(k string, value []byte) error {
		if err := checkRegistered(k, value); err != nil {
			return err
		}
		if v.shape == nil || v.shape.fields == nil {
			return nil
		}
		return v.shape.checkMember(k, value)
	})
}

// Verify verifies token and returns its claims (a *C) as the principal, or
// an InvalidToken error: "The access token expired", "The access token is
// not valid yet", or "The access token is invalid". Its signature fits
// Bearer.Verify, OAuth2Password.Verify and OpenIDConnect.Verify.
func (v *Verifier[C]) Verify(_ context.Context, token string) (any, error) {
	c, err := v.Parse(token)
	switch {
	case err == nil:
		return c, nil
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, InvalidToken("The access token expired")
	case errors.Is(err, jwt.ErrTokenNotValidYet) || errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return nil, InvalidToken("The access token is not valid yet")
	default:
		return nil, InvalidToken("The access token is invalid")
	}
}
