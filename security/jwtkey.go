package security

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// Key is a JWT signing or verification key with its algorithm pinned: a
// token is verified with a Key only when its "alg" header names the Key's
// algorithm. Make one with NewKey.
type Key struct {
	id     string
	alg    string
	method jwt.SigningMethod
	sign   any // nil for a verification-only key
	verify any
}

// NewKey returns the key id ("kid") for algorithm alg with key material key:
//
//	HS256, HS384, HS512   []byte secret of at least 32, 48, 64 bytes
//	RS256                 *rsa.PrivateKey or *rsa.PublicKey, at least 2048 bits
//	ES256                 *ecdsa.PrivateKey or *ecdsa.PublicKey on P-256
//	EdDSA                 ed25519.PrivateKey or ed25519.PublicKey
//
// A private key (or an HMAC secret) signs and verifies; a public key only
// verifies. ES256 keys sign in low-S form (s <= n/2), the only form a
// Verifier accepts by default. NewKey fails for any other algorithm, including "none", and
// for key material that does not fit alg.
func NewKey(id, alg string, key any) (*Key, error) {
	k := &Key{id: id, alg: alg}
	bad := func(want string) (*Key, error) {
		return nil, fmt.Errorf("security: %s key %q must be %s, not %T", alg, id, want, key)
	}
	switch alg {
	case "HS256", "HS384", "HS512":
		secret, ok := key.([]byte)
		if !ok {
			return bad("a []byte secret")
		}
		minLen := map[string]int{"HS256": 32, "HS384": 48, "HS512": 64}[alg]
		if len(secret) < minLen {
			return nil, fmt.Errorf("security: %s secret %q is %d bytes, want at least %d", alg, id, len(secret), minLen)
		}
		secret = slices.Clone(secret)
		k.sign, k.verify = secret, secret
		k.method = jwt.GetSigningMethod(alg)
	case "RS256":
		var pub *rsa.PublicKey
		switch key := key.(type) {
		case *rsa.PrivateKey:
			k.sign, pub = key, &key.PublicKey
		case *rsa.PublicKey:
			pub = key
		default:
			return bad("*rsa.PrivateKey or *rsa.PublicKey")
		}
		if pub.N == nil || pub.N.BitLen() < 2048 {
			return nil, fmt.Errorf("security: RS256 key %q is shorter than 2048 bits", id)
		}
		k.verify, k.method = pub, jwt.SigningMethodRS256
	case "ES256":
		var pub *ecdsa.PublicKey
		switch key := key.(type) {
		case *ecdsa.PrivateKey:
			k.sign, pub = key, &key.PublicKey
		case *ecdsa.PublicKey:
			pub = key
		default:
			return bad("*ecdsa.PrivateKey or *ecdsa.PublicKey")
		}
		if pub.Curve != elliptic.P256() {
			return nil, fmt.Errorf("security: ES256 key %q is not on P-256", id)
		}
		k.verify, k.method = pub, signingMethodES256
	case "EdDSA":
		switch key := key.(type) {
		case ed25519.PrivateKey:
			if len(key) != ed25519.PrivateKeySize {
				return bad("a valid ed25519.PrivateKey")
			}
			k.sign, k.verify = key, key.Public().(ed25519.PublicKey)
		case ed25519.PublicKey:
			if len(key) != ed25519.PublicKeySize {
				return bad("a valid ed25519.PublicKey")
			}
			k.verify = key
		default:
			return bad("ed25519.PrivateKey or ed25519.PublicKey")
		}
		k.method = jwt.SigningMethodEdDSA
	default:
		return nil, fmt.Errorf("security: JWT algorithm %q is not supported (HS256, HS384, HS512, RS256, ES256, EdDSA)", alg)
	}
	return k, nil
}

// ID returns the key id, the "kid" of the tokens it signs.
func (k *Key) ID() string { return k.id }

// Algorithm returns the key's pinned algorithm, such as "RS256".
func (k *Key) Algorithm() string { return k.alg }

// CanSign reports whether k holds a private key or secret.
func (k *Key) CanSign() bool { return k.sign != nil }

// jwk returns the public JWK of k (RFC 7517, RFC 7518 §6, RFC 8037), or
// nil for an HMAC secret, which is never published.
func (k *Key) jwk() map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	m := map[string]string{"kid": k.id, "alg": k.alg, "use": "sig"}
	switch pub := k.verify.(type) {
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", b64(pub.N.Bytes()), b64(big.NewInt(int64(pub.E)).Bytes())
	case *ecdsa.PublicKey:
		pt, err := pub.Bytes() // 0x04 || X || Y, fixed length
		if err != nil {
			return nil
		}
		m["kty"], m["crv"], m["x"], m["y"] = "EC", "P-256", b64(pt[1:33]), b64(pt[33:])
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64(pub)
	default:
		return nil
	}
	return m
}

// KeySet holds the keys of an issuer or a verifier by key id, and one
// signing key. Keys rotate without downtime: Add the new key (verifiers
// accept it and the JWKS publishes it), Use it for signing, and Remove the
// old one once the tokens it signed have expired. The zero value is empty;
// methods are safe for concurrent use.
type KeySet struct {
	mu      sync.RWMutex
	keys    map[string]*Key
	signing *Key
	jwks    []byte
	etag    string
}

// NewKeySet returns a set holding keys; the first one that can sign is the
// signing key. It fails on duplicate key ids.
func NewKeySet(keys ...*Key) (*KeySet, error) {
	s := &KeySet{}
	for _, k := range keys {
		if err := s.Add(k); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Add adds k to the set; it becomes the signing key when the set has none
// and k can sign. Add fails when a key with k's id is already there.
func (s *KeySet) Add(k *Key) error {
	if k == nil {
		return errors.New("security: nil key")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.keys[k.id]; dup {
		return fmt.Errorf("security: key id %q is already in the set", k.id)
	}
	if s.keys == nil {
		s.keys = make(map[string]*Key)
	}
	s.keys[k.id] = k
	if s.signing == nil && k.CanSign() {
		s.signing = k
	}
	s.publish()
	return nil
}

// Use makes the key with the given id the signing key.
func (s *KeySet) Use(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	if !ok || !k.CanSign() {
		return fmt.Errorf("security: no signing key with id %q", id)
	}
	s.signing = k
	return nil
}

// Remove removes the key with the given id: tokens it signed no longer
// verify. Removing the signing key leaves the set without one.
func (s *KeySet) Remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signing != nil && s.signing.id == id {
		s.signing = nil
	}
	delete(s.keys, id)
	s.publish()
}

// lookup returns the key for a token's kid. A token without kid matches
// the only key of a one-key set.
func (s *KeySet) lookup(kid string) *Key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if kid == "" && len(s.keys) == 1 {
		for _, k := range s.keys {
			return k
		}
	}
	return s.keys[kid]
}

func (s *KeySet) signer() *Key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.signing
}

// publish renders the JWKS document; s.mu is held.
func (s *KeySet) publish() {
	ids := make([]string, 0, len(s.keys))
	for id := range s.keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	doc := struct {
		Keys []map[string]string `json:"keys"`
	}{Keys: []map[string]string{}}
	for _, id := range ids {
		if j := s.keys[id].jwk(); j != nil {
			doc.Keys = append(doc.Keys, j)
		}
	}
	s.jwks, _ = json.Marshal(doc) // maps of strings always encode
	sum := sha256.Sum256(s.jwks)
	s.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// JWKSMaxAge is how long clients may cache the JWKS document, in seconds.
// Keep it shorter than the time between adding a key and signing with it.
const JWKSMaxAge = 300

// ServeHTTP serves the set's public keys as a JWK Set (RFC 7517 §5), for
// /.well-known/jwks.json: Content-Type application/jwk-set+json,
// Cache-Control public, max-age=JWKSMaxAge, and an ETag honoured by
// If-None-Match. HMAC secrets are never published.
func (s *KeySet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	body, etag := s.jwks, s.etag
	s.mu.RUnlock()
	if body == nil {
		body, etag = []byte(`{"keys":[]}`), `"empty"`
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(JWKSMaxAge))
	h.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/jwk-set+json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// OpenAPIOperation describes ServeHTTP for documentation generators
// (package docs): a 200 of media type application/jwk-set+json, as served
// (a client that reads the documented application/json refuses it), whose
// keys are objects of string members (kty, kid, alg, use and the public
// parameters), and a 304 for If-None-Match.
func (s *KeySet) OpenAPIOperation() map[string]any {
	str := func(description string) map[string]any {
		return map[string]any{"type": "string", "description": description}
	}
	key := map[string]any{
		"type":        "object",
		"description": "A public key (RFC 7517 §4): its type, id, algorithm and public parameters (n and e for RSA; crv, x, y for EC and OKP).",
		"required":    []any{"kty", "kid", "alg", "use"},
		"properties": map[string]any{
			"kty": map[string]any{"type": "string", "enum": []any{"RSA", "EC", "OKP"}, "description": "The key type."},
			"kid": str("The key id, the kid header of the tokens it verifies."),
			"alg": str("The signing algorithm, such as RS256, ES256 or EdDSA."),
			"use": map[string]any{"type": "string", "const": "sig", "description": "Always sig."},
		},
		"additionalProperties": map[string]any{"type": "string"},
	}
	etag := map[string]any{"description": "The key set's version; send it in If-None-Match.", "schema": map[string]any{"type": "string"}}
	return map[string]any{
		"responses": map[string]any{
			"200": map[string]any{
				"description": "The JWK Set (RFC 7517 §5)",
				"headers": map[string]any{
					"ETag":          etag,
					"Cache-Control": map[string]any{"schema": map[string]any{"type": "string", "examples": []any{"public, max-age=" + strconv.Itoa(JWKSMaxAge)}}},
				},
				"content": map[string]any{"application/jwk-set+json": map[string]any{"schema": map[string]any{
					"type":     "object",
					"required": []any{"keys"},
					"properties": map[string]any{
						"keys": map[string]any{"type": "array", "items": key},
					},
				}}},
			},
			"304": map[string]any{
				"description": "Not Modified: the If-None-Match ETag is current",
				"headers":     map[string]any{"ETag": etag},
			},
		},
	}
}
