package security

import (
	"log/slog"
	"net/netip"
	"strings"
	"sync/atomic"
)

// hostWarned is set once a request has been refused for its Host, so that
// a misconfigured deployment learns why once and an attacker cannot fill
// the log.
var hostWarned atomic.Bool

// hostAllowed reports whether host, a request's Host, may come with
// identity headers from a trusted peer: one of AllowedHosts when they are
// set; else, from a loopback peer, a loopback name, which a DNS-rebinding
// page cannot send; else any.
func (t *ProxyTrust) hostAllowed(host string, loopbackPeer bool) bool {
	if len(t.AllowedHosts) == 0 && !loopbackPeer {
		return true
	}
	name := hostName(host)
	ok := false
	if len(t.AllowedHosts) > 0 {
		for _, h := range t.AllowedHosts {
			ok = ok || strings.EqualFold(h, name)
		}
	} else {
		ok = isLoopbackName(name)
	}
	if !ok && hostWarned.CompareAndSwap(false, true) {
		slog.Warn("security: identity headers ignored: the request's Host is not allowed "+
			"(from a loopback peer it must be a loopback name, against DNS rebinding); "+
			"list the Host your proxy sends in ProxyTrust.AllowedHosts", "host", host)
	}
	return ok
}

// hostName returns host without its port and, for an IPv6 literal, its
// brackets.
func hostName(host string) string {
	if rest, ok := strings.CutPrefix(host, "["); ok {
		name, _, _ := strings.Cut(rest, "]")
		return name
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.IndexByte(host, ':') == i {
		return host[:i]
	}
	return host
}

// isLoopbackName reports whether name is localhost or a loopback IP
// address.
func isLoopbackName(name string) bool {
	if strings.EqualFold(name, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(name)
	return err == nil && addr.Unmap().IsLoopback()
}
