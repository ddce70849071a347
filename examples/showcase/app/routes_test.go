package app

import "testing"

// TestUnmatchedRoutes checks that the showcase answers unknown paths and
// wrong methods with problem bodies, keeping ServeMux's Allow header.
func TestUnmatchedRoutes(t *testing.T) {
	h := newApp(t)
	tests := []struct {
		name, method, path string
		status             int
		allow, body        string
	}{
		{"unknown path", "GET", "/nope", 404, "",
			`{"type":"about:blank","title":"Not Found","status":404}`},
		{"wrong method", "PATCH", "/token", 405, "POST",
			`{"type":"about:blank","title":"Method Not Allowed","status":405}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(h, request{method: tt.method, path: tt.path})
			if w.Code != tt.status || w.Header().Get("Allow") != tt.allow || w.Body.String() != tt.body {
				t.Errorf("%s %s: %d Allow %q %s, want %d Allow %q %s", tt.method, tt.path,
					w.Code, w.Header().Get("Allow"), w.Body, tt.status, tt.allow, tt.body)
			}
		})
	}
}
