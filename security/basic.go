package security

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"unicode/utf8"

	"github.com/stdapi/stdapi"
)

// Basic is HTTP Basic authentication (RFC 7617), the twin of FastAPI's
// HTTPBasic. The zero value rejects every request (it has no Verify).
//
// A request without Basic credentials gets 401 "Not authenticated"; bad
// base64, a missing colon, control characters or invalid UTF-8 get 401
// "Invalid authentication credentials"; both with WWW-Authenticate: Basic
// realm="Realm".
type Basic struct {
	// Realm names the protection space in the challenge. Default "Restricted".
	Realm string
	// Verify checks a username and password and returns the principal, or
	// ErrInvalidCredentials. It must not reveal which of the two was wrong:
	// compare with Equal, and verify a password (Hasher.Verify with an
	// empty hash) even when the user does not exist.
	Verify func(ctx context.Context, username, password string) (any, error)
	// Name is the scheme's name in OpenAPI. Default "HTTPBasic".
	Name string
	// Description is shown in the OpenAPI document. Default none.
	Description string
}

// Authenticate implements Scheme.
func (b *Basic) Authenticate(r *http.Request) (any, error) {
	challenge := b.challenge()
	cred, found, many := authorization(r, "Basic")
	if many {
		return nil, unauthorized(detailInvalid, challenge, ErrInvalidCredentials)
	}
	if !found {
		return nil, notAuthenticated(challenge)
	}
	user, pass, ok := ParseBasic(cred)
	if !ok {
		return nil, unauthorized(detailInvalid, challenge, ErrInvalidCredentials)
	}
	if b.Verify == nil {
		return nil, &stdapi.Error{Status: http.StatusInternalServerError, Err: errNoVerify}
	}
	p, err := b.Verify(r.Context(), user, pass)
	return checkPrincipal(p, err, challenge)
}

// OpenAPISecurity implements Scheme: {"type":"http","scheme":"basic"}.
func (b *Basic) OpenAPISecurity() (string, map[string]any, []string) {
	m := map[string]any{"type": "http", "scheme": "basic"}
	if b.Description != "" {
		m["description"] = b.Description
	}
	return orDefault(b.Name, "HTTPBasic"), m, nil
}

func (b *Basic) challenge() string {
	return "Basic realm=" + quote(orDefault(b.Realm, "Restricted"))
}

// ParseBasic decodes the credentials of a Basic Authorization header (the
// part after "Basic "): standard padded base64 of "user:password". It
// reports false for bad base64, no colon, invalid UTF-8 or control
// characters, which RFC 7617 forbids.
func ParseBasic(cred string) (username, password string, ok bool) {
	var buf [256]byte
	var dec []byte
	if n := base64.StdEncoding.DecodedLen(len(cred)); n <= len(buf) {
		dec = buf[:n]
	} else {
		dec = make([]byte, n)
	}
	n, err := base64.StdEncoding.Strict().Decode(dec, []byte(cred))
	if err != nil {
		return "", "", false
	}
	dec = dec[:n]
	colon := -1
	for i, c := range dec {
		if c < 0x20 || c == 0x7f {
			return "", "", false
		}
		if c == ':' && colon < 0 {
			colon = i
		}
	}
	if colon < 0 || !utf8.Valid(dec) {
		return "", "", false
	}
	return string(dec[:colon]), string(dec[colon+1:]), true
}

// Equal reports whether a and b are equal, in constant time: the time
// depends only on the longer of the two lengths, never on their contents nor
// on where they differ, so an attacker who sends a value at least as long
// as the secret learns nothing from timing, not even the secret's length.
// Use it for usernames, passwords and keys kept in plain text (prefer
// hashes: see Hasher and KeyHashes).
func Equal(a, b string) bool {
	n := max(len(a), len(b))
	var diff byte
	for i := range n {
		var x, y byte
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		diff |= x ^ y
	}
	// Bytes past the shorter string compare with 0, so the lengths must
	// match too: "x\x00" is not "x".
	sameLen := subtle.ConstantTimeEq(int32(len(a)>>31), int32(len(b)>>31)) &
		subtle.ConstantTimeEq(int32(len(a)&0x7fffffff), int32(len(b)&0x7fffffff))
	return subtle.ConstantTimeByteEq(diff, 0)&sameLen == 1
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
