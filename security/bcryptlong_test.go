package security

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/internal/logtest"
	"golang.org/x/crypto/bcrypt"
)

// A password over 72 bytes against a bcrypt hash is a wrong password: the
// answer must not tell users with bcrypt hashes from the others (issue 17,
// item 5).
func TestBcryptLongPasswordIsMismatch(t *testing.T) {
	ctx := context.Background()
	h := fast()
	pw := strings.Repeat("a", 72)
	hash, err := HashBcrypt(pw, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	argon, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	long := pw + "b" // its first 72 bytes are the password
	for _, enc := range []string{hash, argon} {
		if ok, err := h.Verify(ctx, long, enc); ok || err != nil {
			t.Errorf("Verify(73 bytes, %.7s...) = %v, %v; want false, nil", enc, ok, err)
		}
	}
	if ok, err := h.Verify(ctx, pw, hash); !ok || err != nil {
		t.Fatalf("Verify(72 bytes) = %v, %v", ok, err)
	}

	// Through the schemes, with the usual Verify that passes errors on.
	users := map[string]string{"bcrypt": hash, "argon": argon}
	login := func(ctx context.Context, user, password string) (any, error) {
		ok, err := h.Verify(ctx, password, users[user])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ErrInvalidCredentials
		}
		return user, nil
	}
	basic := Require(&Basic{Verify: login})(hello)
	token := &TokenEndpoint{Issue: func(ctx context.Context, f *PasswordForm) (*Token, error) {
		if _, err := login(ctx, f.Username, f.Password); err != nil {
			return nil, err
		}
		return &Token{AccessToken: "t"}, nil
	}}
	for _, user := range []string{"bcrypt", "argon", "nobody"} {
		t.Run(user, func(t *testing.T) {
			logs := logtest.Capture(t)
			r := httptest.NewRequest("GET", "/", nil)
			r.SetBasicAuth(user, long)
			check(t, serve(basic, r), want{401, map[string]string{"WWW-Authenticate": `Basic realm="Restricted"`},
				problem(401, "Invalid authentication credentials")})
			r = httptest.NewRequest("POST", "/token", strings.NewReader("username="+user+"&password="+long))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			check(t, serve(token, r), want{400, nil, `{"error":"invalid_grant","error_description":"Incorrect username or password"}`})
			if s := logs.String(); strings.Contains(s, "level=ERROR") {
				t.Errorf("logged an error:\n%s", s)
			}
		})
	}
}

// The long password still costs a bcrypt comparison: it waits for a
// hashing slot like any other verification.
func TestBcryptLongPasswordDoesTheWork(t *testing.T) {
	h := &Hasher{Memory: 64, Time: 1, MaxConcurrent: 1}
	hash, err := HashBcrypt("pw", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer h.release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Verify(ctx, strings.Repeat("x", 100), hash); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify(100 bytes) with no free slot = %v, want context.Canceled", err)
	}
}
