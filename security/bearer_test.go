package security

import (
	"context"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// tokenVerify accepts "good" (scopes me) and "admin" (scopes me admin).
func tokenVerify(_ context.Context, tok string) (any, error) {
	switch tok {
	case "good":
		return &fakeUser{name: "alice", scopes: []string{"me"}}, nil
	case "admin":
		return &fakeUser{name: "root", scopes: []string{"me", "admin"}}, nil
	case "expired":
		return nil, InvalidToken("The access token expired")
	}
	return nil, ErrInvalidCredentials
}

func TestBearerSchemes(t *testing.T) {
	bearer := map[string]string{"WWW-Authenticate": "Bearer"}
	invalid := map[string]string{"WWW-Authenticate": `Bearer error="invalid_token"`}
	malformed := map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", error_description="The access token is malformed"`}
	tests := []struct {
		name   string
		header []string
		scopes []string
		want   want
	}{
		{"ok", []string{"Bearer good"}, nil, want{200, nil, "hello alice"}},
		{"lowercase scheme", []string{"bearer good"}, nil, want{200, nil, "hello alice"}},
		{"upper scheme", []string{"BEARER good"}, nil, want{200, nil, "hello alice"}},
		{"scope ok", []string{"Bearer admin"}, []string{"admin"}, want{200, nil, "hello root"}},
		{"missing", nil, nil, want{401, bearer, problem(401, "Not authenticated")}},
		{"empty token", []string{"Bearer "}, nil, want{401, bearer, problem(401, "Not authenticated")}},
		{"basic instead", []string{"Basic " + b64("a:b")}, nil, want{401, bearer, problem(401, "Not authenticated")}},
		{"wrong token", []string{"Bearer nope"}, nil, want{401, invalid, problem(401, "Invalid authentication credentials")}},
		{"expired", []string{"Bearer expired"}, nil, want{401,
			map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", error_description="The access token expired"`},
			problem(401, "Invalid authentication credentials")}},
		{"not token68", []string{"Bearer a b"}, nil, want{401, malformed, problem(401, "Invalid authentication credentials")}},
		{"quote in token", []string{`Bearer a"b`}, nil, want{401, malformed, problem(401, "Invalid authentication credentials")}},
		{"two headers", []string{"Bearer good", "Bearer good"}, nil, want{401,
			map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", error_description="Multiple Authorization headers"`},
			problem(401, "Invalid authentication credentials")}},
		{"insufficient scope", []string{"Bearer good"}, []string{"me", "admin", "items:write"}, want{403,
			map[string]string{"WWW-Authenticate": `Bearer error="insufficient_scope", scope="me admin items:write"`},
			problem(403, "Not enough permissions")}},
	}
	schemes := map[string]Scheme{
		"Bearer":         &Bearer{Verify: tokenVerify},
		"OAuth2Password": &OAuth2Password{Verify: tokenVerify},
		"OpenIDConnect":  &OpenIDConnect{URL: "https://id.example.com/.well-known/openid-configuration", Verify: tokenVerify},
	}
	for sname, s := range schemes {
		for _, tt := range tests {
			t.Run(sname+"/"+tt.name, func(t *testing.T) {
				r := httptest.NewRequest("GET", "/", nil)
				r.Header["Authorization"] = tt.header
				check(t, serve(Require(s, tt.scopes...)(hello), r), tt.want)
			})
		}
	}
}

func TestBearerWithoutVerify(t *testing.T) {
	for _, s := range []Scheme{&Bearer{}, &OAuth2Password{}, &OpenIDConnect{}} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer anything")
		check(t, serve(Require(s)(hello), r), want{500, nil, internal})
	}
}

func TestBearerOpenAPI(t *testing.T) {
	tests := []struct {
		scheme Scheme
		name   string
		obj    map[string]any
	}{
		{&Bearer{}, "HTTPBearer", map[string]any{"type": "http", "scheme": "bearer"}},
		{&Bearer{Format: "JWT", Name: "jwt", Description: "d"}, "jwt",
			map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "d"}},
		{&OAuth2Password{}, "OAuth2PasswordBearer", map[string]any{"type": "oauth2",
			"flows": map[string]any{"password": map[string]any{"tokenUrl": "token", "scopes": map[string]string{}}}}},
		{&OAuth2Password{TokenURL: "/auth/token", RefreshURL: "/auth/refresh", Scopes: map[string]string{"me": "Read yourself"}},
			"OAuth2PasswordBearer", map[string]any{"type": "oauth2", "flows": map[string]any{"password": map[string]any{
				"tokenUrl": "/auth/token", "refreshUrl": "/auth/refresh", "scopes": map[string]string{"me": "Read yourself"}}}}},
		{&OpenIDConnect{URL: "https://id/.well-known/openid-configuration"}, "OpenIdConnect",
			map[string]any{"type": "openIdConnect", "openIdConnectUrl": "https://id/.well-known/openid-configuration"}},
	}
	for _, tt := range tests {
		name, obj, scopes := tt.scheme.OpenAPISecurity()
		if name != tt.name || !reflect.DeepEqual(obj, tt.obj) || scopes != nil {
			t.Errorf("%T.OpenAPISecurity() = %q, %#v, %v\nwant %q, %#v", tt.scheme, name, obj, scopes, tt.name, tt.obj)
		}
	}
}

func TestBearerWebSocket(t *testing.T) {
	upgrade := map[string]string{"Connection": "keep-alive, Upgrade", "Upgrade": "websocket"}
	tests := []struct {
		name    string
		ws      WebSocketAuth
		method  string
		url     string
		headers map[string]string
		want    want
	}{
		{"query", WebSocketAuth{Query: "access_token"}, "GET", "/ws?access_token=good", upgrade, want{200, nil, "hello alice"}},
		{"query disabled", WebSocketAuth{}, "GET", "/ws?access_token=good", upgrade, want{401, nil, problem(401, "Not authenticated")}},
		{"query on plain request", WebSocketAuth{Query: "access_token"}, "GET", "/ws?access_token=good", nil,
			want{401, nil, problem(401, "Not authenticated")}},
		{"query on POST", WebSocketAuth{Query: "access_token"}, "POST", "/ws?access_token=good", upgrade,
			want{401, nil, problem(401, "Not authenticated")}},
		{"wrong query token", WebSocketAuth{Query: "access_token"}, "GET", "/ws?access_token=bad", upgrade,
			want{401, map[string]string{"WWW-Authenticate": `Bearer error="invalid_token"`}, problem(401, "Invalid authentication credentials")}},
		{"protocol", WebSocketAuth{Protocol: true}, "GET", "/ws", with(upgrade, "Sec-WebSocket-Protocol", "bearer, good"),
			want{200, nil, "hello alice"}},
		{"protocol among others", WebSocketAuth{Protocol: true}, "GET", "/ws", with(upgrade, "Sec-WebSocket-Protocol", "chat,bearer,admin"),
			want{200, nil, "hello root"}},
		{"protocol without token", WebSocketAuth{Protocol: true}, "GET", "/ws", with(upgrade, "Sec-WebSocket-Protocol", "chat, bearer"),
			want{401, nil, problem(401, "Not authenticated")}},
		{"protocol disabled", WebSocketAuth{Query: "t"}, "GET", "/ws", with(upgrade, "Sec-WebSocket-Protocol", "bearer, good"),
			want{401, nil, problem(401, "Not authenticated")}},
		{"header wins", WebSocketAuth{Query: "access_token"}, "GET", "/ws?access_token=good", with(upgrade, "Authorization", "Bearer admin"),
			want{200, nil, "hello root"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.url, nil)
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			check(t, serve(Require(&OAuth2Password{Verify: tokenVerify, WebSocket: tt.ws})(hello), r), tt.want)
		})
	}
}

func with(h map[string]string, k, v string) map[string]string {
	m := map[string]string{k: v}
	for hk, hv := range h {
		m[hk] = hv
	}
	return m
}

func TestInsufficientScopeHeader(t *testing.T) {
	e := InsufficientScope("a", "b")
	if e.Status != 403 || e.Header.Get("WWW-Authenticate") != `Bearer error="insufficient_scope", scope="a b"` {
		t.Errorf("InsufficientScope = %d %v", e.Status, e.Header)
	}
}

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"abc", "a.b.c", "abc==", "=", "a=b", "bearer, tok", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isToken68(s) {
			if s == "" || s[0] == '=' || strings.ContainsAny(s, " \t\",\\") {
				t.Fatalf("isToken68(%q) = true", s)
			}
		}
		tok, ok := protocolToken([]string{s})
		if ok && (tok == "" || strings.Contains(tok, ",")) {
			t.Fatalf("protocolToken(%q) = %q", s, tok)
		}
	})
}
