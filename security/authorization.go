package security

import (
	"net/http"
	"strings"
)

// authorization returns the credentials of r's Authorization header when
// its auth-scheme is scheme (compared case-insensitively, RFC 9110 §11.1).
// found is false when there is no header, another scheme, or no
// credentials after the scheme; many is true when the request has more than
// one Authorization header, which is ambiguous and rejected by callers.
func authorization(r *http.Request, scheme string) (cred string, found, many bool) {
	vs := r.Header["Authorization"]
	switch len(vs) {
	case 0:
		return "", false, false
	case 1:
	default:
		return "", false, true
	}
	cred, found = parseAuthorization(vs[0], scheme)
	return cred, found, false
}

// parseAuthorization splits "Scheme credentials": the scheme must equal
// scheme case-insensitively and be followed by one or more spaces and
// non-empty credentials.
func parseAuthorization(h, scheme string) (string, bool) {
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) || h[len(scheme)] != ' ' {
		return "", false
	}
	cred := strings.TrimLeft(h[len(scheme):], " ")
	cred = strings.TrimRight(cred, " \t")
	return cred, cred != ""
}

// isToken68 reports whether s is an RFC 9110 token68, the syntax of bearer
// tokens (RFC 6750 §2.1): 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+"
// / "/" ) *"=".
func isToken68(s string) bool {
	i := 0
	for i < len(s) && token68[s[i]] {
		i++
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// token68 marks the characters of a token68 before its "=" padding.
var token68 = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
	}
	return t
}()
