package main

import (
	"net/http/httptest"
	"testing"

	"github.com/stdapi/stdapi/security"
)

// TestUnmatchedRoutes checks that unknown paths and wrong methods get
// problem bodies, keeping ServeMux's Allow header.
func TestUnmatchedRoutes(t *testing.T) {
	h := New(Config{TrustedProxies: security.Loopback()})
	tests := []struct {
		method, path string
		status       int
		allow, body  string
	}{
		{"GET", "/nope", 404, "", `{"type":"about:blank","title":"Not Found","status":404}`},
		{"POST", "/hello", 405, "GET, HEAD", `{"type":"about:blank","title":"Method Not Allowed","status":405}`},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
		if w.Code != tt.status || w.Header().Get("Allow") != tt.allow || w.Body.String() != tt.body {
			t.Errorf("%s %s: %d Allow %q %s, want %d Allow %q %s", tt.method, tt.path,
				w.Code, w.Header().Get("Allow"), w.Body, tt.status, tt.allow, tt.body)
		}
	}
}
