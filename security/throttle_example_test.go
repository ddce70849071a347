package security_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/stdapi/stdapi/security"
)

// Failed logins throttled at a token endpoint: after five wrong passwords
// for alice, her logins are refused for the rest of the 15 minutes, even
// with the right password, before any password is checked; bob is not
// affected.
func ExampleThrottle() {
	login := func(_ context.Context, f *security.PasswordForm) (*security.Token, error) {
		// A real Issue verifies a hash (security.Hasher).
		if security.Equal(f.Username, "alice") && security.Equal(f.Password, "wonderland") ||
			security.Equal(f.Username, "bob") && security.Equal(f.Password, "builder") {
			return &security.Token{AccessToken: "token-of-" + f.Username}, nil
		}
		return nil, security.ErrInvalidCredentials
	}
	throttle := &security.Throttle{} // 5 failures per user, 20 per address, in 15 minutes
	mux := http.NewServeMux()
	mux.Handle("POST /token", throttle.Middleware(&security.TokenEndpoint{Issue: login}))

	post := func(user, password string) {
		form := url.Values{"username": {user}, "password": {password}}
		r := httptest.NewRequest("POST", "/token", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(user, password, w.Code, w.Header().Get("Retry-After"), strings.TrimSpace(w.Body.String()))
	}
	for _, guess := range []string{"123456", "password", "qwerty", "letmein", "alice1"} {
		post("alice", guess)
	}
	post("alice", "wonderland")
	post("bob", "builder")
	// Output:
	// alice 123456 400  {"error":"invalid_grant","error_description":"Incorrect username or password"}
	// alice password 400  {"error":"invalid_grant","error_description":"Incorrect username or password"}
	// alice qwerty 400  {"error":"invalid_grant","error_description":"Incorrect username or password"}
	// alice letmein 400  {"error":"invalid_grant","error_description":"Incorrect username or password"}
	// alice alice1 400  {"error":"invalid_grant","error_description":"Incorrect username or password"}
	// alice wonderland 429 900 {"type":"about:blank","title":"Too Many Requests","status":429,"detail":"Too many failed login attempts"}
	// bob builder 200  {"access_token":"token-of-bob","token_type":"bearer"}
}
