package security

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func basicVerify(_ context.Context, user, pass string) (any, error) {
	okUser := Equal(user, "alice")
	okPass := Equal(pass, "s3cret: with colon")
	switch {
	case user == "panic-db":
		return nil, errors.New("db: password=hunter2 connection failed")
	case okUser && okPass:
		return "alice", nil
	default:
		return nil, ErrInvalidCredentials
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestBasic(t *testing.T) {
	realm := map[string]string{"WWW-Authenticate": `Basic realm="Restricted"`}
	tests := []struct {
		name   string
		header []string
		want   want
	}{
		{"ok", []string{"Basic " + b64("alice:s3cret: with colon")}, want{200, nil, "hello alice"}},
		{"scheme case-insensitive", []string{"bAsIc " + b64("alice:s3cret: with colon")}, want{200, nil, "hello alice"}},
		{"extra spaces", []string{"Basic   " + b64("alice:s3cret: with colon")}, want{200, nil, "hello alice"}},
		{"missing", nil, want{401, realm, problem(401, "Not authenticated")}},
		{"empty header", []string{""}, want{401, realm, problem(401, "Not authenticated")}},
		{"scheme only", []string{"Basic"}, want{401, realm, problem(401, "Not authenticated")}},
		{"scheme and space", []string{"Basic "}, want{401, realm, problem(401, "Not authenticated")}},
		{"other scheme", []string{"Bearer abc"}, want{401, realm, problem(401, "Not authenticated")}},
		{"scheme prefix", []string{"Basicx " + b64("alice:x")}, want{401, realm, problem(401, "Not authenticated")}},
		{"bad base64", []string{"Basic !!!notbase64"}, want{401, realm, problem(401, "Invalid authentication credentials")}},
		{"unpadded base64", []string{"Basic " + strings.TrimRight(b64("alice:x"), "=")}, want{401, realm, problem(401, "Invalid authentication credentials")}},
		{"no colon", []string{"Basic " + b64("alice")}, want{401, realm, problem(401, "Invalid authentication credentials")}},
		{"control char", []string{"Basic " + b64("al\x00ice:s3cret: with colon")}, want{401, realm, problem(401, "Invalid authentication credentials")}},
		{"invalid utf-8", []string{"Basic " + b64("al\xffice:x")}, want{401, realm, problem(401, "Invalid authentication credentials")}},
		{"wrong password", []string{"Basic " + b64("alice:nope")}, want{401, realm, problem(401, "Invalid authentication credentials")}},
		{"wrong user", []string{"Basic " + b64("bob:s3cret: with colon")}, want{401, realm, problem(401, "Invalid authentication credentials")}},
		{"two headers", []string{"Basic " + b64("alice:s3cret: with colon"), "Basic " + b64("alice:s3cret: with colon")},
			want{401, realm, problem(401, "Invalid authentication credentials")}},
		{"verify failure is a 500 that leaks nothing", []string{"Basic " + b64("panic-db:x")}, want{500, map[string]string{"WWW-Authenticate": ""}, internal}},
	}
	h := Require(&Basic{Verify: basicVerify})(hello)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header["Authorization"] = tt.header
			check(t, serve(h, r), tt.want)
		})
	}
}

func TestBasicOptions(t *testing.T) {
	b := &Basic{Realm: `my "app"`, Name: "Login", Description: "Staff only"}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Basic "+b64("a:b"))
	check(t, serve(Require(b)(hello), r), want{500, nil, internal}) // no Verify: fail closed
	check(t, serve(Require(b)(hello), httptest.NewRequest("GET", "/", nil)),
		want{401, map[string]string{"WWW-Authenticate": `Basic realm="my \"app\""`}, problem(401, "Not authenticated")})
	name, scheme, _ := b.OpenAPISecurity()
	if name != "Login" || scheme["type"] != "http" || scheme["scheme"] != "basic" || scheme["description"] != "Staff only" {
		t.Errorf("OpenAPISecurity = %q %v", name, scheme)
	}
	if name, _, _ := (&Basic{}).OpenAPISecurity(); name != "HTTPBasic" {
		t.Errorf("default name %q", name)
	}
}

func TestVerifyNilPrincipalRejects(t *testing.T) {
	b := &Basic{Verify: func(context.Context, string, string) (any, error) { return nil, nil }}
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth("a", "b")
	check(t, serve(Require(b)(hello), r), want{401, map[string]string{"WWW-Authenticate": `Basic realm="Restricted"`},
		problem(401, "Invalid authentication credentials")})
}

func TestParseBasic(t *testing.T) {
	tests := []struct {
		in         string
		user, pass string
		ok         bool
	}{
		{b64("u:p"), "u", "p", true},
		{b64(":"), "", "", true},
		{b64("u:"), "u", "", true},
		{b64("u:p:q"), "u", "p:q", true},
		{b64("üser:päss"), "üser", "päss", true},
		{b64(strings.Repeat("u", 300) + ":p"), strings.Repeat("u", 300), "p", true},
		{"", "", "", false},
		{b64("up"), "", "", false},
		{b64("u:p\n"), "", "", false},
		{b64("u:p\x7f"), "", "", false},
		{"dTpw=", "", "", false},
		{"dTpw", "u", "p", true},
	}
	for _, tt := range tests {
		u, p, ok := ParseBasic(tt.in)
		if u != tt.user || p != tt.pass || ok != tt.ok {
			t.Errorf("ParseBasic(%q) = %q, %q, %v; want %q, %q, %v", tt.in, u, p, ok, tt.user, tt.pass, tt.ok)
		}
	}
}

func TestEqual(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		eq   bool
	}{{"", "", true}, {"a", "a", true}, {"a", "b", false}, {"a", "aa", false}, {"", "a", false}, {"x\x00", "x", false}, {"x", "x\x00", false}, {"ab", "ba", false}} {
		if Equal(tt.a, tt.b) != tt.eq {
			t.Errorf("Equal(%q, %q) != %v", tt.a, tt.b, tt.eq)
		}
	}
}

func FuzzEqual(f *testing.F) {
	f.Add("alice", "alice")
	f.Add("x\x00", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		if Equal(a, b) != (a == b) {
			t.Fatalf("Equal(%q, %q) = %v", a, b, !(a == b))
		}
	})
}

func FuzzParseBasic(f *testing.F) {
	for _, s := range []string{b64("u:p"), b64("u"), "", "====", "dTpw", b64("ü:\x00")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, p, ok := ParseBasic(s)
		if !ok {
			return
		}
		if strings.Contains(u, ":") || hasControl(u) || hasControl(p) {
			t.Fatalf("ParseBasic(%q) accepted %q, %q", s, u, p)
		}
		if got := b64(u + ":" + p); got != s {
			t.Fatalf("ParseBasic(%q) = %q, %q which encodes to %q", s, u, p, got)
		}
	})
}

func FuzzAuthorization(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer  a.b.c", "Basic", "Basic ", "Key x y", "", " Bearer x", "Bearer x \t"} {
		f.Add(s, "Bearer")
	}
	f.Fuzz(func(t *testing.T, h, scheme string) {
		if scheme == "" {
			return
		}
		cred, ok := parseAuthorization(h, scheme)
		if !ok {
			if cred != "" {
				t.Fatalf("credentials %q without ok", cred)
			}
			return
		}
		if cred == "" || cred[0] == ' ' || !strings.EqualFold(h[:len(scheme)], scheme) || !strings.Contains(h, cred) {
			t.Fatalf("parseAuthorization(%q, %q) = %q", h, scheme, cred)
		}
		r := &http.Request{Header: http.Header{"Authorization": {h}}}
		if c, found, many := authorization(r, scheme); c != cred || !found || many {
			t.Fatalf("authorization disagrees: %q %v %v", c, found, many)
		}
	})
}
