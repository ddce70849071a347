package security

import (
	"cmp"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

type orgClaims struct {
	Claims
	Email string `json:"email"`
	Org   struct {
		ID    string   `json:"id"`
		Roles []string `json:"roles"`
	} `json:"org"`
	Teams []struct {
		Name string `json:"name"`
	} `json:"teams"`
	Labels map[string]struct {
		Value string `json:"value"`
	} `json:"labels"`
	Untagged string
	Ignored  string `json:"-"`
}

// Claims are decoded case-sensitively, and registered claims with the
// wrong type are refused: encoding/json would let "SCOPE" fill Scope and
// "Exp" stand for exp, and golang-jwt takes "exp":"1800000600" for a
// number (issue 17, item 6).
func TestClaimsCaseAndTypes(t *testing.T) {
	tk := keysOnce()
	k, _ := NewKey("hs", "HS256", tk.hs256)
	keys, _ := NewKeySet(k)
	v, err := NewVerifier[orgClaims](keys, VerifierOptions{Issuer: "https://api.example.com", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	h := Require(&OAuth2Password{Verify: v.Verify}, "me")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(MustUser[*orgClaims](r.Context()).Subject))
	}))
	exp := testNow.Unix() + 600
	base := func(extra map[string]any) map[string]any {
		c := map[string]any{"iss": "https://api.example.com", "sub": "alice", "exp": exp, "scope": "me"}
		for k, v := range extra {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		claims  map[string]any
		errType error
	}{
		{"Exp for exp", base(with("exp", nil, "Exp", exp)), errClaimCase},
		{"EXP beside exp", base(with("EXP", exp+3600)), errClaimCase},
		{"SCOPE for scope", base(with("scope", nil, "SCOPE", "me")), errClaimCase},
		{"Scope beside scope", base(with("Scope", "admin")), errClaimCase},
		{"ſcope (long s folds to s)", base(with("scope", nil, "ſcope", "me")), errClaimCase},
		{"ISS for iss", base(with("iss", nil, "ISS", "https://api.example.com")), errClaimCase},
		{"Sub for sub", base(with("Sub", "root")), errClaimCase},
		{"AUD", base(with("AUD", "api")), errClaimCase},
		{"JTI", base(with("JTI", "x")), errClaimCase},
		{"user claim EMAIL", base(with("EMAIL", "root@example.com")), errClaimCase},
		{"nested ORG", base(with("ORG", map[string]any{"id": "x"})), errClaimCase},
		{"nested org.ID", base(with("org", map[string]any{"ID": "x"})), errClaimCase},
		{"nested org.Roles", base(with("org", map[string]any{"id": "x", "Roles": []string{"admin"}})), errClaimCase},
		{"slice teams[1].NAME", base(with("teams", []any{map[string]any{"name": "a"}, map[string]any{"NAME": "b"}})), errClaimCase},
		{"map labels.x.Value", base(with("labels", map[string]any{"x": map[string]any{"Value": "v"}})), errClaimCase},
		{"untagged field in lower case", base(with("untagged", "x")), errClaimCase},
		{"exp as string", base(with("exp", "1800000600")), errClaimType},
		{"nbf as string", base(with("nbf", "1799999000")), errClaimType},
		{"nbf as null", base(with("nbf", []any(nil))), errClaimType},
		{"iat as string", base(with("iat", "1799999000")), errClaimType},
		// Refused by golang-jwt already (any error will do):
		{"exp as null", base(with("exp", []any(nil))), nil},
		{"iat as bool", base(with("iat", true)), nil},
		{"iat as object", base(with("iat", map[string]any{})), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := joseSign(t, "HS256", nil, tt.claims, tk.hs256)
			if _, err := v.Parse(tok); err == nil || !errors.Is(err, cmp.Or(tt.errType, err)) {
				t.Errorf("Parse = %v, want %v", err, tt.errType)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			check(t, serve(h, r), want{401, map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", error_description="The access token is invalid", scope="me"`},
				problem(401, "Invalid authentication credentials")})
		})
	}
	// Exact keys, unknown keys and keys matching an ignored field still pass.
	good := base(with("email", "a@example.com", "org", map[string]any{"id": "x", "roles": []string{"r"}, "extra": 1},
		"teams", []any{map[string]any{"name": "a"}}, "labels", map[string]any{"X": map[string]any{"value": "v"}},
		"Untagged", "u", "Ignored", "i", "unknown", "u", "iat", testNow.Unix(), "nbf", float64(testNow.Unix())-0.5))
	c, err := v.Parse(joseSign(t, "HS256", nil, good, tk.hs256))
	if err != nil {
		t.Fatalf("good claims: %v", err)
	}
	if c.Email != "a@example.com" || c.Org.ID != "x" || c.Labels["X"].Value != "v" || c.Untagged != "u" || c.Ignored != "" {
		t.Errorf("claims = %+v", c)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+joseSign(t, "HS256", nil, good, tk.hs256))
	check(t, serve(h, r), want{200, nil, "alice"})
}

// The Posit Connect credentials are decoded case-sensitively too.
func TestPositCredentialsCase(t *testing.T) {
	s := &PositConnect{ProxyTrust: ProxyTrust{TrustedProxies: Loopback()}}
	malformed := want{400, nil, problem(400, "Malformed RStudio-Connect-Credentials header")}
	for _, tt := range []struct {
		header string
		want   want
	}{
		{`{"USER":"alice"}`, malformed},
		{`{"User":"alice","groups":["admins"]}`, malformed},
		{`{"user":"bob","USER":"alice"}`, malformed},
		{`{"user":"bob","Groups":["admins"]}`, malformed},
		{`{"user":"bob","GROUPS":["admins"]}`, malformed},
		{`{"user":"bob","groups":["staff"],"Groups":["admins"]}`, malformed},
		{`{"user":"bob","groups":["staff"],"guid":"x","Guid":"y"}`, want{200, nil, `bob ["staff"]`}},
	} {
		t.Run(tt.header, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr, r.Host = "127.0.0.1:5000", "127.0.0.1:8000"
			r.Header.Set(PositConnectHeader, tt.header)
			check(t, serve(Require(s)(whoami), r), tt.want)
			if _, err := ParsePositCredentials(tt.header); (err == nil) != (tt.want.status == 200) {
				t.Errorf("ParsePositCredentials = %v", err)
			}
		})
	}
}

type treeNode struct {
	Name string      `json:"name"`
	Kids []*treeNode `json:"kids"`
	Up   *treeNode   `json:"up"`
}

func TestCheckCaseRecursiveType(t *testing.T) {
	s := shapeOf(reflect.TypeFor[treeNode]())
	for in, bad := range map[string]bool{
		`{"name":"a","kids":[{"kids":[{"name":"c"}]}],"up":{"name":"b"}}`: false,
		`{"kids":[{"kids":[{"NAME":"c"}]}]}`:                              true,
		`{"up":{"up":{"Kids":[]}}}`:                                       true,
		`{"kids":"not a list","up":7}`:                                    false, // left to the decoder
	} {
		if err := checkCase([]byte(in), s); (err != nil) != bad || (bad && !errors.Is(err, errClaimCase)) {
			t.Errorf("checkCase(%s) = %v", in, err)
		}
	}
}

func FuzzCheckCase(f *testing.F) {
	f.Add(`{"iss":"x","org":{"id":"y","roles":["r"]},"teams":[{"name":"t"}],"labels":{"k":{"value":"v"}}}`)
	f.Add(`{"ORG":{"ID":1},"teams":[{"NAME":2}]}`)
	s := shapeOf(reflect.TypeFor[orgClaims]())
	f.Fuzz(func(t *testing.T, in string) {
		err := checkCase([]byte(in), s)
		if err != nil && !errors.Is(err, errClaimCase) {
			t.Fatalf("checkCase(%q) = %v", in, err)
		}
	})
}
