package security

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

// whoami answers "user [groups]".
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if id, ok := User[*Identity](r.Context()); ok {
		fmt.Fprintf(w, "%s %q", id.User, id.Groups)
		return
	}
	fmt.Fprint(w, "Howdy stranger!")
})

func TestPositConnect(t *testing.T) {
	trusted := PositConnect{ProxyTrust: ProxyTrust{TrustedProxies: Loopback()}}
	noAuth := want{401, map[string]string{"WWW-Authenticate": ""}, problem(401, "Not authenticated")}
	malformed := want{400, nil, problem(400, "Malformed RStudio-Connect-Credentials header")}
	tests := []struct {
		name    string
		scheme  PositConnect
		remote  string
		headers []string
		scopes  []string
		want    want
	}{
		{"seed shape", trusted, "127.0.0.1:5000", []string{`{"user": "alice", "groups": ["staff", "admins"]}`}, nil,
			want{200, nil, `alice ["staff" "admins"]`}},
		{"ipv6 loopback", trusted, "[::1]:5000", []string{`{"user":"bob","groups":[]}`}, nil, want{200, nil, `bob []`}},
		{"no groups", trusted, "127.0.0.1:5000", []string{`{"user":"bob"}`}, nil, want{200, nil, `bob []`}},
		{"unknown member", trusted, "127.0.0.1:5000", []string{`{"user":"bob","guid":"x","groups":null}`}, nil, want{200, nil, `bob []`}},
		{"group as scope", trusted, "127.0.0.1:5000", []string{`{"user":"alice","groups":["admins"]}`}, []string{"admins"},
			want{200, nil, `alice ["admins"]`}},
		{"group lacking", trusted, "127.0.0.1:5000", []string{`{"user":"alice","groups":["staff"]}`}, []string{"admins"},
			want{403, map[string]string{"WWW-Authenticate": ""}, problem(403, "Not enough permissions")}},
		{"no header", trusted, "127.0.0.1:5000", nil, nil, noAuth},
		{"empty user", trusted, "127.0.0.1:5000", []string{`{"user":"","groups":[]}`}, nil, noAuth},
		{"untrusted peer", trusted, "203.0.113.9:5000", []string{`{"user":"alice"}`}, nil, noAuth},
		{"zero value trusts nobody", PositConnect{}, "127.0.0.1:5000", []string{`{"user":"alice"}`}, nil, noAuth},
		{"unix socket peer", trusted, "@", []string{`{"user":"alice"}`}, nil, noAuth},
		{"trust all", PositConnect{ProxyTrust: ProxyTrust{TrustAllProxies: true}}, "203.0.113.9:5000", []string{`{"user":"alice"}`}, nil,
			want{200, nil, `alice []`}},
		{"not json", trusted, "127.0.0.1:5000", []string{`alice`}, nil, malformed},
		{"empty", trusted, "127.0.0.1:5000", []string{``}, nil, malformed},
		{"null", trusted, "127.0.0.1:5000", []string{`null`}, nil, malformed},
		{"array", trusted, "127.0.0.1:5000", []string{`["alice"]`}, nil, malformed},
		{"user not string", trusted, "127.0.0.1:5000", []string{`{"user":42}`}, nil, malformed},
		{"groups not array", trusted, "127.0.0.1:5000", []string{`{"user":"a","groups":"admins"}`}, nil, malformed},
		{"group not string", trusted, "127.0.0.1:5000", []string{`{"user":"a","groups":[1]}`}, nil, malformed},
		{"trailing data", trusted, "127.0.0.1:5000", []string{`{"user":"a"}{"user":"b"}`}, nil, malformed},
		{"two headers", trusted, "127.0.0.1:5000", []string{`{"user":"a"}`, `{"user":"b"}`}, nil, malformed},
		{"too large", trusted, "127.0.0.1:5000", []string{`{"user":"a","groups":["` + strings.Repeat("g", 8<<10) + `"]}`}, nil, malformed},
		{"custom limit", PositConnect{ProxyTrust: ProxyTrust{TrustAllProxies: true, MaxHeaderBytes: 10}}, "1.2.3.4:1", []string{`{"user":"alice"}`}, nil, malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/hello", nil)
			r.RemoteAddr, r.Host = tt.remote, "127.0.0.1:8000" // the proxy addresses the application by its loopback address
			r.Header[http.CanonicalHeaderKey(PositConnectHeader)] = tt.headers
			s := tt.scheme
			check(t, serve(Require(&s, tt.scopes...)(whoami), r), tt.want)
		})
	}
	r := httptest.NewRequest("GET", "/hello", nil)
	r.RemoteAddr = "127.0.0.1:1"
	check(t, serve(Optional(&trusted)(whoami), r), want{200, nil, "Howdy stranger!"})
	name, obj, _ := trusted.OpenAPISecurity()
	if name != "PositConnect" || !reflect.DeepEqual(obj, map[string]any{"type": "apiKey", "in": "header", "name": "RStudio-Connect-Credentials"}) {
		t.Errorf("OpenAPISecurity = %q %v", name, obj)
	}
}

func TestForwardedUser(t *testing.T) {
	nets := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	trusted := ForwardedUser{ProxyTrust: ProxyTrust{TrustedProxies: nets}}
	noAuth := want{401, nil, problem(401, "Not authenticated")}
	tests := []struct {
		name   string
		scheme ForwardedUser
		remote string
		header http.Header
		want   want
	}{
		{"user and groups", trusted, "10.1.2.3:4", http.Header{"X-Forwarded-User": {"alice"}, "X-Forwarded-Groups": {"staff, admins,,"}},
			want{200, nil, `alice ["staff" "admins"]`}},
		{"groups combined", trusted, "10.1.2.3:4", http.Header{"X-Forwarded-User": {" alice "}, "X-Forwarded-Groups": {"a", "b,c"}},
			want{200, nil, `alice ["a" "b" "c"]`}},
		{"no groups", trusted, "10.1.2.3:4", http.Header{"X-Forwarded-User": {"alice"}}, want{200, nil, `alice []`}},
		{"ipv4-mapped peer", trusted, "[::ffff:10.1.2.3]:4", http.Header{"X-Forwarded-User": {"alice"}}, want{200, nil, `alice []`}},
		{"custom headers", ForwardedUser{ProxyTrust: trusted.ProxyTrust, UserHeader: "X-Auth-Request-User", GroupsHeader: "X-Auth-Request-Groups"},
			"10.1.2.3:4", http.Header{"X-Auth-Request-User": {"bob"}, "X-Auth-Request-Groups": {"g"}, "X-Forwarded-User": {"alice"}},
			want{200, nil, `bob ["g"]`}},
		{"untrusted", trusted, "192.0.2.1:4", http.Header{"X-Forwarded-User": {"alice"}}, noAuth},
		{"bad remote addr", trusted, "garbage", http.Header{"X-Forwarded-User": {"alice"}}, noAuth},
		{"missing", trusted, "10.1.2.3:4", http.Header{}, noAuth},
		{"empty user", trusted, "10.1.2.3:4", http.Header{"X-Forwarded-User": {"  "}}, noAuth},
		{"two users", trusted, "10.1.2.3:4", http.Header{"X-Forwarded-User": {"alice", "root"}},
			want{400, nil, problem(400, "Malformed X-Forwarded-User header")}},
		{"control in user", trusted, "10.1.2.3:4", http.Header{"X-Forwarded-User": {"ali\x01ce"}},
			want{400, nil, problem(400, "Malformed X-Forwarded-User header")}},
		{"control in group", trusted, "10.1.2.3:4", http.Header{"X-Forwarded-User": {"alice"}, "X-Forwarded-Groups": {"a,\x00b"}},
			want{400, nil, problem(400, "Malformed X-Forwarded-Groups header")}},
		{"groups too large", trusted, "10.1.2.3:4", http.Header{"X-Forwarded-User": {"alice"}, "X-Forwarded-Groups": {strings.Repeat("g,", 5<<10)}},
			want{400, nil, problem(400, "Malformed X-Forwarded-Groups header")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			r.Header = tt.header
			s := tt.scheme
			check(t, serve(Require(&s)(whoami), r), tt.want)
		})
	}
	name, obj, _ := (&ForwardedUser{}).OpenAPISecurity()
	if name != "ForwardedUser" || obj["name"] != "X-Forwarded-User" {
		t.Errorf("OpenAPISecurity = %q %v", name, obj)
	}
}

func FuzzPositCredentials(f *testing.F) {
	f.Add(`{"user": "alice", "groups": ["staff"]}`)
	f.Add(`{"user":null}`)
	f.Add(` {"groups":[""]} `)
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr, r.Host = "127.0.0.1:1", "localhost:8000"
		r.Header.Set(PositConnectHeader, s)
		_, err := (&PositConnect{ProxyTrust: ProxyTrust{TrustedProxies: Loopback()}}).Authenticate(r)
		if err != nil {
			if e, ok := err.(interface{ StatusCode() int }); !ok || (e.StatusCode() != 400 && e.StatusCode() != 401) {
				t.Fatalf("%q: %v", s, err)
			}
		}
	})
}

func FuzzForwardedGroups(f *testing.F) {
	f.Add("a, b,,c", "d")
	f.Add("", " ")
	f.Fuzz(func(t *testing.T, a, b string) {
		groups, ok := parseGroups([]string{a, b}, 1<<10)
		if !ok {
			return
		}
		for _, g := range groups {
			if g == "" || strings.Contains(g, ",") || g != strings.TrimSpace(g) || hasControl(g) {
				t.Fatalf("parseGroups(%q, %q) = %q", a, b, groups)
			}
		}
	})
}
