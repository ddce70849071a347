package security

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
)

func TestAPIKey(t *testing.T) {
	var keys KeyHashes
	if err := keys.Add(HashKey("k-alice"), "alice"); err != nil {
		t.Fatal(err)
	}
	if err := keys.Add(HashKey("k-bob"), "bob"); err != nil {
		t.Fatal(err)
	}
	challenge := map[string]string{"WWW-Authenticate": "APIKey"}
	missing := want{401, challenge, problem(401, "Not authenticated")}
	invalid := want{401, challenge, problem(401, "Invalid authentication credentials")}
	tests := []struct {
		name   string
		scheme APIKey
		setup  func(r *http.Request)
		want   want
	}{
		{"header", APIKey{}, func(r *http.Request) { r.Header.Set("X-API-Key", "k-alice") }, want{200, nil, "hello alice"}},
		{"header other key", APIKey{}, func(r *http.Request) { r.Header.Set("X-Api-Key", "k-bob") }, want{200, nil, "hello bob"}},
		{"header missing", APIKey{}, func(r *http.Request) {}, missing},
		{"header empty", APIKey{}, func(r *http.Request) { r.Header.Set("X-API-Key", "") }, missing},
		{"header wrong", APIKey{}, func(r *http.Request) { r.Header.Set("X-API-Key", "k-alicE") }, invalid},
		{"header twice", APIKey{}, func(r *http.Request) { r.Header.Add("X-API-Key", "k-alice"); r.Header.Add("X-API-Key", "k-alice") }, invalid},
		{"custom header", APIKey{Param: "X-Token"}, func(r *http.Request) { r.Header.Set("X-Token", "k-alice") }, want{200, nil, "hello alice"}},
		{"custom header ignores default", APIKey{Param: "X-Token"}, func(r *http.Request) { r.Header.Set("X-API-Key", "k-alice") }, missing},
		{"query", APIKey{In: "query"}, func(r *http.Request) { r.URL.RawQuery = "api_key=k-alice" }, want{200, nil, "hello alice"}},
		{"query empty", APIKey{In: "query"}, func(r *http.Request) { r.URL.RawQuery = "api_key=" }, missing},
		{"query twice", APIKey{In: "query"}, func(r *http.Request) { r.URL.RawQuery = "api_key=k-alice&api_key=k-bob" }, invalid},
		{"query custom", APIKey{In: "query", Param: "key"}, func(r *http.Request) { r.URL.RawQuery = "key=k-bob" }, want{200, nil, "hello bob"}},
		{"cookie", APIKey{In: "cookie"}, func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "api_key", Value: "k-alice"}) }, want{200, nil, "hello alice"}},
		{"cookie empty", APIKey{In: "cookie"}, func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "api_key", Value: ""}) }, missing},
		{"cookie wrong", APIKey{In: "cookie"}, func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "api_key", Value: "x"}) }, invalid},
		{"authorization key", APIKey{AuthScheme: "Key"}, func(r *http.Request) { r.Header.Set("Authorization", "Key k-alice") }, want{200, nil, "hello alice"}},
		{"authorization key lowercase", APIKey{AuthScheme: "Key"}, func(r *http.Request) { r.Header.Set("Authorization", "key k-bob") }, want{200, nil, "hello bob"}},
		{"authorization other scheme", APIKey{AuthScheme: "Key"}, func(r *http.Request) { r.Header.Set("Authorization", "Bearer k-alice") }, missing},
		{"authorization empty key", APIKey{AuthScheme: "Key"}, func(r *http.Request) { r.Header.Set("Authorization", "Key ") }, missing},
		{"authorization wrong", APIKey{AuthScheme: "Key"}, func(r *http.Request) { r.Header.Set("Authorization", "Key k-carol") }, invalid},
		{"authorization ignores X-API-Key", APIKey{AuthScheme: "Key"}, func(r *http.Request) { r.Header.Set("X-API-Key", "k-alice") }, missing},
		{"bad In fails closed", APIKey{In: "body"}, func(r *http.Request) { r.Header.Set("X-API-Key", "k-alice") }, want{500, nil, internal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.scheme
			s.Verify = keys.Verify
			r := httptest.NewRequest("GET", "/", nil)
			tt.setup(r)
			check(t, serve(Require(&s)(hello), r), tt.want)
		})
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-API-Key", "k")
	check(t, serve(Require(&APIKey{})(hello), r), want{500, nil, internal})
}

func TestAPIKeyOpenAPI(t *testing.T) {
	tests := []struct {
		s    APIKey
		name string
		obj  map[string]any
	}{
		{APIKey{}, "APIKeyHeader", map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"}},
		{APIKey{In: "query"}, "APIKeyQuery", map[string]any{"type": "apiKey", "in": "query", "name": "api_key"}},
		{APIKey{In: "cookie", Param: "session", Name: "Session"}, "Session", map[string]any{"type": "apiKey", "in": "cookie", "name": "session"}},
		{APIKey{AuthScheme: "Key"}, "APIKeyHeader", map[string]any{"type": "apiKey", "in": "header", "name": "Authorization",
			"description": `Send the header "Authorization: Key <key>".`}},
	}
	for _, tt := range tests {
		name, obj, _ := tt.s.OpenAPISecurity()
		if name != tt.name || !reflect.DeepEqual(obj, tt.obj) {
			t.Errorf("%+v: OpenAPISecurity = %q %v, want %q %v", tt.s, name, obj, tt.name, tt.obj)
		}
	}
}

func TestKeyHashes(t *testing.T) {
	var k KeyHashes
	ctx := context.Background()
	if _, err := k.Verify(ctx, "anything"); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("empty KeyHashes: %v", err)
	}
	for _, bad := range []string{"", "abc", HashKey("x")[:62], HashKey("x") + "00", "zz" + HashKey("x")[2:]} {
		if err := k.Add(bad, "p"); err == nil {
			t.Errorf("Add(%q) accepted", bad)
		}
	}
	if err := k.Add(HashKey("x"), nil); err == nil {
		t.Error("Add with nil principal accepted")
	}
	if HashKey("secret") != "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b" {
		t.Errorf("HashKey(secret) = %s", HashKey("secret"))
	}
	if err := k.Add(HashKey("secret"), "svc"); err != nil {
		t.Fatal(err)
	}
	if p, err := k.Verify(ctx, "secret"); err != nil || p != "svc" {
		t.Errorf("Verify = %v, %v", p, err)
	}
	if !k.Remove(HashKey("secret")) || k.Remove(HashKey("secret")) || k.Remove("nothex") {
		t.Error("Remove did not report correctly")
	}
	if _, err := k.Verify(ctx, "secret"); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("revoked key still verifies: %v", err)
	}
}

func TestKeyHashesConcurrent(t *testing.T) {
	var k KeyHashes
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			key := string(rune('a' + i))
			for range 50 {
				k.Add(HashKey(key), key)
				if p, err := k.Verify(context.Background(), key); err != nil || p != key {
					t.Errorf("Verify(%q) = %v, %v", key, p, err)
				}
				k.Remove(HashKey(key))
			}
		})
	}
	wg.Wait()
}

func FuzzAPIKeyExtract(f *testing.F) {
	f.Add("X-API-Key", "k", "api_key=k", "api_key=k", "Key k")
	f.Add("", "", "api_key=&api_key=", "=", "Key")
	f.Fuzz(func(t *testing.T, param, header, query, cookie, authz string) {
		for _, s := range []APIKey{{Param: param}, {In: "query", Param: param}, {In: "cookie", Param: param}, {AuthScheme: "Key"}} {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("X-API-Key", header)
			r.Header.Set("Authorization", authz)
			r.Header.Set("Cookie", cookie)
			r.URL.RawQuery = query
			key, err := s.extract(r)
			if err == nil && key == "" {
				t.Fatalf("%+v: empty key accepted", s)
			}
			if err != nil && key != "" {
				t.Fatalf("%+v: key %q with error %v", s, key, err)
			}
		}
	})
}
