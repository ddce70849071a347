// Package proxy decides whether a request comes from a trusted proxy, for
// the packages that honour headers only a proxy may set: security's proxy
// identities and templates' base URL.
//
//	if proxy.From(r, proxy.Loopback()) {
//		user = r.Header.Get("X-Forwarded-User")
//	}
package proxy

import (
	"net/http"
	"net/netip"
)

// Loopback returns 127.0.0.0/8 and ::1/128: the peers of an application
// behind a proxy on the same host, as Posit Connect runs its content.
func Loopback() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// From reports whether the peer of r, its RemoteAddr, is in one of nets. An
// IPv4-mapped IPv6 peer (::ffff:127.0.0.1) counts as its IPv4 address. A
// RemoteAddr that is not an IP address with a port, such as that of a Unix
// socket, is in none.
func From(r *http.Request, nets []netip.Prefix) bool {
	if len(nets) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	for _, p := range nets {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
