package security

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/stdapi/stdapi"
)

// APIKey authenticates requests by a key in a header, a query parameter or
// a cookie, the twin of FastAPI's APIKeyHeader, APIKeyQuery and
// APIKeyCookie; or in a prefixed Authorization header such as Posit
// Connect's "Authorization: Key <key>". The zero value reads the X-API-Key
// header and rejects every request (it has no Verify).
//
// A missing or empty key gets 401 "Not authenticated"; a key that Verify
// rejects gets 401 "Invalid authentication credentials"; both with
// WWW-Authenticate: APIKey. A key in a query parameter ends up in access
// logs: prefer a header.
type APIKey struct {
	// In is where the key is: "header" (default), "query" or "cookie".
	In string
	// Param is the header, query parameter or cookie name. Default
	// "X-API-Key" for a header, "api_key" for a query parameter or cookie.
	Param string
	// AuthScheme, when set (for example "Key"), reads the key from
	// "Authorization: <AuthScheme> <key>" instead, the scheme compared
	// case-insensitively; In and Param are then ignored.
	AuthScheme string
	// Verify checks a key and returns the principal, or
	// ErrInvalidCredentials. Compare keys with Equal, or keep only their
	// hashes in a KeyHashes, whose Verify method fits here.
	Verify func(ctx context.Context, key string) (any, error)
	// Name is the scheme's name in OpenAPI. Default "APIKeyHeader",
	// "APIKeyQuery" or "APIKeyCookie".
	Name string
	// Description is shown in the OpenAPI document. Default none, or a
	// sentence showing the header format when AuthScheme is set.
	Description string
}

const apiKeyChallenge = "APIKey"

// Authenticate implements Scheme.
func (a *APIKey) Authenticate(r *http.Request) (any, error) {
	key, err := a.extract(r)
	if err != nil {
		return nil, err
	}
	if a.Verify == nil {
		return nil, &stdapi.Error{Status: http.StatusInternalServerError, Err: errNoVerify}
	}
	p, err := a.Verify(r.Context(), key)
	return checkPrincipal(p, err, apiKeyChallenge)
}

func (a *APIKey) extract(r *http.Request) (string, error) {
	var key string
	if a.AuthScheme != "" {
		cred, found, many := authorization(r, a.AuthScheme)
		if many {
			return "", unauthorized(detailInvalid, apiKeyChallenge, ErrInvalidCredentials)
		}
		if !found {
			return "", notAuthenticated(apiKeyChallenge)
		}
		return cred, nil
	}
	in, param := a.location()
	switch in {
	case "header":
		vs := r.Header[http.CanonicalHeaderKey(param)]
		if len(vs) > 1 {
			return "", unauthorized(detailInvalid, apiKeyChallenge, ErrInvalidCredentials)
		}
		if len(vs) == 1 {
			key = vs[0]
		}
	case "query":
		vs := r.URL.Query()[param]
		if len(vs) > 1 {
			return "", unauthorized(detailInvalid, apiKeyChallenge, ErrInvalidCredentials)
		}
		if len(vs) == 1 {
			key = vs[0]
		}
	case "cookie":
		if c, err := r.Cookie(param); err == nil {
			key = c.Value
		}
	default:
		return "", &stdapi.Error{Status: http.StatusInternalServerError,
			Err: fmt.Errorf("security: APIKey.In is %q, want header, query or cookie", a.In)}
	}
	if key == "" {
		return "", notAuthenticated(apiKeyChallenge)
	}
	return key, nil
}

func (a *APIKey) location() (in, param string) {
	in = orDefault(a.In, "header")
	if in == "header" {
		return in, orDefault(a.Param, "X-API-Key")
	}
	return in, orDefault(a.Param, "api_key")
}

// OpenAPISecurity implements Scheme: {"type":"apiKey","in":...,"name":...}.
func (a *APIKey) OpenAPISecurity() (string, map[string]any, []string) {
	in, param := a.location()
	desc := a.Description
	if a.AuthScheme != "" {
		in, param = "header", "Authorization"
		if desc == "" {
			desc = "Send the header \"Authorization: " + a.AuthScheme + " <key>\"."
		}
	}
	m := map[string]any{"type": "apiKey", "in": in, "name": param}
	describe(m, desc)
	name := a.Name
	if name == "" {
		switch in {
		case "query":
			name = "APIKeyQuery"
		case "cookie":
			name = "APIKeyCookie"
		default:
			name = "APIKeyHeader"
		}
	}
	return name, m, nil
}

// HashKey returns the SHA-256 digest of key in lowercase hex: what to store
// instead of an API key. A fast hash is enough for keys (unlike passwords)
// because keys are long and random; make them with crypto/rand.Text.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// KeyHashes checks API keys against stored SHA-256 digests (see HashKey),
// each with its principal. Keys are compared with every digest in constant
// time. The zero value is empty and ready to use; methods are safe for
// concurrent use, so keys can be added and revoked while serving.
type KeyHashes struct {
	mu      sync.RWMutex
	entries []keyEntry
}

type keyEntry struct {
	sum       [sha256.Size]byte
	principal any
}

// Add registers the key whose HashKey digest is hexDigest, with the
// principal Verify returns for it. It fails when hexDigest is not 64 hex
// digits or principal is nil.
func (k *KeyHashes) Add(hexDigest string, principal any) error {
	sum, ok := decodeDigest(hexDigest)
	if !ok {
		return errors.New("security: key digest must be 64 hex digits of SHA-256")
	}
	e := keyEntry{sum: sum}
	if principal == nil {
		return errors.New("security: key principal must not be nil")
	}
	e.principal = principal
	k.mu.Lock()
	k.entries = append(k.entries, e)
	k.mu.Unlock()
	return nil
}

// Remove revokes the key whose digest is hexDigest. It reports whether the
// key was registered.
func (k *KeyHashes) Remove(hexDigest string) bool {
	sum, ok := decodeDigest(hexDigest)
	if !ok {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, e := range k.entries {
		if e.sum == sum {
			k.entries = append(k.entries[:i:i], k.entries[i+1:]...)
			return true
		}
	}
	return false
}

// Verify returns the principal of key, or ErrInvalidCredentials. Its
// signature fits APIKey.Verify.
func (k *KeyHashes) Verify(_ context.Context, key string) (any, error) {
	sum := sha256.Sum256([]byte(key))
	k.mu.RLock()
	defer k.mu.RUnlock()
	var found any
	for i := range k.entries {
		if subtle.ConstantTimeCompare(sum[:], k.entries[i].sum[:]) == 1 {
			found = k.entries[i].principal
		}
	}
	if found == nil {
		return nil, ErrInvalidCredentials
	}
	return found, nil
}

func decodeDigest(s string) (sum [sha256.Size]byte, ok bool) {
	if len(s) != hex.EncodedLen(sha256.Size) {
		return sum, false
	}
	_, err := hex.Decode(sum[:], []byte(s))
	return sum, err == nil
}
