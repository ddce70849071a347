package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/testclient"
)

// client serves the program built from cfg to a test client.
func client(t *testing.T, cfg Config) *testclient.Client {
	t.Helper()
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return testclient.New(t, h)
}

func TestGreetings(t *testing.T) {
	c := client(t, Config{})
	tests := []struct {
		name, path  string
		status      int
		contentType string
		body        string
		location    string
	}{
		{"list sorted by lang", "/greetings", 200, "application/json",
			`[{"lang":"ar","text":"آلو"},{"lang":"bn","text":"হ্যালো"},{"lang":"chr","text":"ᏏᏲ"},{"lang":"en","text":"Hello"},{"lang":"es","text":"Hola"},{"lang":"sw","text":"هَبَارِ"},{"lang":"zh","text":"你好"}]`, ""},
		{"one", "/greetings/es", 200, "application/json", `{"lang":"es","text":"Hola"}`, ""},
		{"non-ascii", "/greetings/zh", 200, "application/json", `{"lang":"zh","text":"你好"}`, ""},
		{"unknown lang is a 404 problem", "/greetings/fr", 404, "application/problem+json",
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"No greeting for language fr"}`, ""},
		{"case matters", "/greetings/EN", 404, "application/problem+json",
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"No greeting for language EN"}`, ""},
		{"root redirects to the docs", "/", 302, "", "", "docs"},
		{"unknown path", "/nope", 404, "application/problem+json",
			`{"type":"about:blank","title":"Not Found","status":404}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Get(tt.path)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", res.StatusCode, tt.status, res.Body)
			}
			if got := res.Header.Get("Content-Type"); tt.contentType != "" && got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if tt.body != "" && res.Text() != tt.body {
				t.Errorf("body\n got %s\nwant %s", res.Body, tt.body)
			}
			if got := res.Header.Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
		})
	}
}

func TestGreetingsWrongMethod(t *testing.T) {
	res := client(t, Config{}).Post("/greetings")
	want := `{"type":"about:blank","title":"Method Not Allowed","status":405}`
	if res.StatusCode != 405 || res.Header.Get("Allow") != "GET, HEAD" || res.Text() != want {
		t.Errorf("POST /greetings: %d Allow %q %s, want 405 Allow \"GET, HEAD\" %s", res.StatusCode, res.Header.Get("Allow"), res.Body, want)
	}
}

func TestGreetingsAPIKey(t *testing.T) {
	c := client(t, Config{APIKey: "s3cret-key"})
	const unauthorized = `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`
	const invalid = `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Invalid authentication credentials"}`
	tests := []struct {
		name, path, auth string
		status           int
		body             string
	}{
		{"no key", "/greetings", "", 401, unauthorized},
		{"wrong key", "/greetings/en", "Key nope", 401, invalid},
		{"bearer instead of key", "/greetings/en", "Bearer s3cret-key", 401, unauthorized},
		{"key", "/greetings/en", "Key s3cret-key", 200, `{"lang":"en","text":"Hello"}`},
		{"scheme is case-insensitive", "/greetings/en", "key s3cret-key", 200, `{"lang":"en","text":"Hello"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []testclient.Option
			if tt.auth != "" {
				opts = append(opts, testclient.Header("Authorization", tt.auth))
			}
			res := c.Get(tt.path, opts...)
			if res.StatusCode != tt.status || res.Text() != tt.body {
				t.Fatalf("got %d %s, want %d %s", res.StatusCode, res.Body, tt.status, tt.body)
			}
			if tt.status == 401 && res.Header.Get("WWW-Authenticate") != "APIKey" {
				t.Errorf("WWW-Authenticate %q, want APIKey", res.Header.Get("WWW-Authenticate"))
			}
		})
	}

	// The document and the docs stay open; the key is documented.
	res := c.Get("/openapi.json")
	if res.StatusCode != 200 {
		t.Fatalf("/openapi.json: %d", res.StatusCode)
	}
	var doc struct {
		Components struct {
			SecuritySchemes map[string]map[string]any `json:"securitySchemes"`
		} `json:"components"`
	}
	res.Decode(&doc)
	s := doc.Components.SecuritySchemes["ConnectAPIKey"]
	if s["type"] != "apiKey" || s["in"] != "header" || s["name"] != "Authorization" {
		t.Errorf("ConnectAPIKey scheme = %v", s)
	}
}

func TestGreetingsOpenAPI(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(client(t, Config{}).Get("/openapi.json").Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	for _, p := range []string{"/greetings", "/greetings/{lang}"} {
		if doc.Paths.Find(p) == nil || doc.Paths.Find(p).Get == nil {
			t.Errorf("document lacks GET %s", p)
		}
	}
	if r := doc.Paths.Find("/greetings/{lang}").Get.Responses.Value("404"); r == nil {
		t.Error("GET /greetings/{lang} does not document its 404")
	}
}

// The program itself, over a real connection, from any working directory:
// nothing is read from disk.
func TestGreetingsServer(t *testing.T) {
	defer leakcheck.Check(t)()
	t.Chdir(t.TempDir())
	h, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, p := range []string{"/docs", "/redoc"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "openapi.json") {
			t.Errorf("%s: %d %s", p, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
}
