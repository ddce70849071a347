package security

import (
	"errors"
	"net/http"
	"reflect"
	"strings"

	"github.com/stdapi/stdapi"
)

// unauthorized returns a 401 with challenge as WWW-Authenticate (none when
// challenge is empty).
func unauthorized(detail, challenge string, cause error) *stdapi.Error {
	e := &stdapi.Error{Status: http.StatusUnauthorized, Detail: detail, Err: cause}
	if challenge != "" {
		e.Header = http.Header{"Www-Authenticate": {challenge}}
	}
	return e
}

// notAuthenticated is the 401 for a request without credentials.
func notAuthenticated(challenge string) *stdapi.Error {
	return unauthorized(detailNotAuthenticated, challenge, ErrNoCredentials)
}

// InvalidToken returns the 401 for a rejected bearer token, with the
// challenge Bearer error="invalid_token" and, when description is not
// empty, error_description="description" (RFC 6750 §3.1). description is
// sent to the client: keep it generic, and free of '"' and '\'.
func InvalidToken(description string) *stdapi.Error {
	c := `Bearer error="invalid_token"`
	if description != "" {
		c += `, error_description=` + quote(description)
	}
	return unauthorized(detailInvalid, c, ErrInvalidCredentials)
}

// InsufficientScope returns the 403 for a bearer token without the scopes a
// route needs: WWW-Authenticate: Bearer error="insufficient_scope",
// scope="a b" (RFC 6750 §3.1).
func InsufficientScope(scopes ...string) *stdapi.Error {
	return &stdapi.Error{
		Status: http.StatusForbidden,
		Detail: detailForbidden,
		Header: http.Header{"Www-Authenticate": {
			`Bearer error="insufficient_scope", scope=` + quote(strings.Join(scopes, " ")),
		}},
	}
}

// verifyError turns the error of a verify function into the scheme's
// answer: *stdapi.Error as is, ErrInvalidCredentials as a 401 with
// challenge, anything else as a 500 that hides the cause.
func verifyError(err error, challenge string) error {
	var e *stdapi.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, ErrInvalidCredentials) {
		return unauthorized(detailInvalid, challenge, err)
	}
	return &stdapi.Error{Status: http.StatusInternalServerError, Err: err}
}

// checkPrincipal applies the verify function contract: an error wins; a nil
// principal with no error is a rejection, never an anonymous success.
func checkPrincipal(p any, err error, challenge string) (any, error) {
	if err != nil {
		return nil, verifyError(err, challenge)
	}
	if p == nil {
		return nil, unauthorized(detailInvalid, challenge, ErrInvalidCredentials)
	}
	return p, nil
}

var errNoVerify = errors.New("security: scheme has no Verify function")

// quote returns s as an HTTP quoted-string.
func quote(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

func typeName[T any](T) string { return reflect.TypeFor[T]().String() }
