package security

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"reflect"
	"strings"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/proxy"
)

// Identity is a user authenticated by a fronting proxy: the principal of
// PositConnect and ForwardedUser.
type Identity struct {
	User   string   `json:"user"`
	Groups []string `json:"groups"`
}

// Scopes returns the user's groups, so that Require(scheme, "admins")
// admits members of the group "admins" only.
func (i *Identity) Scopes() []string { return i.Groups }

// ProxyTrust says which peers may assert a user's identity in request
// headers. Anyone who can reach the application directly can send those
// headers too, so they are ignored unless the request comes from a trusted
// proxy. The zero value trusts nobody.
//
// A browser on the same host reaches a loopback application from a
// loopback address too: a page on another origin can do so by DNS
// rebinding (its host name, resolved again, points at 127.0.0.1), with
// identity headers of its own choosing. Such requests name the page's host
// in Host, so from a loopback peer the headers are honoured only when Host
// is a loopback name (localhost, 127.0.0.0/8, [::1], with any port) or,
// when AllowedHosts is set, one of AllowedHosts. The first request refused
// for its Host is logged at WARN.
type ProxyTrust struct {
	// TrustedProxies lists the networks of the proxies; the request's
	// RemoteAddr must be in one. Loopback() suits an application that
	// only listens on localhost behind a proxy on the same host.
	TrustedProxies []netip.Prefix
	// TrustAllProxies honours the headers from any peer. Set it only when
	// nothing but the proxy can reach the application (a Unix socket, a
	// private network) or the proxy always overwrites the headers.
	TrustAllProxies bool
	// AllowedHosts lists the host names or IP addresses (without port,
	// compared without case; the request's port is ignored) that a
	// trusted request's Host may name. Set it when the proxy forwards the
	// public Host rather than the application's loopback address. Default
	// none: any Host from a peer that is not loopback, and only loopback
	// names from a loopback peer.
	AllowedHosts []string
	// MaxHeaderBytes bounds each identity header; a longer one is a 400.
	// Default 8 KiB.
	MaxHeaderBytes int
}

// Loopback returns 127.0.0.0/8 and ::1/128, for ProxyTrust.TrustedProxies.
func Loopback() []netip.Prefix { return proxy.Loopback() }

var loopback = proxy.Loopback()

// trusted reports whether r comes from a trusted proxy, with a Host that
// proxy may send (see hostAllowed).
func (t *ProxyTrust) trusted(r *http.Request) bool {
	return t.trustedPeer(r) && t.hostAllowed(r.Host, proxy.From(r, loopback))
}

// trustedPeer reports whether r's peer is a trusted proxy, whatever its
// Host: enough to believe where it says a request came from.
func (t *ProxyTrust) trustedPeer(r *http.Request) bool {
	return t.TrustAllProxies || proxy.From(r, t.TrustedProxies)
}

func (t *ProxyTrust) maxBytes() int {
	if t.MaxHeaderBytes > 0 {
		return t.MaxHeaderBytes
	}
	return 8 << 10
}

// PositConnectHeader is the header in which Posit Connect sends the
// logged-in user: {"user":"alice","groups":["staff"]}.
const PositConnectHeader = "RStudio-Connect-Credentials"

// PositConnect authenticates the viewer of content on Posit Connect by the
// RStudio-Connect-Credentials header, as the seed's FastAPI program does.
// Connect runs the application behind its own proxy on the same host, so
// ProxyTrust{TrustedProxies: security.Loopback()} is the usual setting
// (with AllowedHosts if the proxy forwards the public Host); the zero
// value trusts nobody and rejects every request.
//
// No header (or an untrusted peer, or an empty "user") is 401 "Not
// authenticated" without a challenge (Optional lets it through as
// anonymous); a header that is not a JSON object with a string "user" and
// an array of strings "groups", or is longer than MaxHeaderBytes, is 400.
type PositConnect struct {
	ProxyTrust
	// Name is the scheme's name in OpenAPI. Default "PositConnect".
	Name string
	// Description is shown in the OpenAPI document. Default none.
	Description string
}

// Authenticate implements Scheme; the principal is an *Identity.
func (p *PositConnect) Authenticate(r *http.Request) (any, error) {
	vs := r.Header[http.CanonicalHeaderKey(PositConnectHeader)]
	if len(vs) == 0 || !p.trusted(r) {
		return nil, notAuthenticated("")
	}
	if len(vs) > 1 || len(vs[0]) > p.maxBytes() {
		return nil, malformedHeader(PositConnectHeader)
	}
	id, err := ParsePositCredentials(vs[0])
	if err != nil {
		return nil, malformedHeader(PositConnectHeader)
	}
	if id.User == "" {
		return nil, notAuthenticated("")
	}
	return id, nil
}

// OpenAPISecurity implements Scheme, describing the header as an API key.
func (p *PositConnect) OpenAPISecurity() (string, map[string]any, []string) {
	m := map[string]any{"type": "apiKey", "in": "header", "name": PositConnectHeader}
	describe(m, p.Description)
	return orDefault(p.Name, "PositConnect"), m, nil
}

var errNotObject = errors.New("security: credentials are not a JSON object")

// ParsePositCredentials decodes the value of an RStudio-Connect-Credentials
// header. Unknown members are ignored; a missing "groups" is no groups.
// Members are matched case-sensitively: "USER" or "Groups", which
// encoding/json would take for "user" and "groups", are an error.
func ParsePositCredentials(value string) (*Identity, error) {
	b := bytes.TrimSpace([]byte(value))
	if len(b) == 0 || b[0] != '{' {
		return nil, errNotObject
	}
	var id Identity
	if err := json.Unmarshal(b, &id); err != nil {
		return nil, err
	}
	if err := checkCase(b, identityShape); err != nil {
		return nil, err
	}
	return &id, nil
}

var identityShape = shapeOf(reflect.TypeFor[Identity]())

// ForwardedUser authenticates users by headers that an authenticating
// proxy (oauth2-proxy, an ingress with external auth) sets:
// X-Forwarded-User and X-Forwarded-Groups (comma-separated) by default.
// The zero value trusts nobody and rejects every request.
//
// No user header (or an untrusted peer) is 401 "Not authenticated" without
// a challenge; several user headers, control characters or a header longer
// than MaxHeaderBytes is 400.
type ForwardedUser struct {
	ProxyTrust
	// UserHeader names the user. Default "X-Forwarded-User".
	UserHeader string
	// GroupsHeader lists the groups, comma-separated; repeated headers are
	// combined. Default "X-Forwarded-Groups".
	GroupsHeader string
	// Name is the scheme's name in OpenAPI. Default "ForwardedUser".
	Name string
	// Description is shown in the OpenAPI document. Default none.
	Description string
}

// Authenticate implements Scheme; the principal is an *Identity.
func (f *ForwardedUser) Authenticate(r *http.Request) (any, error) {
	uh := orDefault(f.UserHeader, "X-Forwarded-User")
	vs := r.Header[http.CanonicalHeaderKey(uh)]
	if len(vs) == 0 || !f.trusted(r) {
		return nil, notAuthenticated("")
	}
	user := strings.TrimSpace(vs[0])
	if len(vs) > 1 || len(vs[0]) > f.maxBytes() || hasControl(user) {
		return nil, malformedHeader(uh)
	}
	if user == "" {
		return nil, notAuthenticated("")
	}
	gh := orDefault(f.GroupsHeader, "X-Forwarded-Groups")
	groups, ok := parseGroups(r.Header[http.CanonicalHeaderKey(gh)], f.maxBytes())
	if !ok {
		return nil, malformedHeader(gh)
	}
	return &Identity{User: user, Groups: groups}, nil
}

// OpenAPISecurity implements Scheme, describing the user header as an API
// key.
func (f *ForwardedUser) OpenAPISecurity() (string, map[string]any, []string) {
	m := map[string]any{"type": "apiKey", "in": "header", "name": orDefault(f.UserHeader, "X-Forwarded-User")}
	describe(m, f.Description)
	return orDefault(f.Name, "ForwardedUser"), m, nil
}

// parseGroups splits comma-separated group lists, trimming spaces and
// dropping empty items; it fails on control characters or when the values
// are longer than limit in total.
func parseGroups(values []string, limit int) ([]string, bool) {
	n := 0
	for _, v := range values {
		n += len(v)
	}
	if n > limit {
		return nil, false
	}
	groups := []string{}
	for _, v := range values {
		for g := range strings.SplitSeq(v, ",") {
			g = strings.TrimSpace(g)
			if hasControl(g) {
				return nil, false
			}
			if g != "" {
				groups = append(groups, g)
			}
		}
	}
	return groups, true
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func malformedHeader(name string) *stdapi.Error {
	return stdapi.NewError(http.StatusBadRequest, "Malformed "+name+" header")
}
