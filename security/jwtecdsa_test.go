package security

import (
	"crypto/elliptic"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// malleate returns token with its ES256 signature (r, s) rewritten to (r,
// n-s), which ecdsa.Verify accepts just the same.
func malleate(t *testing.T, token string) string {
	t.Helper()
	i := strings.LastIndexByte(token, '.')
	sig, err := b64url.DecodeString(token[i+1:])
	if err != nil || len(sig) != 64 {
		t.Fatalf("not an ES256 signature: %v", err)
	}
	n := elliptic.P256().Params().N
	s := new(big.Int).SetBytes(sig[32:])
	s.Sub(n, s).FillBytes(sig[32:])
	return token[:i+1] + b64url.EncodeToString(sig)
}

// One ES256 token has a single valid spelling: the high-S twin of a
// signature is refused (issue 17, item 4), so that a deny-list keyed by the
// token string cannot be bypassed.
func TestES256Malleability(t *testing.T) {
	tk := keysOnce()
	k, _ := NewKey("ec", "ES256", tk.ec)
	keys, _ := NewKeySet(k)
	v := testVerifier(t, keys)
	h := Require(&OAuth2Password{Verify: v.Verify})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(MustUser[*userClaims](r.Context()).Subject))
	}))
	iss := &Issuer{Keys: keys, Issuer: "https://api.example.com", Audience: []string{"api"}}
	get := func(tok string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return serve(h, r)
	}
	invalid := want{401, map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", error_description="The access token is invalid"`},
		problem(401, "Invalid authentication credentials")}
	lax, _ := NewVerifier[userClaims](keys, VerifierOptions{AllowHighS: true, Issuer: "https://api.example.com", Audience: "api",
		Now: func() time.Time { return testNow }})
	tok := joseSign(t, "ES256", map[string]any{"kid": "ec"}, goodClaims(), tk.ec) // low-S
	twin := malleate(t, tok)
	if _, err := v.Parse(tok); err != nil {
		t.Fatalf("low-S token: %v", err)
	}
	check(t, get(tok), want{200, nil, "alice"})
	if _, err := v.Parse(twin); !errors.Is(err, errHighS) {
		t.Errorf("high-S twin: %v, want errHighS", err)
	}
	check(t, get(twin), invalid)
	if _, err := lax.Parse(twin); err != nil {
		t.Errorf("high-S twin with AllowHighS: %v", err)
	}
	// Our own tokens are always low-S, so they all verify.
	for range 32 {
		claims := &userClaims{Claims: Claims{RegisteredClaims: iss.Registered("bob")}}
		claims.ExpiresAt.Time = testNow.Add(DefaultTTL)
		claims.IssuedAt.Time, claims.NotBefore.Time = testNow, testNow
		tok, err := iss.Sign(claims)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Parse(tok); err != nil {
			t.Fatalf("Issuer signed a token that does not verify: %v", err)
		}
		if _, err := v.Parse(malleate(t, tok)); err == nil {
			t.Fatal("the high-S twin of an issued token verifies")
		}
	}
}
