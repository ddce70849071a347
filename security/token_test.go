package security

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
)

func TestParsePasswordForm(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		ctype  string
		authz  string
		strict bool
		form   *PasswordForm
		err    *TokenError
	}{
		{name: "minimal", body: "username=alice&password=pw",
			form: &PasswordForm{Username: "alice", Password: "pw"}},
		{name: "full", body: "grant_type=password&username=al%20ice&password=p%26w&scope=me+items:read++x&client_id=c&client_secret=s",
			form: &PasswordForm{GrantType: "password", Username: "al ice", Password: "p&w", Scopes: []string{"me", "items:read", "x"}, ClientID: "c", ClientSecret: "s"}},
		{name: "charset param", body: "username=a&password=b", ctype: "application/x-www-form-urlencoded; charset=utf-8",
			form: &PasswordForm{Username: "a", Password: "b"}},
		{name: "strict ok", body: "grant_type=password&username=a&password=b", strict: true,
			form: &PasswordForm{GrantType: "password", Username: "a", Password: "b"}},
		{name: "basic client", body: "username=a&password=b", authz: "Basic " + b64("my%20client:s%3Acret"),
			form: &PasswordForm{Username: "a", Password: "b", ClientID: "my client", ClientSecret: "s:cret"}},
		{name: "strict missing grant", body: "username=a&password=b", strict: true,
			err: &TokenError{Code: "invalid_request", Description: "Missing parameter grant_type"}},
		{name: "wrong grant", body: "grant_type=client_credentials&username=a&password=b",
			err: &TokenError{Code: "unsupported_grant_type", Description: "The grant type must be password"}},
		{name: "no username", body: "password=b", err: &TokenError{Code: "invalid_request", Description: "Missing parameter username"}},
		{name: "empty password", body: "username=a&password=", err: &TokenError{Code: "invalid_request", Description: "Missing parameter password"}},
		{name: "repeated", body: "username=a&username=b&password=c", err: &TokenError{Code: "invalid_request", Description: "Parameter username is repeated"}},
		{name: "bad escape", body: "username=%zz&password=b", err: &TokenError{Code: "invalid_request", Description: "The request body is not a valid form"}},
		{name: "json", body: `{"username":"a"}`, ctype: "application/json",
			err: &TokenError{Code: "invalid_request", Description: "The request must be application/x-www-form-urlencoded"}},
		{name: "bad scope", body: "username=a&password=b&scope=a%22b", err: &TokenError{Code: "invalid_scope", Description: "The scope is malformed"}},
		{name: "client twice", body: "username=a&password=b&client_id=c", authz: "Basic " + b64("c:s"),
			err: &TokenError{Code: "invalid_request", Description: "Client credentials sent twice"}},
		{name: "bad basic", body: "username=a&password=b", authz: "Basic !!",
			err: &TokenError{Code: "invalid_client", Description: "Malformed client credentials"}},
		{name: "bad basic escape", body: "username=a&password=b", authz: "Basic " + b64("%zz:s"),
			err: &TokenError{Code: "invalid_client", Description: "Malformed client credentials"}},
		{name: "too large", body: "username=a&password=" + strings.Repeat("x", MaxFormBytes),
			err: &TokenError{Code: "invalid_request", Description: "The request body is too large"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/token", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", orDefault(tt.ctype, "application/x-www-form-urlencoded"))
			if tt.authz != "" {
				r.Header.Set("Authorization", tt.authz)
			}
			parse := ParsePasswordForm
			if tt.strict {
				parse = ParsePasswordFormStrict
			}
			f, err := parse(r)
			if tt.err != nil {
				var te *TokenError
				if !errors.As(err, &te) || *te != *tt.err {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(f, tt.form) {
				t.Fatalf("form = %+v, %v; want %+v", f, err, tt.form)
			}
		})
	}
}

func TestTokenEndpoint(t *testing.T) {
	issue := func(_ context.Context, f *PasswordForm) (*Token, error) {
		switch {
		case f.Username == "alice" && f.Password == "pw":
			return &Token{AccessToken: "tok.en", ExpiresIn: 900}, nil
		case f.Username == "bob":
			return nil, &TokenError{Code: ErrInvalidScope, Description: "Scope admin is not granted"}
		case f.Username == "carol":
			return nil, &TokenError{Code: ErrInvalidClient, Description: "Unknown client"}
		case f.Username == "dave":
			return nil, errors.New("db password=hunter2")
		case f.Username == "erin":
			return nil, nil
		}
		return nil, ErrInvalidCredentials
	}
	noStore := map[string]string{"Cache-Control": "no-store", "Pragma": "no-cache", "Content-Type": "application/json"}
	tests := []struct {
		name   string
		strict bool
		body   string
		want   want
	}{
		{"ok", false, "username=alice&password=pw",
			want{200, noStore, `{"access_token":"tok.en","token_type":"bearer","expires_in":900}`}},
		{"wrong password", false, "username=alice&password=nope",
			want{400, with(noStore, "WWW-Authenticate", ""), `{"error":"invalid_grant","error_description":"Incorrect username or password"}`}},
		{"unknown user", false, "username=zed&password=pw",
			want{400, noStore, `{"error":"invalid_grant","error_description":"Incorrect username or password"}`}},
		{"invalid_request", false, "username=alice",
			want{400, noStore, `{"error":"invalid_request","error_description":"Missing parameter password"}`}},
		{"unsupported_grant_type", false, "grant_type=implicit&username=alice&password=pw",
			want{400, noStore, `{"error":"unsupported_grant_type","error_description":"The grant type must be password"}`}},
		{"strict", true, "username=alice&password=pw",
			want{400, noStore, `{"error":"invalid_request","error_description":"Missing parameter grant_type"}`}},
		{"invalid_scope", false, "username=bob&password=pw",
			want{400, noStore, `{"error":"invalid_scope","error_description":"Scope admin is not granted"}`}},
		{"invalid_client", false, "username=carol&password=pw",
			want{401, with(noStore, "WWW-Authenticate", `Basic realm="token"`), `{"error":"invalid_client","error_description":"Unknown client"}`}},
		{"failure hidden", false, "username=dave&password=pw", want{500, nil, internal}},
		{"no token", false, "username=erin&password=pw", want{500, nil, internal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/token", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			check(t, serve(&TokenEndpoint{Issue: issue, Strict: tt.strict}, r), tt.want)
		})
	}
	r := httptest.NewRequest("POST", "/token", strings.NewReader("username=a&password=b"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	check(t, serve(&TokenEndpoint{}, r), want{500, nil, internal})
}

func TestTokenErrorAsProblem(t *testing.T) {
	r := httptest.NewRequest("POST", "/token", nil)
	rec := httptest.NewRecorder()
	stdapi.WriteError(rec, r, &TokenError{Code: ErrInvalidClient, Description: "Unknown client"})
	check(t, rec, want{401, map[string]string{"WWW-Authenticate": `Basic realm="token"`},
		`{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Unknown client","error":"invalid_client","error_description":"Unknown client"}`})
}

func TestTokenErrorText(t *testing.T) {
	e := &TokenError{Code: ErrInvalidGrant, Description: "Expired code"}
	if e.Error() != "security: token endpoint: invalid_grant: Expired code" || e.Status() != 400 {
		t.Errorf("%q %d", e.Error(), e.Status())
	}
}

func TestWriteToken(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteToken(rec, Token{AccessToken: "a", TokenType: "mac", RefreshToken: "r", Scope: "me"})
	check(t, rec, want{200, map[string]string{"Cache-Control": "no-store", "Content-Length": "72"},
		`{"access_token":"a","token_type":"mac","refresh_token":"r","scope":"me"}`})
}

func FuzzPasswordForm(f *testing.F) {
	f.Add("grant_type=password&username=a&password=b&scope=x+y", "", false)
	f.Add("username=a&password=b&client_id=c", b64("c:s"), true)
	f.Add("%", "!!", false)
	f.Fuzz(func(t *testing.T, body, basic string, strict bool) {
		form, err := parsePasswordForm(body, basic, strict)
		if err != nil {
			var te *TokenError
			if !errors.As(err, &te) || form != nil {
				t.Fatalf("error %v is not a *TokenError", err)
			}
			switch te.Code {
			case ErrInvalidRequest, ErrInvalidClient, ErrUnsupportedGrantType, ErrInvalidScope:
			default:
				t.Fatalf("unexpected code %q", te.Code)
			}
			return
		}
		if form.Username == "" || form.Password == "" || (strict && form.GrantType != "password") ||
			(form.GrantType != "" && form.GrantType != "password") {
			t.Fatalf("accepted %+v", form)
		}
		for _, s := range form.Scopes {
			if !isScopeToken(s) {
				t.Fatalf("scope %q accepted", s)
			}
		}
	})
}

// errReader fails every read.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestParsePasswordFormBodyErrors(t *testing.T) {
	r := httptest.NewRequest("POST", "/token", errReader{})
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err := ParsePasswordForm(r)
	if te := (*TokenError)(nil); !errors.As(err, &te) || te.Description != "The request body could not be read" {
		t.Errorf("err = %v", err)
	}
	r = httptest.NewRequest("POST", "/token", strings.NewReader("username=a&password=b"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 4)
	_, err = ParsePasswordForm(r)
	if te := (*TokenError)(nil); !errors.As(err, &te) || te.Description != "The request body is too large" {
		t.Errorf("err = %v", err)
	}
}

func TestTokenEndpointDescribesItself(t *testing.T) {
	for _, tt := range []struct {
		strict bool
		want   string
	}{
		{false, `["username","password"]`},
		{true, `["grant_type","username","password"]`},
	} {
		op := (&TokenEndpoint{Strict: tt.strict}).OpenAPIOperation()
		body := op["requestBody"].(map[string]any)["content"].(map[string]any)
		form, ok := body["application/x-www-form-urlencoded"].(map[string]any)
		if !ok || len(body) != 1 {
			t.Fatalf("request body media types = %v, want only the urlencoded form", body)
		}
		required, _ := json.Marshal(form["schema"].(map[string]any)["required"])
		if string(required) != tt.want {
			t.Errorf("strict=%v: required = %s, want %s", tt.strict, required, tt.want)
		}
		responses := op["responses"].(map[string]any)
		for _, status := range []string{"200", "400", "401"} {
			if _, ok := responses[status]; !ok {
				t.Errorf("no %s response", status)
			}
		}
		if _, err := json.Marshal(op); err != nil {
			t.Errorf("not JSON: %v", err)
		}
	}
}
