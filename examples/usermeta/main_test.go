package main

import (
	"encoding/json"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/security"
)

func TestHello(t *testing.T) {
	defer leakcheck.Check(t)()
	h := New(Config{TrustedProxies: security.Loopback()})
	const malformed = `{"type":"about:blank","title":"Bad Request","status":400,"detail":"Malformed RStudio-Connect-Credentials header"}`
	tests := []struct {
		name    string
		remote  string
		headers []string
		status  int
		body    string
	}{
		{"no header", "127.0.0.1:40000", nil, 200, `{"message":"Howdy stranger!"}`},
		{"user", "127.0.0.1:40000", []string{`{"user":"ada","groups":["eng","ops"]}`}, 200, `{"message":"So nice to see you, ada!"}`},
		{"user without groups", "[::1]:40000", []string{`{"user":"grace"}`}, 200, `{"message":"So nice to see you, grace!"}`},
		{"unknown members are ignored", "127.0.0.1:40000", []string{`{"user":"ada","groups":[],"guid":"x"}`}, 200, `{"message":"So nice to see you, ada!"}`},
		{"empty user is a stranger", "127.0.0.1:40000", []string{`{"user":"","groups":[]}`}, 200, `{"message":"Howdy stranger!"}`},
		{"untrusted peer is a stranger", "203.0.113.7:40000", []string{`{"user":"ada","groups":[]}`}, 200, `{"message":"Howdy stranger!"}`},
		{"not JSON", "127.0.0.1:40000", []string{`ada`}, 400, malformed},
		{"truncated JSON", "127.0.0.1:40000", []string{`{"user":"ada"`}, 400, malformed},
		{"user is not a string", "127.0.0.1:40000", []string{`{"user":42}`}, 400, malformed},
		{"groups is not a list", "127.0.0.1:40000", []string{`{"user":"ada","groups":"eng"}`}, 400, malformed},
		{"a JSON array", "127.0.0.1:40000", []string{`["ada"]`}, 400, malformed},
		{"two headers", "127.0.0.1:40000", []string{`{"user":"ada"}`, `{"user":"eve"}`}, 400, malformed},
		{"oversized header", "127.0.0.1:40000", []string{`{"user":"` + strings.Repeat("a", 9000) + `"}`}, 400, malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/hello", nil)
			r.RemoteAddr, r.Host = tt.remote, "127.0.0.1:8000" // identity headers from loopback need a loopback Host
			for _, v := range tt.headers {
				r.Header.Add("RStudio-Connect-Credentials", v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			want := "application/json"
			if tt.status != 200 {
				want = "application/problem+json"
			}
			if got := w.Header().Get("Content-Type"); got != want {
				t.Errorf("Content-Type %q, want %q", got, want)
			}
			if got := strings.TrimSpace(w.Body.String()); got != tt.body {
				t.Errorf("body %s, want %s", got, tt.body)
			}
		})
	}
}

// The zero Config trusts nobody: the header never names a user.
func TestHelloTrustsNobodyByDefault(t *testing.T) {
	h := New(Config{})
	r := httptest.NewRequest("GET", "/hello", nil)
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header.Set("RStudio-Connect-Credentials", `{"user":"ada"}`)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if got := strings.TrimSpace(w.Body.String()); w.Code != 200 || got != `{"message":"Howdy stranger!"}` {
		t.Fatalf("got %d %s", w.Code, got)
	}
}

func TestOpenAPI(t *testing.T) {
	h := New(Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/openapi.json", nil))
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	doc, err := openapi3.NewLoader().LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	op := doc.Paths.Find("/hello").Get
	if op == nil {
		t.Fatal("GET /hello is not documented")
	}
	var header *openapi3.Parameter
	for _, p := range op.Parameters {
		if p.Value.In == "header" && p.Value.Name == "RStudio-Connect-Credentials" {
			header = p.Value
		}
	}
	if header == nil || header.Required {
		t.Fatalf("the optional RStudio-Connect-Credentials header is not documented: %v", op.Parameters)
	}
	for _, status := range []string{"200", "400"} {
		if op.Responses.Value(status) == nil {
			t.Errorf("response %s is not documented", status)
		}
	}
	// An anonymous viewer is welcome: no security requirement, no 401.
	if op.Security != nil && len(*op.Security) > 0 {
		t.Errorf("GET /hello documents a security requirement: %v", *op.Security)
	}
	if op.Responses.Value("401") != nil {
		t.Error("GET /hello documents a 401 it never answers")
	}
	var raw struct {
		Components map[string]json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw.Components["securitySchemes"]; ok {
		t.Errorf("the document declares security schemes: %s", raw.Components["securitySchemes"])
	}
}
