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
)

// FuzzChatName checks the name rule of the chat's handshake: a name is
// accepted trimmed, non-empty, at most 32 bytes and free of control
// characters, and anything else is a 422 on query.name.
func FuzzChatName(f *testing.F) {
	for _, s := range []string{"ann", "", " ", "a\x07b", strings.Repeat("n", 33), "名前", "\xff", " bob "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/ws?name="+url.QueryEscape(raw), nil)
		name, err := chatName(r)
		if err != nil {
			var e *stdapi.Error
			if !errors.As(err, &e) || e.Status != 422 || len(e.Errors) != 1 || e.Errors[0].Loc[1] != "name" {
				t.Fatalf("chatName(%q): %v", raw, err)
			}
			return
		}
		if name == "" || len(name) > 32 || name != strings.TrimSpace(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
			t.Fatalf("chatName(%q) accepted %q", raw, name)
		}
		if !utf8.ValidString(raw) {
			return
		}
		if name != strings.TrimSpace(raw) {
			t.Fatalf("chatName(%q) = %q", raw, name)
		}
	})
}
