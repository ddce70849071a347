package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
)

const apiKey = "test-api-key"

// newApp returns a showcase whose background work is drained when the test
// ends.
func newApp(t *testing.T) *App {
	t.Helper()
	app, err := New(Config{APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		app.CloseConns()
		if err := app.Drain(ctx); err != nil && !errors.Is(err, tasks.ErrClosed) { // a test may have drained the queue
			t.Errorf("Drain: %v", err)
		}
	})
	return app
}

type request struct {
	method, path string
	header       http.Header
	contentType  string
	body         string
}

func do(h http.Handler, r request) *httptest.ResponseRecorder {
	req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
	for k, v := range r.header {
		req.Header[k] = v
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

func basic(user, password string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}}
}

// login gets a token for alice with scopes (all of hers when empty).
func login(t *testing.T, h http.Handler, scopes string) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}}
	if scopes != "" {
		form.Set("scope", scopes)
	}
	w := do(h, request{method: "POST", path: "/token", contentType: "application/x-www-form-urlencoded", body: form.Encode()})
	if w.Code != 200 {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &tok); err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

const (
	notAuthenticated = `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`
	invalidCreds     = `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Invalid authentication credentials"}`
	forbidden        = `{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not enough permissions"}`
)

func TestToken(t *testing.T) {
	app := newApp(t)
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name   string
		req    request
		status int
		body   string // exact, or "" to check the token
		scope  string // the scope claim of the token
	}{
		{"all scopes by default", request{body: "username=alice&password=wonderland"}, 200, "", "me items:read items:write"},
		{"requested scopes", request{body: "grant_type=password&username=alice&password=wonderland&scope=me+items%3Aread"}, 200, "", "me items:read"},
		// Swagger UI's Authorize: client credentials in a Basic header, empty by default.
		{"Swagger UI's form", request{header: basic("", ""), body: "grant_type=password&username=alice&password=wonderland&scope=me"}, 200, "", "me"},
		{"Swagger UI's form, credentials in the body", request{body: "grant_type=password&username=alice&password=wonderland&scope=me&client_id=&client_secret="}, 200, "", "me"},
		{"wrong password", request{body: "username=alice&password=Wonderland"}, 400, `{"error":"invalid_grant","error_description":"Incorrect username or password"}`, ""},
		{"unknown user", request{body: "username=bob&password=wonderland"}, 400, `{"error":"invalid_grant","error_description":"Incorrect username or password"}`, ""},
		{"empty password", request{body: "username=alice&password="}, 400, `{"error":"invalid_request","error_description":"Missing parameter password"}`, ""},
		{"no password", request{body: "username=alice"}, 400, `{"error":"invalid_request","error_description":"Missing parameter password"}`, ""},
		{"scope alice may not have", request{body: "username=alice&password=wonderland&scope=me+admin"}, 400, `{"error":"invalid_scope","error_description":"Scope not allowed: admin"}`, ""},
		{"JSON instead of a form", request{contentType: "application/json", body: `{"username":"alice","password":"wonderland"}`}, 400, `{"error":"invalid_request","error_description":"The request must be application/x-www-form-urlencoded"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.method, tt.req.path = "POST", "/token"
			if tt.req.contentType == "" {
				tt.req.contentType = form
			}
			w := do(app, tt.req)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if got := w.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
			if tt.body != "" {
				if got := strings.TrimSpace(w.Body.String()); got != tt.body {
					t.Errorf("body %s, want %s", got, tt.body)
				}
				return
			}
			var tok map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &tok); err != nil {
				t.Fatal(err)
			}
			if tok["token_type"] != "bearer" || tok["expires_in"] != float64(1800) {
				t.Errorf("token response %v", tok)
			}
			// The token carries the granted scopes: /users/me reports them.
			me := do(app, request{method: "GET", path: "/users/me", header: bearer(tok["access_token"].(string))})
			if !strings.Contains(tt.scope, "me") {
				return
			}
			want := `{"username":"alice","full_name":"Alice Liddell","email":"alice@example.com","scopes":` + jsonList(tt.scope) + `}`
			if got := strings.TrimSpace(me.Body.String()); me.Code != 200 || got != want {
				t.Errorf("/users/me: %d %s, want %s", me.Code, got, want)
			}
		})
	}
}

func jsonList(spaceSeparated string) string {
	b, _ := json.Marshal(strings.Fields(spaceSeparated))
	return string(b)
}

func TestSecurity(t *testing.T) {
	app := newApp(t)
	all := login(t, app, "")
	readOnly := login(t, app, "items:read")
	meOnly := login(t, app, "me")
	tests := []struct {
		name     string
		req      request
		status   int
		challeng string
		body     string
	}{
		{"me without a token", request{path: "/users/me"}, 401, `Bearer`, notAuthenticated},
		{"me with a malformed token", request{path: "/users/me", header: bearer("not-a-jwt")}, 401,
			`Bearer error="invalid_token", error_description="The access token is invalid", scope="me"`, invalidCreds},
		{"me with a tampered token", request{path: "/users/me", header: bearer(all[:len(all)-4] + "AAAA")}, 401,
			`Bearer error="invalid_token", error_description="The access token is invalid", scope="me"`, invalidCreds},
		{"me with Basic credentials", request{path: "/users/me", header: basic("alice", "wonderland")}, 401, `Bearer`, notAuthenticated},
		{"me without the me scope", request{path: "/users/me", header: bearer(readOnly)}, 403,
			`Bearer error="insufficient_scope", scope="me"`, forbidden},
		{"me", request{path: "/users/me", header: bearer(meOnly)}, 200, "",
			`{"username":"alice","full_name":"Alice Liddell","email":"alice@example.com","scopes":["me"]}`},
		{"items without items:read", request{path: "/items", header: bearer(meOnly)}, 403,
			`Bearer error="insufficient_scope", scope="items:read"`, forbidden},
		{"create without items:write", request{method: "POST", path: "/items", header: bearer(readOnly), contentType: "application/json", body: `{"name":"a","price":1}`}, 403,
			`Bearer error="insufficient_scope", scope="items:write"`, forbidden},
		{"stats without a key", request{path: "/stats"}, 401, `APIKey`, notAuthenticated},
		{"stats with a wrong key", request{path: "/stats", header: http.Header{"X-Api-Key": {"nope"}}}, 401, `APIKey`, invalidCreds},
		{"stats with the key in the query", request{path: "/stats?api_key=" + apiKey}, 401, `APIKey`, notAuthenticated},
		{"stats", request{path: "/stats", header: http.Header{"X-Api-Key": {apiKey}}}, 200, "",
			`{"items":0,"mails":0,"mails_dropped":0,"jobs":{"enqueued":0,"queued":0,"running":0,"succeeded":0,"failed":0,"retried":0},"open_sessions":1,"chatters":0}`},
		{"outbox without credentials", request{path: "/outbox"}, 401, `Basic realm="showcase"`, notAuthenticated},
		{"outbox with a wrong password", request{path: "/outbox", header: basic("alice", "nope")}, 401, `Basic realm="showcase"`, invalidCreds},
		{"outbox with an unknown user", request{path: "/outbox", header: basic("bob", "wonderland")}, 401, `Basic realm="showcase"`, invalidCreds},
		{"outbox with a bearer token", request{path: "/outbox", header: bearer(all)}, 401, `Basic realm="showcase"`, notAuthenticated},
		{"outbox", request{path: "/outbox", header: basic("alice", "wonderland")}, 200, "", `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.method == "" {
				tt.req.method = "GET"
			}
			w := do(app, tt.req)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if got := w.Header().Get("WWW-Authenticate"); got != tt.challeng {
				t.Errorf("WWW-Authenticate %q, want %q", got, tt.challeng)
			}
			if got := strings.TrimSpace(w.Body.String()); got != tt.body {
				t.Errorf("body %s, want %s", got, tt.body)
			}
		})
	}
}

// A token signed by another instance (another key) is refused; one signed
// with a shared SHOWCASE_JWT_SECRET is accepted by every instance.
func TestTokenKeys(t *testing.T) {
	a, b := newApp(t), newApp(t)
	tok := login(t, a, "me")
	if w := do(b, request{method: "GET", path: "/users/me", header: bearer(tok)}); w.Code != 401 {
		t.Errorf("a token of another instance: %d, want 401", w.Code)
	}
	if _, err := New(Config{APIKey: apiKey, JWTSecret: "too short"}); err == nil {
		t.Error("New accepted a JWT secret shorter than 32 bytes")
	}
	secret := strings.Repeat("s", 32)
	c, err := New(Config{APIKey: apiKey, JWTSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{APIKey: apiKey, JWTSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	for _, app := range []*App{c, d} {
		defer app.Drain(context.Background())
	}
	tok = login(t, c, "me")
	if w := do(d, request{method: "GET", path: "/users/me", header: bearer(tok)}); w.Code != 200 {
		t.Errorf("a token of an instance with the same secret: %d %s", w.Code, w.Body)
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New accepted an empty API key")
	}
}

func TestItems(t *testing.T) {
	app := newApp(t)
	auth := bearer(login(t, app, ""))
	const hammer = `{"id":1,"name":"Hammer","description":"A good one","price":9.99,"tags":["tools"],"owner":"alice"}`
	steps := []struct {
		name     string
		req      request
		status   int
		location string
		body     string
	}{
		{"empty list", request{method: "GET", path: "/items"}, 200, "", `[]`},
		{"create", request{method: "POST", path: "/items", contentType: "application/json",
			body: `{"name":"Hammer","description":"A good one","price":9.99,"tags":["tools"]}`}, 201, "/items/1", hammer},
		{"create without optional fields", request{method: "POST", path: "/items", contentType: "application/json",
			body: `{"name":"Nail","price":0.1}`}, 201, "/items/2", `{"id":2,"name":"Nail","price":0.1,"owner":"alice"}`},
		{"create, invalid", request{method: "POST", path: "/items", contentType: "application/json",
			body: `{"name":"","price":0,"tags":["ok",""]}`}, 422, "",
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[` +
				`{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},` +
				`{"type":"greater_than","loc":["body","price"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},` +
				`{"type":"string_too_short","loc":["body","tags",1],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]}`},
		{"create, missing fields", request{method: "POST", path: "/items", contentType: "application/json", body: `{}`}, 422, "",
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[` +
				`{"type":"missing","loc":["body","name"],"msg":"Field required"},{"type":"missing","loc":["body","price"],"msg":"Field required"}]}`},
		{"create, wrong types", request{method: "POST", path: "/items", contentType: "application/json", body: `{"name":7,"price":"cheap"}`}, 422, "",
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[` +
				`{"type":"string_type","loc":["body","name"],"msg":"Input should be a valid string","input":7},` +
				`{"type":"float_type","loc":["body","price"],"msg":"Input should be a valid number","input":"cheap"}]}`},
		{"create, not JSON", request{method: "POST", path: "/items", contentType: "application/json", body: `{"name":`}, 422, "",
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[` +
				`{"type":"json_invalid","loc":["body",8],"msg":"JSON decode error","input":{},"ctx":{"error":"unexpected end of JSON input"}}]}`},
		{"create, as a form", request{method: "POST", path: "/items", contentType: "application/x-www-form-urlencoded", body: `name=x&price=1`}, 415, "",
			`{"type":"about:blank","title":"Unsupported Media Type","status":415,"detail":"Content-Type \"application/x-www-form-urlencoded\" is not supported; send application/json"}`},
		{"get", request{method: "GET", path: "/items/1"}, 200, "", hammer},
		{"get, unknown", request{method: "GET", path: "/items/99"}, 404, "",
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"Item 99 not found"}`},
		{"get, bad id", request{method: "GET", path: "/items/zero"}, 422, "",
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[` +
				`{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"zero"}]}`},
		{"list, paged", request{method: "GET", path: "/items?skip=1&limit=1"}, 200, "", `[{"id":2,"name":"Nail","price":0.1,"owner":"alice"}]`},
		{"list, bad paging", request{method: "GET", path: "/items?skip=-1&limit=1000"}, 422, "",
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[` +
				`{"type":"greater_than_equal","loc":["query","skip"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},` +
				`{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100","input":"1000","ctx":{"le":100}}]}`},
		{"replace", request{method: "PUT", path: "/items/2", contentType: "application/json", body: `{"name":"Nails","price":2.5}`}, 200, "",
			`{"id":2,"name":"Nails","price":2.5,"owner":"alice"}`},
		{"replace, unknown", request{method: "PUT", path: "/items/99", contentType: "application/json", body: `{"name":"x","price":1}`}, 404, "",
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"Item 99 not found"}`},
		{"delete", request{method: "DELETE", path: "/items/1"}, 204, "", ``},
		{"delete again", request{method: "DELETE", path: "/items/1"}, 404, "",
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"Item 1 not found"}`},
		{"list after delete", request{method: "GET", path: "/items"}, 200, "", `[{"id":2,"name":"Nails","price":2.5,"owner":"alice"}]`},
	}
	for _, s := range steps { // in order: each step sees the previous ones
		s.req.header = auth
		w := do(app, s.req)
		if w.Code != s.status {
			t.Fatalf("%s: status %d, want %d: %s", s.name, w.Code, s.status, w.Body)
		}
		if got := w.Header().Get("Location"); got != s.location {
			t.Errorf("%s: Location %q, want %q", s.name, got, s.location)
		}
		if got := strings.TrimSpace(w.Body.String()); got != s.body {
			t.Errorf("%s: body\n got %s\nwant %s", s.name, got, s.body)
		}
	}
	// Every request's session was closed by its dependency cleanup.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := app.db.OpenSessions(); n != 0 {
		t.Errorf("%d database sessions still open", n)
	}
}

// The background task sends its mail after the response: Drain waits for
// it, then GET /outbox shows it.
func TestBackgroundTask(t *testing.T) {
	app := newApp(t)
	w := do(app, request{method: "POST", path: "/send-notification/bob@example.com"})
	if got := strings.TrimSpace(w.Body.String()); w.Code != 200 || got != `{"message":"Notification sent in the background"}` {
		t.Fatalf("got %d %s", w.Code, got)
	}
	w = do(app, request{method: "POST", path: "/send-notification/not-an-email"})
	want := `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[` +
		`{"type":"value_error","loc":["path","email"],"msg":"Input should be a valid email address","input":"not-an-email","ctx":{"rule":"email"}}]}`
	if got := strings.TrimSpace(w.Body.String()); w.Code != 422 || got != want {
		t.Fatalf("invalid email: %d %s", w.Code, got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.runner.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	w = do(app, request{method: "GET", path: "/outbox", header: basic("alice", "wonderland")})
	want = `[{"to":"bob@example.com","subject":"Notification","body":"some notification"}]`
	if got := strings.TrimSpace(w.Body.String()); got != want {
		t.Errorf("outbox %s, want %s", got, want)
	}
}

// The queued job runs on the queue's workers; draining the queue waits for
// it.
func TestQueuedJob(t *testing.T) {
	app := newApp(t)
	auth := bearer(login(t, app, ""))
	for _, name := range []string{"Hammer", "Saw"} {
		if w := do(app, request{method: "POST", path: "/items", header: auth, contentType: "application/json", body: `{"name":"` + name + `","price":1}`}); w.Code != 201 {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
	}
	w := do(app, request{method: "POST", path: "/reports", header: auth, contentType: "application/json", body: `{"email":"boss@example.com"}`})
	if got := strings.TrimSpace(w.Body.String()); w.Code != 202 || got != `{"message":"Report queued"}` {
		t.Fatalf("got %d %s", w.Code, got)
	}
	w = do(app, request{method: "POST", path: "/reports", header: auth, contentType: "application/json", body: `{"email":"boss"}`})
	if w.Code != 422 {
		t.Fatalf("invalid email: %d %s", w.Code, w.Body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.queue.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	w = do(app, request{method: "GET", path: "/outbox", header: basic("alice", "wonderland")})
	want := `[{"to":"boss@example.com","subject":"Items report","body":"2 items in stock"}]`
	if got := strings.TrimSpace(w.Body.String()); got != want {
		t.Errorf("outbox %s, want %s", got, want)
	}
	w = do(app, request{method: "GET", path: "/stats", header: http.Header{"X-Api-Key": {apiKey}}})
	var st Stats
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if st.Jobs.Enqueued != 1 || st.Jobs.Succeeded != 1 || st.Items != 2 || st.Mails != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestChatPage(t *testing.T) {
	app := newApp(t)
	w := do(app, request{method: "GET", path: "/chat", header: http.Header{"X-Unused": {"1"}}})
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("got %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	for _, want := range []string{"<title>Chat - stdapi showcase</title>", `const wsPath = "/ws";`, `<form id="join">`} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

func dial(t *testing.T, srv *httptest.Server, query string, header http.Header) *websocket.Conn {
	t.Helper()
	c, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws"+query, header)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", query, err, res)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a failure guard, not a timing assumption
	return c
}

func read(t *testing.T, c *websocket.Conn) string {
	t.Helper()
	_, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(b)
}

func TestChat(t *testing.T) {
	t.Cleanup(leakcheck.Check(t)) // after newApp's cleanup, which stops the queue's workers
	app := newApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()

	ann := dial(t, srv, "?name=ann", nil)
	if got := read(t, ann); got != `{"from":"","text":"ann joined"}` {
		t.Fatalf("ann got %s", got)
	}
	// The page's own origin is accepted, as a browser on /chat sends it.
	bob := dial(t, srv, "?name=bob", http.Header{"Origin": {srv.URL}})
	for _, c := range []*websocket.Conn{ann, bob} {
		if got := read(t, c); got != `{"from":"","text":"bob joined"}` {
			t.Fatalf("got %s", got)
		}
	}
	if err := ann.WriteMessage(websocket.TextMessage, []byte(`{"text":"hello bob"}`)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*websocket.Conn{bob, ann} {
		if got := read(t, c); got != `{"from":"ann","text":"hello bob"}` {
			t.Fatalf("got %s", got)
		}
	}
	// A bad message is answered to its sender only, who stays connected.
	if err := bob.WriteMessage(websocket.TextMessage, []byte(`{"text":""}`)); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[` +
		`{"type":"missing","loc":["body","text"],"msg":"Field required"}]}`
	if got := read(t, bob); got != want {
		t.Fatalf("bob got %s, want %s", got, want)
	}
	if err := bob.WriteMessage(websocket.TextMessage, []byte(`not json`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, bob); !strings.Contains(got, `"type":"json_invalid"`) {
		t.Fatalf("bob got %s", got)
	}
	if err := bob.WriteMessage(websocket.TextMessage, []byte(`{"text":"still here"}`)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*websocket.Conn{ann, bob} {
		if got := read(t, c); got != `{"from":"bob","text":"still here"}` {
			t.Fatalf("got %s", got)
		}
	}
	// bob leaves; ann hears it.
	bob.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	if got := read(t, ann); got != `{"from":"","text":"bob left"}` {
		t.Fatalf("ann got %s", got)
	}
	// Shutting down closes the remaining chatters with 1001.
	app.CloseConns()
	_, _, err := ann.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("after CloseConns: %v, want close 1001", err)
	}
}

func TestChatHandshake(t *testing.T) {
	t.Cleanup(leakcheck.Check(t)) // after newApp's cleanup, which stops the queue's workers
	app := newApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	tests := []struct {
		name   string
		query  string
		origin string
		status int
		body   string
	}{
		{"no name", "", "", 422, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"missing","loc":["query","name"],"msg":"Field required"}]}`},
		{"long name", "?name=" + strings.Repeat("n", 33), "", 422, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"string_too_long","loc":["query","name"],"msg":"String should have at most 32 characters","input":"` + strings.Repeat("n", 33) + `","ctx":{"max_length":32}}]}`},
		{"control characters", "?name=a%07b", "", 422, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"value_error","loc":["query","name"],"msg":"Value error, control characters are not allowed","input":"a\u0007b"}]}`},
		{"another site", "?name=eve", "https://evil.example", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			c, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws"+tt.query, h)
			if err == nil {
				c.Close()
				t.Fatal("the handshake succeeded")
			}
			if res == nil || res.StatusCode != tt.status {
				t.Fatalf("got %v, want %d", res, tt.status)
			}
			body := new(bytes.Buffer)
			_, _ = body.ReadFrom(res.Body)
			res.Body.Close()
			if tt.body != "" && strings.TrimSpace(body.String()) != tt.body {
				t.Errorf("body %s, want %s", body, tt.body)
			}
		})
	}
}

func TestOpenAPI(t *testing.T) {
	app := newApp(t)
	w := do(app, request{method: "GET", path: "/openapi.json"})
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	doc, err := openapi3.NewLoader().LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	type route struct{ method, path, scheme string }
	routes := []route{
		{"POST", "/token", ""},
		{"GET", "/users/me", "OAuth2PasswordBearer"},
		{"GET", "/.well-known/jwks.json", ""},
		{"GET", "/items", "OAuth2PasswordBearer"},
		{"POST", "/items", "OAuth2PasswordBearer"},
		{"GET", "/items/{id}", "OAuth2PasswordBearer"},
		{"PUT", "/items/{id}", "OAuth2PasswordBearer"},
		{"DELETE", "/items/{id}", "OAuth2PasswordBearer"},
		{"POST", "/send-notification/{email}", ""},
		{"POST", "/reports", "OAuth2PasswordBearer"},
		{"GET", "/outbox", "HTTPBasic"},
		{"GET", "/stats", "APIKeyHeader"},
		{"GET", "/chat", ""},
		{"GET", "/ws", ""},
		{"GET", "/feed", ""},
		{"GET", "/items/changes", ""},
		{"GET", "/items/export", "OAuth2PasswordBearer"},
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	if len(documented) != len(routes) {
		slices.Sort(documented)
		t.Errorf("%d operations documented, want %d: %v", len(documented), len(routes), documented)
	}
	for _, r := range routes {
		item := doc.Paths.Find(r.path)
		if item == nil || item.GetOperation(r.method) == nil {
			t.Errorf("%s %s is not documented", r.method, r.path)
			continue
		}
		op := item.GetOperation(r.method)
		var schemes []string
		if op.Security != nil {
			for _, req := range *op.Security {
				for name := range req {
					schemes = append(schemes, name)
				}
			}
		}
		if r.scheme == "" && len(schemes) != 0 || r.scheme != "" && !slices.Equal(schemes, []string{r.scheme}) {
			t.Errorf("%s %s: security %v, want %q", r.method, r.path, schemes, r.scheme)
		}
	}
	ss := doc.Components.SecuritySchemes
	if len(ss) != 3 {
		t.Errorf("%d security schemes, want 3", len(ss))
	}
	flow := ss["OAuth2PasswordBearer"].Value.Flows.Password
	if flow == nil || flow.TokenURL != "token" || len(flow.Scopes) != 3 {
		t.Errorf("OAuth2 password flow %+v: want the relative tokenUrl \"token\" and 3 scopes", flow)
	}
	if b := ss["HTTPBasic"].Value; b.Type != "http" || b.Scheme != "basic" {
		t.Errorf("HTTPBasic %+v", b)
	}
	if k := ss["APIKeyHeader"].Value; k.Type != "apiKey" || k.In != "header" || k.Name != "X-API-Key" {
		t.Errorf("APIKeyHeader %+v", k)
	}
}

// TestPagesDocumentedHTML: the HTML pages say text/html in the document,
// as they serve it.
func TestPagesDocumentedHTML(t *testing.T) {
	app := newApp(t)
	doc, err := openapi3.NewLoader().LoadFromData(do(app, request{method: "GET", path: "/openapi.json"}).Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/chat", "/feed"} {
		w := do(app, request{method: "GET", path: p})
		if w.Code != 200 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s: %d %s", p, w.Code, w.Header().Get("Content-Type"))
		}
		res := doc.Paths.Find(p).Get.Responses.Status(200)
		if res == nil || res.Value.Content.Get("text/html") == nil || len(res.Value.Content) != 1 {
			t.Errorf("GET %s: the documented 200 is not text/html alone: %+v", p, res)
		}
	}
}

func TestDocsPages(t *testing.T) {
	app := newApp(t)
	for _, p := range []string{"/docs", "/redoc", "/docs/oauth2-redirect"} {
		w := do(app, request{method: "GET", path: p})
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", p, w.Code, w.Header().Get("Content-Type"))
		}
	}
	if w := do(app, request{method: "GET", path: "/"}); w.Code != 302 || w.Header().Get("Location") != "docs" {
		t.Errorf("/: %d %q", w.Code, w.Header().Get("Location"))
	}
}
