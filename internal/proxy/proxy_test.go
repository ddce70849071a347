package proxy_test

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stdapi/stdapi/internal/proxy"
)

func TestFrom(t *testing.T) {
	private := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		remote string
		nets   []netip.Prefix
		want   bool
	}{
		{"127.0.0.1:1234", proxy.Loopback(), true},
		{"127.9.9.9:1234", proxy.Loopback(), true},
		{"[::1]:1234", proxy.Loopback(), true},
		{"[::ffff:127.0.0.1]:1234", proxy.Loopback(), true},
		{"192.0.2.1:1234", proxy.Loopback(), false},
		{"[2001:db8::1]:1234", proxy.Loopback(), false},
		{"10.1.2.3:80", private, true},
		{"127.0.0.1:1234", private, false},
		{"127.0.0.1:1234", nil, false},
		{"127.0.0.1", proxy.Loopback(), false},
		{"@", proxy.Loopback(), false},
		{"", proxy.Loopback(), false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if got := proxy.From(r, tt.nets); got != tt.want {
			t.Errorf("From(%q, %v) = %v, want %v", tt.remote, tt.nets, got, tt.want)
		}
	}
}
