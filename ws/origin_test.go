package ws

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// TestOriginSchemeAndPort checks that an origin is the scheme, the host and
// the port: the server's own is https over TLS and http otherwise, and a
// default port (80 for http, 443 for https) equals no port.
func TestOriginSchemeAndPort(t *testing.T) {
	tests := []struct {
		name    string
		tls     bool
		host    string // the request's Host
		allowed []string
		origin  string
		want    bool
	}{
		{"http, same", false, "h.example", nil, "http://h.example", true},
		{"http, page over https", false, "h.example", nil, "https://h.example", false},
		{"tls, same", true, "h.example", nil, "https://h.example", true},
		{"tls, page over plain http", true, "h.example", nil, "http://h.example", false},
		{"tls, origin with default port", true, "h.example", nil, "https://h.example:443", true},
		{"tls, Host with default port", true, "h.example:443", nil, "https://h.example", true},
		{"http, Host with default port", false, "h.example:80", nil, "http://h.example", true},
		{"http, origin with default port", false, "h.example", nil, "http://h.example:80", true},
		{"http, origin with an empty port", false, "h.example", nil, "http://h.example:", true},
		{"http, same other port", false, "h.example:8080", nil, "http://h.example:8080", true},
		{"http, Host with a port, origin without", false, "h.example:8080", nil, "http://h.example", false},
		{"http, 443 is not http's default", false, "h.example:443", nil, "http://h.example", false},
		{"http, 80 is not https's default", false, "h.example:80", nil, "https://h.example", false},
		{"tls, same other port", true, "h.example:8443", nil, "https://h.example:8443", true},
		{"tls, origin with another port", true, "h.example", nil, "https://h.example:8443", false},
		{"tls, Host with another port", true, "h.example:8443", nil, "https://h.example", false},
		{"host case", false, "H.Example", nil, "http://h.EXAMPLE", true},
		{"scheme case", true, "h.example", nil, "HTTPS://h.example", true},
		{"IPv6", false, "[::1]:8080", nil, "http://[::1]:8080", true},
		{"IPv6, default port", false, "[::1]:80", nil, "http://[::1]", true},
		{"IPv6, other port", false, "[::1]:8080", nil, "http://[::1]:8081", false},
		{"wss spelling (non-browser client)", true, "h.example", nil, "wss://h.example", true},
		{"ws spelling (non-browser client)", false, "h.example", nil, "ws://h.example", true},
		{"ws spelling over tls", true, "h.example", nil, "ws://h.example", false},
		{"another scheme", true, "h.example", nil, "ftp://h.example", false},

		{"list, origin with default port", false, "h.example", []string{"https://app.example.com"}, "https://app.example.com:443", true},
		{"list, entry with default port", false, "h.example", []string{"https://app.example.com:443"}, "https://app.example.com", true},
		{"list, http entry with default port", false, "h.example", []string{"http://app.example.com:80"}, "http://APP.example.com", true},
		{"list, wrong scheme", false, "h.example", []string{"https://app.example.com"}, "http://app.example.com", false},
		{"list, other port", false, "h.example", []string{"https://app.example.com:8443"}, "https://app.example.com:8443", true},
		{"list, port missing", false, "h.example", []string{"https://app.example.com:8443"}, "https://app.example.com", false},
		{"list, wildcard with default port", false, "h.example", []string{"https://*.example.com"}, "https://a.example.com:443", true},
		{"list, wildcard, wrong scheme", false, "h.example", []string{"https://*.example.com"}, "http://a.example.com", false},
		{"list, wildcard with a port", false, "h.example", []string{"https://*.example.com:8443"}, "https://a.example.com:8443", true},
		{"list, wildcard, port missing", false, "h.example", []string{"https://*.example.com:8443"}, "https://a.example.com", false},
		{"list, wildcard entry with default port", false, "h.example", []string{"https://*.example.com:443"}, "https://a.example.com", true},
		{"list does not widen the own origin", true, "h.example", []string{"https://app.example.com"}, "http://h.example", false},
		{"list may name the own host over http", true, "h.example", []string{"http://h.example"}, "http://h.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newOriginPolicy(tt.allowed)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/ws", nil)
			r.Host = tt.host
			r.TLS = nil
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			r.Header.Set("Origin", tt.origin)
			if got := p.allow(r); got != tt.want {
				t.Errorf("allow(Origin %s, Host %s, TLS %v) = %v, want %v", tt.origin, tt.host, tt.tls, got, tt.want)
			}
		})
	}
}

// TestOriginTLS dials a TLS server the way a browser page would, from its
// own origin and from the same host over plain http.
func TestOriginTLS(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	srv := httptest.NewTLSServer(Handler(echo))
	t.Cleanup(srv.Close)
	url := "wss" + strings.TrimPrefix(srv.URL, "https")
	host := strings.TrimPrefix(srv.URL, "https://")
	tests := []struct {
		origin string
		want   int
	}{
		{"https://" + host, http.StatusSwitchingProtocols},
		{"http://" + host, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			d := websocket.Dialer{TLSClientConfig: srv.Client().Transport.(*http.Transport).TLSClientConfig}
			c, resp, err := d.Dial(url, http.Header{"Origin": {tt.origin}})
			if err == nil {
				c.Close()
			}
			if resp == nil {
				t.Fatalf("dial: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

// TestOriginHint checks that the refusal of the own host over another
// scheme, what a proxy terminating TLS causes, is logged once with the fix;
// a foreign origin is not logged.
func TestOriginHint(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	log, logs := newLogger()
	url := serve(t, Handler(echo, Logger(log)))
	self := strings.TrimPrefix(url, "ws://")
	for _, origin := range []string{"https://evil.example", "https://" + self, "https://" + self} {
		if status, _, body := dialStatus(t, url, http.Header{"Origin": {origin}}); status != http.StatusForbidden {
			t.Fatalf("Origin %s: status %d, want 403 (%s)", origin, status, body)
		}
	}
	got := logs.String()
	if n := strings.Count(got, "level=WARN"); n != 1 || !strings.Contains(got, "AllowedOrigins") ||
		!strings.Contains(got, "origin=https://"+self) || !strings.Contains(got, "self=http://"+self) {
		t.Errorf("log = %q, want one warning naming AllowedOrigins, the origin and the server's own", got)
	}
}
