package security

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// PasswordForm is an OAuth2 password grant request (RFC 6749 §4.3.2), the
// twin of FastAPI's OAuth2PasswordRequestForm.
type PasswordForm struct {
	// GrantType is "password", or "" when the client left it out (allowed
	// by ParsePasswordForm only).
	GrantType string
	// Username and Password are the resource owner's credentials.
	Username, Password string
	// Scopes are the requested scopes: the "scope" parameter split on
	// spaces.
	Scopes []string
	// ClientID and ClientSecret identify the client, from the form or
	// from HTTP Basic authentication (RFC 6749 §2.3.1).
	ClientID, ClientSecret string
}

// MaxFormBytes is the largest token request body ParsePasswordForm reads.
const MaxFormBytes = 16 << 10

// ParsePasswordForm reads an OAuth2 password grant from r's
// application/x-www-form-urlencoded body, at most MaxFormBytes. grant_type
// may be left out, as in FastAPI; when present it must be "password".
//
// Errors are *TokenError values to answer with WriteTokenError:
// invalid_request (400) for another content type, an oversized or
// unreadable body, a repeated parameter, a missing username or password, or
// client credentials sent both in the body and in an Authorization header;
// unsupported_grant_type (400) for another grant_type; invalid_scope (400)
// for a scope with characters RFC 6749 §3.3 forbids.
func ParsePasswordForm(r *http.Request) (*PasswordForm, error) {
	return parsePasswordRequest(r, false)
}

// ParsePasswordFormStrict is ParsePasswordForm requiring
// grant_type=password, like FastAPI's OAuth2PasswordRequestFormStrict and
// RFC 6749: a missing grant_type is invalid_request.
func ParsePasswordFormStrict(r *http.Request) (*PasswordForm, error) {
	return parsePasswordRequest(r, true)
}

func parsePasswordRequest(r *http.Request, strict bool) (*PasswordForm, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, tokenError(ErrInvalidRequest, "The request must be application/x-www-form-urlencoded")
	}
	if r.Body == nil {
		return nil, tokenError(ErrInvalidRequest, "The request has no body")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxFormBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tokenError(ErrInvalidRequest, "The request body is too large")
		}
		return nil, tokenError(ErrInvalidRequest, "The request body could not be read")
	}
	if len(body) > MaxFormBytes {
		return nil, tokenError(ErrInvalidRequest, "The request body is too large")
	}
	var basic string
	if vs := r.Header["Authorization"]; len(vs) == 1 {
		basic, _ = parseAuthorization(vs[0], "Basic")
	} else if len(vs) > 1 {
		return nil, tokenError(ErrInvalidRequest, "Multiple Authorization headers")
	}
	return parsePasswordForm(string(body), basic, strict)
}

// parsePasswordForm parses a form body; basic is the credentials part of a
// Basic Authorization header, or "".
func parsePasswordForm(body, basic string, strict bool) (*PasswordForm, error) {
	vals, err := url.ParseQuery(body)
	if err != nil {
		return nil, tokenError(ErrInvalidRequest, "The request body is not a valid form")
	}
	get := func(name string) (string, *TokenError) {
		vs := vals[name]
		if len(vs) > 1 {
			return "", tokenError(ErrInvalidRequest, "Parameter "+name+" is repeated")
		}
		if len(vs) == 0 {
			return "", nil
		}
		return vs[0], nil
	}
	var f PasswordForm
	var scope string
	for _, p := range []struct {
		name string
		dst  *string
	}{
		{"grant_type", &f.GrantType}, {"username", &f.Username}, {"password", &f.Password},
		{"scope", &scope}, {"client_id", &f.ClientID}, {"client_secret", &f.ClientSecret},
	} {
		v, terr := get(p.name)
		if terr != nil {
			return nil, terr
		}
		*p.dst = v
	}
	switch {
	case f.GrantType == "" && strict:
		return nil, tokenError(ErrInvalidRequest, "Missing parameter grant_type")
	case f.GrantType != "" && f.GrantType != "password":
		return nil, tokenError(ErrUnsupportedGrantType, "The grant type must be password")
	case f.Username == "":
		return nil, tokenError(ErrInvalidRequest, "Missing parameter username")
	case f.Password == "":
		return nil, tokenError(ErrInvalidRequest, "Missing parameter password")
	}
	for s := range strings.SplitSeq(scope, " ") {
		if s == "" {
			continue
		}
		if !isScopeToken(s) {
			return nil, tokenError(ErrInvalidScope, "The scope is malformed")
		}
		f.Scopes = append(f.Scopes, s)
	}
	if basic != "" {
		if f.ClientID != "" || f.ClientSecret != "" {
			return nil, tokenError(ErrInvalidRequest, "Client credentials sent twice")
		}
		id, secret, ok := ParseBasic(basic)
		if !ok {
			return nil, tokenError(ErrInvalidClient, "Malformed client credentials")
		}
		// RFC 6749 §2.3.1: both parts are form-urlencoded before encoding.
		if f.ClientID, err = url.QueryUnescape(id); err != nil {
			return nil, tokenError(ErrInvalidClient, "Malformed client credentials")
		}
		if f.ClientSecret, err = url.QueryUnescape(secret); err != nil {
			return nil, tokenError(ErrInvalidClient, "Malformed client credentials")
		}
	}
	return &f, nil
}

// isScopeToken reports whether s is an RFC 6749 §3.3 scope-token:
// 1*( %x21 / %x23-5B / %x5D-7E ).
func isScopeToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return s != ""
}
