package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi/testclient"
)

func newClient(t *testing.T) (*testclient.Client, *app) {
	t.Helper()
	a, h, err := build(Settings{SecretKey: strings.Repeat("k", 32), XToken: "coneofsilence", Origins: []string{"https://app.example"}})
	if err != nil {
		t.Fatal(err)
	}
	return testclient.New(t, h), a
}

// signUp creates alice and returns a token with scopes.
func signUp(t *testing.T, c *testclient.Client, scopes string) string {
	t.Helper()
	res := c.Post("/users", testclient.JSON(map[string]any{"username": "alice", "email": "alice@example.com", "password": "wonderland"}))
	if res.StatusCode != 201 || res.Text() != `{"username":"alice","email":"alice@example.com","disabled":false}` {
		t.Fatalf("sign up: %d %s", res.StatusCode, res.Text())
	}
	res.Wait()
	res = c.Post("/token", testclient.Form(url.Values{"username": {"alice"}, "password": {"wonderland"}, "scope": {scopes}}))
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	res.Decode(&tok)
	if res.StatusCode != 200 || tok.TokenType != "bearer" || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", res.StatusCode, res.Text())
	}
	return tok.AccessToken
}

func TestUsers(t *testing.T) {
	t.Parallel()
	c, a := newClient(t)
	tok := signUp(t, c, "me items")
	if got := a.Outbox.Sent(); len(got) != 1 || got[0] != "alice@example.com: Welcome, alice!" {
		t.Errorf("mails %q", got)
	}
	tests := []struct {
		name   string
		res    *testclient.Response
		status int
		body   string
	}{
		{"me", c.Get("/users/me", testclient.Bearer(tok)), 200, `{"username":"alice","email":"alice@example.com","disabled":false}`},
		{"me without a token", c.Get("/users/me"), 401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`},
		{"taken", c.Post("/users", testclient.JSON(map[string]any{"username": "alice", "email": "a@b.c", "password": "12345678"})), 409,
			`{"type":"about:blank","title":"Conflict","status":409,"detail":"Username already registered"}`},
		{"invalid sign up", c.Post("/users", testclient.JSON(map[string]any{"username": "al", "email": "nope", "password": "short"})), 422,
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[` +
				`{"type":"string_too_short","loc":["body","username"],"msg":"String should have at least 3 characters","input":"al","ctx":{"min_length":3}},` +
				`{"type":"value_error","loc":["body","email"],"msg":"Input should be a valid email address","input":"nope","ctx":{"rule":"email"}},` +
				`{"type":"string_too_short","loc":["body","password"],"msg":"String should have at least 8 characters","input":"short","ctx":{"min_length":8}}]}`},
		{"wrong password", c.Post("/token", testclient.Form(url.Values{"username": {"alice"}, "password": {"nope"}})), 400,
			`{"error":"invalid_grant","error_description":"Incorrect username or password"}`},
	}
	for _, tt := range tests {
		if tt.res.StatusCode != tt.status || tt.res.Text() != tt.body {
			t.Errorf("%s: %d %s\nwant %d %s", tt.name, tt.res.StatusCode, tt.res.Text(), tt.status, tt.body)
		}
	}
	if res := c.Get("/users/me", testclient.Bearer(signUpToken(t, c, "items"))); res.StatusCode != 403 ||
		res.Header.Get("WWW-Authenticate") != `Bearer error="insufficient_scope", scope="me"` {
		t.Errorf("me without the me scope: %d %s", res.StatusCode, res.Text())
	}
}

func signUpToken(t *testing.T, c *testclient.Client, scopes string) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	c.Post("/token", testclient.Form(url.Values{"username": {"alice"}, "password": {"wonderland"}, "scope": {scopes}})).Decode(&tok)
	return tok.AccessToken
}

func TestItems(t *testing.T) {
	t.Parallel()
	c, a := newClient(t)
	c.Header.Set("Authorization", "Bearer "+signUp(t, c, "items"))
	xt := testclient.Header("X-Token", "coneofsilence")
	res := c.Post("/items/", xt, testclient.JSON(map[string]any{"title": "Plumbus", "price": 9.99}))
	if res.StatusCode != 201 || res.Text() != `{"id":1,"title":"Plumbus","price":9.99,"owner":"alice"}` {
		t.Fatalf("create: %d %s", res.StatusCode, res.Text())
	}
	res.Wait()
	c.Post("/items", xt, testclient.JSON(map[string]any{"title": "Portal gun", "price": 100})).Wait()
	tests := []struct {
		name   string
		res    *testclient.Response
		status int
		body   string
	}{
		{"list", c.Get("/items", xt), 200, `[{"id":1,"title":"Plumbus","price":9.99,"owner":"alice"},{"id":2,"title":"Portal gun","price":100,"owner":"alice"}]`},
		{"a page", c.Get("/items?skip=1&limit=1", xt), 200, `[{"id":2,"title":"Portal gun","price":100,"owner":"alice"}]`},
		{"past the end", c.Get("/items?skip=5", xt), 200, `[]`},
		{"bad paging", c.Get("/items?skip=-1&limit=x", xt), 422, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[` +
			`{"type":"greater_than_equal","loc":["query","skip"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},` +
			`{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]}`},
		{"one", c.Get("/items/2", xt), 200, `{"id":2,"title":"Portal gun","price":100,"owner":"alice"}`},
		{"replace", c.Put("/items/2", xt, testclient.JSON(map[string]any{"title": "Portal gun", "price": 120})), 200, `{"id":2,"title":"Portal gun","price":120,"owner":"alice"}`},
		{"delete", c.Delete("/items/1", xt), 204, ``},
		{"deleted", c.Get("/items/1", xt), 404, `{"type":"about:blank","title":"Not Found","status":404,"detail":"Item 1 not found"}`},
		{"a bad X-Token", c.Get("/items", testclient.Header("X-Token", "nope")), 400, `{"type":"about:blank","title":"Bad Request","status":400,"detail":"X-Token header invalid"}`},
		{"no X-Token", c.Get("/items"), 422, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[` +
			`{"type":"missing","loc":["header","x-token"],"msg":"Field required"}]}`},
		{"the router's dependency and the body fail together", c.Post("/items", testclient.JSON(map[string]any{"price": -1})), 422,
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[` +
				`{"type":"missing","loc":["header","x-token"],"msg":"Field required"},` +
				`{"type":"missing","loc":["body","title"],"msg":"Field required"},` +
				`{"type":"greater_than","loc":["body","price"],"msg":"Input should be greater than 0","input":-1,"ctx":{"gt":0}}]}`},
		{"no catch-all below /items/", c.Get("/items/1/2", xt), 404, `{"type":"about:blank","title":"Not Found","status":404}`},
	}
	for _, tt := range tests {
		if tt.res.StatusCode != tt.status || tt.res.Text() != tt.body {
			t.Errorf("%s: %d %s\nwant %d %s", tt.name, tt.res.StatusCode, tt.res.Text(), tt.status, tt.body)
		}
	}
	c.Wait()
	if n := a.store.Open(); n != 0 {
		t.Errorf("%d database sessions left open", n)
	}
}

func TestFilesUnicornsPagesAndCORS(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	tests := []struct {
		name   string
		res    *testclient.Response
		status int
		body   string
	}{
		{"upload", c.Post("/files", testclient.Multipart(url.Values{"description": {"notes"}},
			testclient.File{Field: "file", Name: "../../notes.txt", ContentType: "text/plain", Data: []byte("hello")})), 200,
			`{"filename":"notes.txt","size":5,"description":"notes"}`},
		{"upload without a file", c.Post("/files", testclient.Multipart(url.Values{"description": {"notes"}})), 422,
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"missing","loc":["body","file"],"msg":"Field required"}]}`},
		{"a unicorn", c.Get("/unicorns/rainbow"), 200, `{"unicorn_name":"rainbow"}`},
		{"the custom error's handler", c.Get("/unicorns/yolo"), 418, `{"message":"Oops! yolo did something."}`},
	}
	for _, tt := range tests {
		if tt.res.StatusCode != tt.status || tt.res.Text() != tt.body {
			t.Errorf("%s: %d %s\nwant %d %s", tt.name, tt.res.StatusCode, tt.res.Text(), tt.status, tt.body)
		}
	}
	if res := c.Get("/"); res.StatusCode != 200 || !strings.Contains(res.Text(), `<a href="/docs">/docs</a>`) {
		t.Errorf("index: %d %s", res.StatusCode, res.Text())
	}
	pre := c.Do(preflight("https://app.example"))
	if pre.StatusCode != 204 || pre.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("preflight: %d %v", pre.StatusCode, pre.Header)
	}
	if pre := c.Do(preflight("https://evil.example")); pre.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin allowed: %v", pre.Header)
	}
}

func preflight(origin string) *http.Request {
	r, _ := http.NewRequest("OPTIONS", "/items", nil)
	r.Header.Set("Origin", origin)
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "authorization,x-token")
	return r
}

func TestNotifications(t *testing.T) {
	t.Parallel()
	c, a := newClient(t)
	tok := signUp(t, c, "me items")
	if _, err := c.WebSocket("/ws?topic=items"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("without a token: %v", err)
	}
	if _, err := c.WebSocket("/ws?topic=cats", testclient.Query(url.Values{"token": {tok}})); err == nil || !strings.Contains(err.Error(), "422") {
		t.Fatalf("a bad topic: %v", err)
	}
	conn, err := c.WebSocket("/ws?topic=items", testclient.Query(url.Values{"token": {tok}}))
	if err != nil {
		t.Fatal(err)
	}
	// The hub knows the connection once the handler has joined it.
	for deadline := time.Now().Add(5 * time.Second); a.hub.Count("items") == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	c.Post("/items", testclient.Bearer(tok), testclient.Header("X-Token", "coneofsilence"),
		testclient.JSON(map[string]any{"title": "Plumbus", "price": 1})).Wait()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, msg, err := conn.ReadMessage()
	if err != nil || string(msg) != `{"id":1,"title":"Plumbus","price":1,"owner":"alice"}` {
		t.Errorf("notification %s, %v", msg, err)
	}
}
