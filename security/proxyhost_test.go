package security

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/internal/logtest"
)

// A page on another origin can reach an application on localhost through
// DNS rebinding: its requests come from 127.0.0.1, carry the identity
// headers its script sets, and name the attacker's host in Host. Identity
// headers from a loopback peer are therefore honoured only with a loopback
// Host, or one of AllowedHosts (issue 17, item 8).
func TestProxyTrustHost(t *testing.T) {
	loopback := ProxyTrust{TrustedProxies: Loopback()}
	connect := ProxyTrust{TrustedProxies: Loopback(), AllowedHosts: []string{"connect.example.com", "10.0.0.7"}}
	private := ProxyTrust{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	all := ProxyTrust{TrustAllProxies: true}
	const alice = `alice []`
	tests := []struct {
		name   string
		trust  ProxyTrust
		remote string
		host   string
		ok     bool
	}{
		{"rebinding", loopback, "127.0.0.1:5000", "evil.example", false},
		{"rebinding with port", loopback, "127.0.0.1:5000", "evil.example:8000", false},
		{"rebinding over ipv6", loopback, "[::1]:5000", "evil.example:8000", false},
		{"loopback-looking name", loopback, "127.0.0.1:5000", "127.0.0.1.evil.example", false},
		{"localhost subdomain of evil", loopback, "127.0.0.1:5000", "localhost.evil.example", false},
		{"no host", loopback, "127.0.0.1:5000", "", false},
		{"127.0.0.1:8000", loopback, "127.0.0.1:5000", "127.0.0.1:8000", true},
		{"127.0.0.1", loopback, "127.0.0.1:5000", "127.0.0.1", true},
		{"127.1.2.3", loopback, "127.0.0.1:5000", "127.1.2.3:80", true},
		{"localhost", loopback, "127.0.0.1:5000", "localhost", true},
		{"LOCALHOST:8000", loopback, "127.0.0.1:5000", "LOCALHOST:8000", true},
		{"[::1]:8000", loopback, "[::1]:5000", "[::1]:8000", true},
		{"[::1]", loopback, "127.0.0.1:5000", "[::1]", true},
		{"allowed host", connect, "127.0.0.1:5000", "connect.example.com", true},
		{"allowed host, other case and port", connect, "127.0.0.1:5000", "Connect.Example.COM:443", true},
		{"allowed ip", connect, "127.0.0.1:5000", "10.0.0.7:3939", true},
		{"not allowed", connect, "127.0.0.1:5000", "evil.example", false},
		{"allow-list replaces loopback names", connect, "127.0.0.1:5000", "localhost:8000", false},
		{"trust all, loopback peer", all, "127.0.0.1:5000", "evil.example", false},
		{"trust all, loopback peer and host", all, "127.0.0.1:5000", "localhost:8000", true},
		{"trust all, remote peer", all, "203.0.113.9:5000", "api.example.com", true},
		{"private proxy, any host", private, "10.1.2.3:5000", "api.example.com", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range []Scheme{&PositConnect{ProxyTrust: tt.trust}, &ForwardedUser{ProxyTrust: tt.trust}} {
				r := httptest.NewRequest("GET", "/", nil)
				r.RemoteAddr, r.Host = tt.remote, tt.host
				r.Header.Set(PositConnectHeader, `{"user":"alice"}`)
				r.Header.Set("X-Forwarded-User", "alice")
				w := want{401, nil, problem(401, "Not authenticated")}
				if tt.ok {
					w = want{200, nil, alice}
				}
				check(t, serve(Require(s)(whoami), r), w)
				w = want{200, nil, "Howdy stranger!"}
				if tt.ok {
					w = want{200, nil, alice}
				}
				check(t, serve(Optional(s)(whoami), r), w)
			}
		})
	}
}

// The first refused Host is logged once, at WARN, with the fix.
func TestProxyTrustHostWarns(t *testing.T) {
	hostWarned.Store(false)
	logs := logtest.Capture(t)
	s := &PositConnect{ProxyTrust: ProxyTrust{TrustedProxies: Loopback()}}
	for range 3 {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr, r.Host = "127.0.0.1:5000", "connect.example.com"
		r.Header.Set(PositConnectHeader, `{"user":"alice"}`)
		check(t, serve(Require(s)(whoami), r), want{401, nil, problem(401, "Not authenticated")})
	}
	got := logs.String()
	if strings.Count(got, "level=WARN") != 1 || !strings.Contains(got, "AllowedHosts") || !strings.Contains(got, "host=connect.example.com") {
		t.Errorf("logs:\n%s", got)
	}
}
