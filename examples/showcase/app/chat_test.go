package app

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
)

// FuzzChatName checks the name rule of the chat's handshake, as the
// endpoint binds it: a name is accepted when it is not blank, at most 32
// characters and free of control characters, and anything else is a 422
// on query.name.
func FuzzChatName(f *testing.F) {
	for _, s := range []string{"ann", "", " ", "a\x07b", strings.Repeat("n", 33), "名前", "\xff", " bob "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/ws?name="+url.QueryEscape(raw), nil)
		var q ChatQuery
		err := bind.Request(r, &q)
		valid := strings.TrimSpace(raw) != "" && utf8.RuneCountInString(raw) <= 32 &&
			strings.IndexFunc(raw, unicode.IsControl) < 0
		if err != nil {
			var e *stdapi.Error
			if !errors.As(err, &e) || e.Status != 422 || len(e.Errors) != 1 || e.Errors[0].Loc[0] != "query" || e.Errors[0].Loc[1] != "name" {
				t.Fatalf("%q: %v", raw, err)
			}
			if valid {
				t.Fatalf("%q refused: %v", raw, err)
			}
			return
		}
		if !valid || q.Name != raw {
			t.Fatalf("%q accepted as %q", raw, q.Name)
		}
	})
}
