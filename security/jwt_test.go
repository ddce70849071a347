package security

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// This file checks JWTs against an independent implementation: the few
// lines of JWS (RFC 7515) below use only crypto/* and encoding/*.

var b64url = base64.RawURLEncoding

// joseSign signs header and claims (JSON-encoded as given) with alg.
func joseSign(t testing.TB, alg string, header, claims map[string]any, key any) string {
	t.Helper()
	h := map[string]any{"alg": alg, "typ": "JWT"}
	for k, v := range header {
		h[k] = v
	}
	hj, _ := json.Marshal(h)
	cj, _ := json.Marshal(claims)
	input := b64url.EncodeToString(hj) + "." + b64url.EncodeToString(cj)
	sig, err := joseSignature(alg, []byte(input), key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64url.EncodeToString(sig)
}

func joseHash(alg string) (crypto.Hash, func() hash.Hash) {
	switch alg[2:] {
	case "384":
		return crypto.SHA384, sha512.New384
	case "512":
		return crypto.SHA512, sha512.New
	}
	return crypto.SHA256, sha256.New
}

func joseSignature(alg string, input []byte, key any) ([]byte, error) {
	switch {
	case alg == "none":
		return nil, nil
	case alg == "EdDSA":
		return ed25519.Sign(key.(ed25519.PrivateKey), input), nil
	case strings.HasPrefix(alg, "HS"):
		_, h := joseHash(alg)
		m := hmac.New(h, key.([]byte))
		m.Write(input)
		return m.Sum(nil), nil
	case alg == "RS256":
		d := sha256.Sum256(input)
		return rsa.SignPKCS1v15(rand.Reader, key.(*rsa.PrivateKey), crypto.SHA256, d[:])
	case alg == "ES256":
		d := sha256.Sum256(input)
		r, s, err := ecdsa.Sign(rand.Reader, key.(*ecdsa.PrivateKey), d[:])
		if err != nil {
			return nil, err
		}
		// Low-S, as the Verifier requires (n-s is the twin of s).
		if n := elliptic.P256().Params().N; s.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
			s.Sub(n, s)
		}
		sig := make([]byte, 64) // JOSE: fixed-width r || s, not ASN.1
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return sig, nil
	}
	return nil, fmt.Errorf("joseSign: %s", alg)
}

// joseVerify checks token's signature with alg and key and returns its
// claims; it checks no claim.
func joseVerify(token, alg string, key any) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not three parts")
	}
	var h map[string]any
	hj, err := b64url.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hj, &h) != nil || h["alg"] != alg {
		return nil, fmt.Errorf("bad header %s", hj)
	}
	sig, err := b64url.DecodeString(parts[2])
	if err != nil {
		return nil, err
	}
	input := []byte(parts[0] + "." + parts[1])
	d := sha256.Sum256(input)
	ok := false
	switch alg {
	case "HS256", "HS384", "HS512":
		want, _ := joseSignature(alg, input, key)
		ok = hmac.Equal(sig, want)
	case "RS256":
		ok = rsa.VerifyPKCS1v15(key.(*rsa.PublicKey), crypto.SHA256, d[:], sig) == nil
	case "ES256":
		ok = len(sig) == 64 && ecdsa.Verify(key.(*ecdsa.PublicKey), d[:],
			new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	case "EdDSA":
		ok = ed25519.Verify(key.(ed25519.PublicKey), input, sig)
	}
	if !ok {
		return nil, errors.New("bad signature")
	}
	var claims map[string]any
	cj, err := b64url.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	return claims, json.Unmarshal(cj, &claims)
}

type testKeys struct {
	rsa     *rsa.PrivateKey
	ec      *ecdsa.PrivateKey
	ed      ed25519.PrivateKey
	hs256   []byte
	hs384   []byte
	hs512   []byte
	rsaPEM  []byte
	rsaDER  []byte
	private map[string]any // by alg
	public  map[string]any
}

var keysOnce = sync.OnceValue(func() *testKeys {
	k := &testKeys{hs256: bytes.Repeat([]byte("k"), 32), hs384: bytes.Repeat([]byte("l"), 48), hs512: bytes.Repeat([]byte("m"), 64)}
	var err error
	if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	if _, k.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
		panic(err)
	}
	k.rsaDER, _ = x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	k.rsaPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: k.rsaDER})
	k.private = map[string]any{"HS256": k.hs256, "HS384": k.hs384, "HS512": k.hs512, "RS256": k.rsa, "ES256": k.ec, "EdDSA": k.ed}
	k.public = map[string]any{"HS256": k.hs256, "HS384": k.hs384, "HS512": k.hs512, "RS256": &k.rsa.PublicKey, "ES256": &k.ec.PublicKey, "EdDSA": k.ed.Public()}
	return k
})

var algs = []string{"HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA"}

// testNow is the verifiers' clock.
var testNow = time.Unix(1_800_000_000, 0)

type userClaims struct {
	Claims
	Email string `json:"email,omitempty"`
}

// allKeys returns a set with one key per algorithm, its id the algorithm.
func allKeys(t testing.TB, public bool) *KeySet {
	t.Helper()
	tk := keysOnce()
	src := tk.private
	if public {
		src = tk.public
	}
	var keys []*Key
	for _, alg := range algs {
		k, err := NewKey(alg, alg, src[alg])
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	s, err := NewKeySet(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testVerifier(t testing.TB, keys *KeySet) *Verifier[userClaims] {
	t.Helper()
	v, err := NewVerifier[userClaims](keys, VerifierOptions{Issuer: "https://api.example.com", Audience: "api", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// goodClaims are valid at testNow for testVerifier.
func goodClaims() map[string]any {
	return map[string]any{
		"iss": "https://api.example.com", "aud": "api", "sub": "alice", "scope": "me items:read",
		"iat": testNow.Unix() - 10, "nbf": testNow.Unix() - 10, "exp": testNow.Unix() + 600, "email": "a@example.com",
	}
}

func withClaim(k string, v any) map[string]any {
	c := goodClaims()
	if v == nil {
		delete(c, k)
	} else {
		c[k] = v
	}
	return c
}

func TestJWTInterop(t *testing.T) {
	tk := keysOnce()
	ours := allKeys(t, false)
	v := testVerifier(t, allKeys(t, true))
	for _, alg := range algs {
		t.Run(alg, func(t *testing.T) {
			// Theirs -> ours.
			tok := joseSign(t, alg, map[string]any{"kid": alg}, goodClaims(), tk.private[alg])
			c, err := v.Parse(tok)
			if err != nil {
				t.Fatalf("independent token rejected: %v", err)
			}
			if c.Subject != "alice" || c.Email != "a@example.com" || strings.Join(c.Scopes(), ",") != "me,items:read" {
				t.Errorf("claims = %+v", c)
			}
			// Ours -> theirs.
			k := ours.lookup(alg)
			ours.Use(alg)
			iss := &Issuer{Keys: ours, Issuer: "https://api.example.com", Audience: []string{"api"}}
			signed, err := iss.Sign(&userClaims{Claims: Claims{RegisteredClaims: iss.Registered("bob"), Scope: "me"}, Email: "b@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := joseVerify(signed, k.alg, tk.public[alg])
			if err != nil {
				t.Fatalf("independent verifier rejects our token: %v", err)
			}
			if got["sub"] != "bob" || got["email"] != "b@example.com" || got["iss"] != "https://api.example.com" {
				t.Errorf("claims seen by the independent verifier: %v", got)
			}
			// Ours -> golang-jwt directly.
			parsed, err := jwt.ParseWithClaims(signed, &userClaims{}, func(*jwt.Token) (any, error) { return tk.public[alg], nil },
				jwt.WithValidMethods([]string{alg}), jwt.WithAudience("api"))
			if err != nil || parsed.Claims.(*userClaims).Subject != "bob" || parsed.Header["kid"] != alg {
				t.Fatalf("golang-jwt rejects our token: %v", err)
			}
			// golang-jwt directly -> ours.
			gt := jwt.NewWithClaims(jwt.GetSigningMethod(alg), jwt.MapClaims(goodClaims()))
			gt.Header["kid"] = alg
			gs, err := gt.SignedString(tk.private[alg])
			if err != nil {
				t.Fatal(err)
			}
			sig, _ := b64url.DecodeString(gs[strings.LastIndexByte(gs, '.')+1:])
			if alg == "ES256" && highS(sig) {
				// golang-jwt signs high-S half the time: refused unless
				// AllowHighS.
				if _, err := v.Parse(gs); !errors.Is(err, errHighS) {
					t.Fatalf("high-S golang-jwt token: %v, want errHighS", err)
				}
				lax, _ := NewVerifier[userClaims](v.keys, VerifierOptions{AllowHighS: true, Now: func() time.Time { return testNow }})
				if _, err := lax.Parse(gs); err != nil {
					t.Fatalf("high-S golang-jwt token rejected with AllowHighS: %v", err)
				}
			} else if _, err := v.Parse(gs); err != nil {
				t.Fatalf("golang-jwt token rejected: %v", err)
			}
		})
	}
}

func TestJWTAttacks(t *testing.T) {
	tk := keysOnce()
	v := testVerifier(t, allKeys(t, true))
	h := Require(&OAuth2Password{Verify: v.Verify}, "me")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(MustUser[*userClaims](r.Context()).Email))
	}))
	sign := func(alg, kid string, claims map[string]any, key any) string {
		hdr := map[string]any{}
		if kid != "" {
			hdr["kid"] = kid
		}
		return joseSign(t, alg, hdr, claims, key)
	}
	good := sign("RS256", "RS256", goodClaims(), tk.rsa)
	parts := strings.Split(good, ".")
	flipped := []byte(parts[2])
	if flipped[10] = 'A'; parts[2][10] == 'A' {
		flipped[10] = 'B'
	}
	big := sign("HS256", "HS256", withClaim("pad", strings.Repeat("x", DefaultMaxTokenBytes)), tk.hs256)

	const (
		invalid  = `Bearer error="invalid_token", error_description="The access token is invalid", scope="me"`
		expired  = `Bearer error="invalid_token", error_description="The access token expired", scope="me"`
		notYet   = `Bearer error="invalid_token", error_description="The access token is not valid yet", scope="me"`
		malform  = `Bearer error="invalid_token", error_description="The access token is malformed", scope="me"`
		notAuthn = "Bearer" // RFC 6750 §3.1: no error information without a token
	)
	tests := []struct {
		name      string
		token     string
		challenge string
	}{
		{"alg none", sign("none", "RS256", goodClaims(), nil), invalid},
		{"alg none without kid", sign("none", "", goodClaims(), nil), invalid},
		{"alg None", strings.Replace(sign("none", "RS256", goodClaims(), nil), b64url.EncodeToString([]byte(`{"alg":"none"`)), b64url.EncodeToString([]byte(`{"alg":"None"`)), 1), invalid},
		{"HS256 with RSA public key PEM", sign("HS256", "RS256", goodClaims(), tk.rsaPEM), invalid},
		{"HS256 with RSA public key DER", sign("HS256", "RS256", goodClaims(), tk.rsaDER), invalid},
		{"HS256 with RSA PEM, no kid", sign("HS256", "", goodClaims(), tk.rsaPEM), invalid},
		{"HS384 under HS256 key", sign("HS384", "HS256", goodClaims(), tk.hs256), invalid},
		{"RS256 under ES256 key id", sign("RS256", "ES256", goodClaims(), tk.rsa), invalid},
		{"expired", sign("ES256", "ES256", withClaim("exp", testNow.Unix()-1), tk.ec), expired},
		{"no exp", sign("ES256", "ES256", withClaim("exp", nil), tk.ec), invalid},
		{"nbf in future", sign("EdDSA", "EdDSA", withClaim("nbf", testNow.Unix()+60), tk.ed), notYet},
		{"iat in future", sign("EdDSA", "EdDSA", withClaim("iat", testNow.Unix()+60), tk.ed), notYet},
		{"wrong aud", sign("HS256", "HS256", withClaim("aud", "other"), tk.hs256), invalid},
		{"no aud", sign("HS256", "HS256", withClaim("aud", nil), tk.hs256), invalid},
		{"wrong iss", sign("HS512", "HS512", withClaim("iss", "https://evil.example.com"), tk.hs512), invalid},
		{"exp as string", sign("HS256", "HS256", withClaim("exp", "soon"), tk.hs256), invalid},
		{"bad signature", parts[0] + "." + parts[1] + "." + string(flipped), invalid},
		{"signature of other key", sign("HS256", "HS256", goodClaims(), bytes.Repeat([]byte("z"), 32)), invalid},
		{"truncated", parts[0] + "." + parts[1] + ".", invalid},
		{"two parts", parts[0] + "." + parts[1], invalid},
		{"four parts", good + ".x", invalid},
		{"garbage", "abc", invalid},
		{"bad base64 header", "!!!." + parts[1] + "." + parts[2], malform},
		{"header not json", b64url.EncodeToString([]byte("nope")) + "." + parts[1] + "." + parts[2], invalid},
		{"padded", parts[0] + "=." + parts[1] + "." + parts[2], malform},
		{"non-canonical base64", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-1] + nonCanonical(parts[2][len(parts[2])-1]), invalid},
		{"oversized", big, invalid},
		{"crit header", joseSign(t, "HS256", map[string]any{"kid": "HS256", "crit": []string{"exp"}, "exp": 1}, goodClaims(), tk.hs256), invalid},
		{"unknown kid", sign("HS256", "HS999", goodClaims(), tk.hs256), invalid},
		{"no kid, many keys", sign("HS256", "", goodClaims(), tk.hs256), invalid},
		{"empty", "", notAuthn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "Bearer "+tt.token)
			detail := "Invalid authentication credentials"
			if tt.challenge == notAuthn {
				detail = "Not authenticated"
			}
			check(t, serve(h, r), want{401, map[string]string{"WWW-Authenticate": tt.challenge}, problem(401, detail)})
		})
	}
	t.Run("good", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer "+good)
		check(t, serve(h, r), want{200, nil, "a@example.com"})
	})
	t.Run("insufficient scope", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer "+sign("RS256", "RS256", withClaim("scope", "items:read"), tk.rsa))
		check(t, serve(h, r), want{403, map[string]string{"WWW-Authenticate": `Bearer error="insufficient_scope", scope="me"`},
			problem(403, "Not enough permissions")})
	})
}

func TestClaimsScopes(t *testing.T) {
	c := &Claims{Scope: " me  items:read\tadmin "}
	if got := c.Scopes(); strings.Join(got, ",") != "me,items:read,admin" {
		t.Errorf("Scopes = %q", got)
	}
	for s, want := range map[string]bool{"me": true, "items:read": true, "admin": true, "items": false, "": false, "me items:read": false} {
		if c.HasScope(s) != want {
			t.Errorf("HasScope(%q) = %v", s, !want)
		}
	}
	if (&Claims{}).HasScope("me") || len((&Claims{}).Scopes()) != 0 {
		t.Error("empty scope claim grants scopes")
	}
}

func TestVerifierOptions(t *testing.T) {
	tk := keysOnce()
	k, _ := NewKey("only", "HS256", tk.hs256)
	keys, _ := NewKeySet(k)
	tok := joseSign(t, "HS256", nil, map[string]any{"exp": testNow.Unix() - 20, "aud": []string{"x", "api"}}, tk.hs256)
	strict, _ := NewVerifier[jwt.RegisteredClaims](keys, VerifierOptions{Now: func() time.Time { return testNow }})
	if _, err := strict.Parse(tok); !errors.Is(err, jwt.ErrTokenExpired) {
		t.Errorf("no leeway: %v", err)
	}
	lenient, _ := NewVerifier[jwt.RegisteredClaims](keys, VerifierOptions{Audience: "api", Leeway: 30 * time.Second, Now: func() time.Time { return testNow }})
	if c, err := lenient.Parse(tok); err != nil || c.Audience[1] != "api" {
		t.Errorf("leeway 30s, token without kid in a one-key set: %v", err)
	}
	small, _ := NewVerifier[jwt.RegisteredClaims](keys, VerifierOptions{MaxTokenBytes: 20, Leeway: time.Minute, Now: func() time.Time { return testNow }})
	if _, err := small.Parse(tok); !errors.Is(err, errTokenTooLarge) {
		t.Errorf("MaxTokenBytes: %v", err)
	}
	if _, err := NewVerifier[struct{ Name string }](keys, VerifierOptions{}); err == nil {
		t.Error("NewVerifier accepted a type that is not jwt.Claims")
	}
	if _, err := NewVerifier[jwt.RegisteredClaims](nil, VerifierOptions{}); err == nil {
		t.Error("NewVerifier accepted a nil KeySet")
	}
	// Real clock: a fresh token from an Issuer verifies.
	iss := &Issuer{Keys: keys, TTL: time.Minute}
	fresh, err := iss.Sign(iss.Registered("carol"))
	if err != nil {
		t.Fatal(err)
	}
	now, _ := NewVerifier[jwt.RegisteredClaims](keys, VerifierOptions{})
	if c, err := now.Parse(fresh); err != nil || c.Subject != "carol" || c.ExpiresAt.Sub(c.IssuedAt.Time) != time.Minute || c.ID == "" {
		t.Errorf("fresh token: %+v %v", c, err)
	}
}

func TestKeyRotation(t *testing.T) {
	tk := keysOnce()
	old, _ := NewKey("2026-01", "ES256", tk.ec)
	keys, _ := NewKeySet(old)
	iss := &Issuer{Keys: keys}
	v, _ := NewVerifier[jwt.RegisteredClaims](keys, VerifierOptions{})
	before, _ := iss.Sign(iss.Registered("a"))

	next, _ := NewKey("2026-02", "EdDSA", tk.ed)
	if err := keys.Add(next); err != nil {
		t.Fatal(err)
	}
	if err := keys.Add(next); err == nil {
		t.Error("duplicate kid accepted")
	}
	if err := keys.Use("2026-02"); err != nil {
		t.Fatal(err)
	}
	after, _ := iss.Sign(iss.Registered("b"))
	for _, tok := range []string{before, after} {
		if _, err := v.Parse(tok); err != nil {
			t.Errorf("during rotation: %v", err)
		}
	}
	if tok, _ := jwt.NewParser().Parse(after, func(*jwt.Token) (any, error) { return tk.ed.Public(), nil }); tok.Header["kid"] != "2026-02" || tok.Method.Alg() != "EdDSA" {
		t.Errorf("new token header %v", tok.Header)
	}
	keys.Remove("2026-01")
	if _, err := v.Parse(before); !errors.Is(err, errUnknownKey) {
		t.Errorf("token of a removed key: %v", err)
	}
	if _, err := v.Parse(after); err != nil {
		t.Errorf("after rotation: %v", err)
	}
	keys.Remove("2026-02")
	if _, err := iss.Sign(iss.Registered("c")); err == nil {
		t.Error("signed without a signing key")
	}
	if err := keys.Use("nope"); err == nil {
		t.Error("Use of an unknown key accepted")
	}
	if _, err := (&Issuer{}).Sign(jwt.RegisteredClaims{}); err == nil {
		t.Error("Issuer without keys signed")
	}
}

func TestNewKey(t *testing.T) {
	tk := keysOnce()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	bad := []struct {
		alg string
		key any
	}{
		{"none", nil}, {"RS512", tk.rsa}, {"PS256", tk.rsa}, {"HS256", "string secret"}, {"HS256", make([]byte, 31)},
		{"HS384", make([]byte, 32)}, {"HS512", make([]byte, 63)}, {"RS256", small}, {"RS256", &small.PublicKey},
		{"RS256", tk.hs256}, {"RS256", tk.ec}, {"ES256", p384}, {"ES256", tk.rsa}, {"EdDSA", tk.ec},
		{"EdDSA", ed25519.PrivateKey(make([]byte, 10))}, {"EdDSA", ed25519.PublicKey(make([]byte, 10))},
	}
	for _, b := range bad {
		if _, err := NewKey("k", b.alg, b.key); err == nil {
			t.Errorf("NewKey(%s, %T) accepted", b.alg, b.key)
		}
	}
	for _, alg := range algs {
		priv, err := NewKey("p", alg, tk.private[alg])
		if err != nil || !priv.CanSign() || priv.Algorithm() != alg || priv.ID() != "p" {
			t.Errorf("NewKey(%s, private) = %v, %v", alg, priv, err)
		}
		pub, err := NewKey("p", alg, tk.public[alg])
		if err != nil || pub.CanSign() != strings.HasPrefix(alg, "HS") {
			t.Errorf("NewKey(%s, public) = %v, %v", alg, pub, err)
		}
	}
	secret := bytes.Repeat([]byte("s"), 32)
	k, _ := NewKey("s", "HS256", secret)
	secret[0] = 'x'
	if !bytes.Equal(k.sign.([]byte), bytes.Repeat([]byte("s"), 32)) {
		t.Error("NewKey kept a reference to the caller's secret")
	}
	if _, err := NewKeySet(k, k); err == nil {
		t.Error("NewKeySet accepted duplicate ids")
	}
	if err := (&KeySet{}).Add(nil); err == nil {
		t.Error("Add(nil) accepted")
	}
}

func TestJWKS(t *testing.T) {
	tk := keysOnce()
	keys := allKeys(t, false)
	rec := serve(keys, httptest.NewRequest("GET", "/.well-known/jwks.json", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/jwk-set+json" ||
		rec.Header().Get("Cache-Control") != "public, max-age=300" || rec.Header().Get("ETag") == "" {
		t.Fatalf("JWKS response %d %v", rec.Code, rec.Header())
	}
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Keys) != 3 {
		t.Fatalf("JWKS has %d keys, want 3 (no HMAC secrets): %s", len(doc.Keys), rec.Body)
	}
	dec := func(s string) []byte {
		b, err := b64url.DecodeString(s)
		if err != nil {
			t.Fatalf("JWK member %q: %v", s, err)
		}
		return b
	}
	for _, j := range doc.Keys {
		if j["use"] != "sig" || j["kid"] != j["alg"] {
			t.Errorf("JWK %v", j)
		}
		switch j["kty"] {
		case "RSA":
			pub := &rsa.PublicKey{N: new(big.Int).SetBytes(dec(j["n"])), E: int(new(big.Int).SetBytes(dec(j["e"])).Int64())}
			if !pub.Equal(&tk.rsa.PublicKey) || j["alg"] != "RS256" || j["e"] != "AQAB" {
				t.Errorf("RSA JWK %v", j)
			}
		case "EC":
			x, y := dec(j["x"]), dec(j["y"])
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
			if err != nil || !pub.Equal(&tk.ec.PublicKey) || j["crv"] != "P-256" || len(x) != 32 || len(y) != 32 {
				t.Errorf("EC JWK %v: %v", j, err)
			}
		case "OKP":
			if !ed25519.PublicKey(dec(j["x"])).Equal(tk.ed.Public()) || j["crv"] != "Ed25519" {
				t.Errorf("OKP JWK %v", j)
			}
		default:
			t.Errorf("unexpected JWK %v", j)
		}
		if j["d"] != "" || j["k"] != "" || j["p"] != "" {
			t.Errorf("JWK leaks private material: %v", j)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	check(t, serve(keys, r), want{304, map[string]string{"ETag": rec.Header().Get("ETag")}, ""})
	keys.Remove("ES256")
	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	if rec2 := serve(keys, r); rec2.Code != 200 || strings.Contains(rec2.Body.String(), `"EC"`) {
		t.Errorf("after removal: %d %s", rec2.Code, rec2.Body)
	}
	check(t, serve(&KeySet{}, httptest.NewRequest("GET", "/", nil)), want{200, map[string]string{"Content-Type": "application/jwk-set+json"}, `{"keys":[]}`})
	check(t, serve(keys, httptest.NewRequest("HEAD", "/", nil)), want{200, nil, ""})
}

func FuzzVerifier(f *testing.F) {
	tk := keysOnce()
	keys := allKeys(f, true)
	v := testVerifier(f, keys)
	f.Add(joseSign(f, "HS256", map[string]any{"kid": "HS256"}, goodClaims(), tk.hs256))
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := v.Parse(tok)
		if err == nil && (c.Issuer != "https://api.example.com" || c.ExpiresAt == nil) {
			t.Fatalf("accepted %q with claims %+v", tok, c)
		}
	})
}

// nonCanonical returns another base64url digit that decodes to the same
// bytes when c is the last digit of an unpadded group (its low bits unused).
func nonCanonical(c byte) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(digits, c)
	return string(digits[i^1])
}

// The JWKS endpoint is documented as served: its media type (a client
// reading the documented type refuses another), the members of its keys.
func TestJWKSDescribed(t *testing.T) {
	keys := allKeys(t, false)
	rec := serve(keys, httptest.NewRequest("GET", "/.well-known/jwks.json", nil))
	op := keys.OpenAPIOperation()
	ok200 := op["responses"].(map[string]any)["200"].(map[string]any)
	content := ok200["content"].(map[string]any)
	mt, found := content[rec.Header().Get("Content-Type")].(map[string]any)
	if !found || len(content) != 1 {
		t.Fatalf("documented content %v, served %q", content, rec.Header().Get("Content-Type"))
	}
	key := mt["schema"].(map[string]any)["properties"].(map[string]any)["keys"].(map[string]any)["items"].(map[string]any)
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, j := range doc.Keys {
		for _, r := range key["required"].([]any) {
			if _, ok := j[r.(string)].(string); !ok {
				t.Errorf("JWK %v lacks required string member %v", j, r)
			}
		}
		for k, v := range j {
			if _, ok := v.(string); !ok {
				t.Errorf("JWK member %s = %v is not a string, as documented", k, v)
			}
		}
	}
	if _, ok := op["responses"].(map[string]any)["304"]; !ok {
		t.Error("304 not documented")
	}
}
