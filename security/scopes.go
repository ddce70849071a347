package security

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/stdapi/stdapi"
)

var scopesKey = &contextKey{"required scopes"}

// RequiredScopes returns the scopes the request's route requires: those of
// every Require, Optional and Authorize the request has gone through,
// outermost first, without repeats. They are in the context before the
// scheme authenticates, so a Verify function sees them in its ctx, as a
// FastAPI dependency sees SecurityScopes.scopes, and so do the handler
// and its dependencies. It returns nil when no scope is required. The
// slice is shared: do not modify it.
func RequiredScopes(ctx context.Context) []string {
	s, _ := ctx.Value(scopesKey).([]string)
	return s
}

// withRequiredScopes returns r with scopes added to the required scopes of
// its context, and all the required scopes. r is returned as is when
// scopes adds nothing. scopes must not change afterwards; boxed, when not
// nil, is scopes as an interface value, made once to save an allocation.
func withRequiredScopes(r *http.Request, scopes []string, boxed any) (*http.Request, []string) {
	if len(scopes) == 0 {
		return r, RequiredScopes(r.Context())
	}
	have := RequiredScopes(r.Context())
	if len(have) == 0 {
		if boxed == nil {
			boxed = scopes
		}
		return r.WithContext(context.WithValue(r.Context(), scopesKey, boxed)), scopes
	}
	all := have
	for _, s := range scopes {
		if !slices.Contains(all, s) {
			if len(all) == len(have) {
				all = slices.Clone(have)
			}
			all = append(all, s)
		}
	}
	if len(all) == len(have) {
		return r, have
	}
	all = slices.Clip(all) // an append by a caller never writes into the shared array
	return r.WithContext(context.WithValue(r.Context(), scopesKey, all)), all
}

// challengeScopes adds scope="a b" (RFC 6750 §3) to the Bearer challenges
// of err that name an error (error="invalid_token", or one a Verify
// function wrote) and no scope yet, on a copy of err's *stdapi.Error. A
// bare "Bearer" challenge, the answer to a request without a token, stays
// bare: RFC 6750 §3.1 asks for no error information there, and FastAPI
// sends just "Bearer" too.
func challengeScopes(err error, scopes []string) error {
	e, ok := errors.AsType[*stdapi.Error](err)
	if !ok || len(scopes) == 0 {
		return err
	}
	values := e.Header.Values("Www-Authenticate")
	var out []string
	for i, v := range values {
		if !isBearerChallenge(v) || strings.EqualFold(strings.TrimSpace(v), "Bearer") || strings.Contains(v, "scope=") {
			continue
		}
		if out == nil {
			out = slices.Clone(values)
		}
		out[i] = v + ", scope=" + quote(strings.Join(scopes, " "))
	}
	if out == nil {
		return err
	}
	c := *e
	c.Header = e.Header.Clone()
	c.Header["Www-Authenticate"] = out
	return &c
}

func isBearerChallenge(v string) bool {
	return len(v) >= 6 && strings.EqualFold(v[:6], "Bearer") && (len(v) == 6 || v[6] == ' ')
}
