package ws_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/security"
	"github.com/stdapi/stdapi/ws"
)

// RoomIn is the handshake of a chat room: every source a handshake has.
type RoomIn struct {
	Room    string `path:"room"`
	Name    string `query:"name" validate:"required,max=8" doc:"Your name in the room."`
	Limit   int    `query:"limit" default:"10" validate:"gte=1,lte=100"`
	Client  string `header:"X-Client"`
	Session string `cookie:"session"`
}

// greet answers the connection with what it was given, then closes it.
func greet(ctx context.Context, in *RoomIn, c *ws.Conn) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	if err := c.SendText(string(b)); err != nil {
		return err
	}
	_, err = c.ReadText() // until the client leaves
	return err
}

func wsURL(srv *httptest.Server, path string) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + path
}

// refused dials url, expects the handshake to fail, and returns the
// HTTP answer.
func refused(t *testing.T, url string, h http.Header) (int, http.Header, string) {
	t.Helper()
	c, res, err := websocket.DefaultDialer.Dial(url, h)
	if err == nil {
		c.Close()
		t.Fatalf("dial %s: upgraded, want a refusal", url)
	}
	if res == nil {
		t.Fatalf("dial %s: %v, no HTTP answer", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, strings.TrimSpace(string(b))
}

func TestEndpointBinds(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	mux := http.NewServeMux()
	mux.Handle("GET /rooms/{room}", ws.Endpoint(greet))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	h := http.Header{"X-Client": {"cli/1"}, "Cookie": {"session=s1"}}
	c, _, err := websocket.DefaultDialer.Dial(wsURL(srv, "/rooms/lobby?name=ann"), h)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, got, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Room":"lobby","Name":"ann","Limit":10,"Client":"cli/1","Session":"s1"}`; string(got) != want {
		t.Errorf("bound %s, want %s", got, want)
	}
}

func TestEndpointRefusesBadInput(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var called atomic.Bool
	mux := http.NewServeMux()
	mux.Handle("GET /rooms/{room}", ws.Endpoint(func(ctx context.Context, in *RoomIn, c *ws.Conn) error {
		called.Store(true)
		return nil
	}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tests := []struct {
		name   string
		path   string
		status int
		body   string
	}{
		{"every error at once", "/rooms/lobby?name=annabella&limit=x", 422,
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[` +
				`{"type":"string_too_long","loc":["query","name"],"msg":"String should have at most 8 characters","input":"annabella","ctx":{"max_length":8}},` +
				`{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]}`},
		{"missing", "/rooms/lobby", 422,
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[` +
				`{"type":"missing","loc":["query","name"],"msg":"Field required"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := refused(t, wsURL(srv, tt.path), nil)
			if status != tt.status || body != tt.body {
				t.Errorf("got %d %s\nwant %d %s", status, body, tt.status, tt.body)
			}
			if ct := header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	// The same answer as a bind.Handler with the same input.
	same := httptest.NewRecorder()
	bh := bind.Handler(func(ctx context.Context, in *RoomIn) (struct{}, error) { return struct{}{}, nil })
	r := httptest.NewRequest("GET", "/rooms/lobby", nil)
	r.SetPathValue("room", "lobby")
	bh.ServeHTTP(same, r)
	if _, _, body := refused(t, wsURL(srv, "/rooms/lobby"), nil); body != strings.TrimSpace(same.Body.String()) {
		t.Errorf("endpoint %s\nbind.Handler %s", body, same.Body)
	}
	// Not a handshake: 426 first, whatever the parameters.
	res, err := http.Get(srv.URL + "/rooms/lobby")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUpgradeRequired {
		t.Errorf("plain GET: %d, want 426", res.StatusCode)
	}
	if called.Load() {
		t.Error("the function ran for a refused handshake")
	}
}

func TestEndpointPanicsOnBody(t *testing.T) {
	type withBody struct {
		Name string `query:"name"`
		Body struct{ Text string }
	}
	type withForm struct {
		Text string `form:"text"`
	}
	type withFile struct {
		Upload *bind.File `file:"upload"`
	}
	type badTag struct {
		N int `query:"n" validate:"nosuchrule"`
	}
	for name, build := range map[string]func(){
		"Body": func() { ws.Endpoint(func(context.Context, *withBody, *ws.Conn) error { return nil }) },
		"form": func() { ws.Endpoint(func(context.Context, *withForm, *ws.Conn) error { return nil }) },
		"file": func() { ws.Endpoint(func(context.Context, *withFile, *ws.Conn) error { return nil }) },
		"tag":  func() { ws.Endpoint(func(context.Context, *badTag, *ws.Conn) error { return nil }) },
		"nil":  func() { ws.Endpoint[RoomIn](nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Endpoint did not panic")
				}
			}()
			build()
		})
	}
}

type user struct{ Name string }

var tokens = &security.Bearer{
	Verify: func(ctx context.Context, token string) (any, error) {
		if token == "good" {
			return &user{Name: "alice"}, nil
		}
		return nil, security.ErrInvalidCredentials
	},
	// A browser's WebSocket cannot send an Authorization header.
	WebSocket: security.WebSocketAuth{Query: "access_token", Protocol: true},
}

// whoami sends the principal's name and the bound name.
func whoami(ctx context.Context, in *RoomIn, c *ws.Conn) error {
	u, ok := security.User[*user](ctx)
	if !ok {
		return errors.New("no principal")
	}
	if err := c.SendText(u.Name + " as " + in.Name + " in " + in.Room + " [" + c.Subprotocol() + "]"); err != nil {
		return err
	}
	_, err := c.ReadText()
	return err
}

func TestEndpointSecurity(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var called atomic.Bool
	fn := func(ctx context.Context, in *RoomIn, c *ws.Conn) error { called.Store(true); return whoami(ctx, in, c) }
	mux := http.NewServeMux()
	mux.Handle("GET /rooms/{room}", security.Require(tokens)(ws.Endpoint(fn, ws.Subprotocols("bearer"))))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	t.Run("no token", func(t *testing.T) {
		status, header, body := refused(t, wsURL(srv, "/rooms/lobby?name=ann"), nil)
		if want := `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`; status != 401 || body != want {
			t.Errorf("got %d %s, want 401 %s", status, body, want)
		}
		if got := header.Get("WWW-Authenticate"); got != "Bearer" {
			t.Errorf("WWW-Authenticate %q", got)
		}
	})
	t.Run("bad token, bad input", func(t *testing.T) {
		// Authentication comes first: a stranger learns nothing of the input rules.
		status, header, _ := refused(t, wsURL(srv, "/rooms/lobby?access_token=bad"), nil)
		if status != 401 || header.Get("WWW-Authenticate") != `Bearer error="invalid_token"` {
			t.Errorf("got %d %q, want 401 invalid_token", status, header.Get("WWW-Authenticate"))
		}
	})
	t.Run("good token, bad input", func(t *testing.T) {
		if status, _, _ := refused(t, wsURL(srv, "/rooms/lobby?access_token=good"), nil); status != 422 {
			t.Errorf("got %d, want 422", status)
		}
	})
	if called.Load() {
		t.Fatal("the function ran for a refused handshake")
	}
	for _, tt := range []struct {
		name   string
		path   string
		header http.Header
		want   string
	}{
		{"token in the query, as a browser sends it", "/rooms/lobby?name=ann&access_token=good", nil, "alice as ann in lobby []"},
		{"token as a subprotocol", "/rooms/lobby?name=ann", http.Header{"Sec-WebSocket-Protocol": {"bearer, good"}}, "alice as ann in lobby [bearer]"},
		{"Authorization header", "/rooms/lobby?name=ann", http.Header{"Authorization": {"Bearer good"}}, "alice as ann in lobby []"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, res, err := websocket.DefaultDialer.Dial(wsURL(srv, tt.path), tt.header)
			if err != nil {
				t.Fatalf("dial: %v (%v)", err, res)
			}
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, got, err := c.ReadMessage()
			if err != nil || string(got) != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestEndpointDocumented(t *testing.T) {
	api := docs.New(docs.Info{Title: "t", Version: "1"})
	mux := http.NewServeMux()
	api.Handle(mux, "GET /rooms/{room}", security.Require(tokens)(ws.Endpoint(greet)), docs.Summary("Join a room"))
	api.Handle(mux, "GET /plain", ws.Handler(func(ctx context.Context, c *ws.Conn) error { return nil }))
	data, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/rooms/{room}"]["get"]
	compact := func(raw json.RawMessage) string {
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for key, want := range map[string]string{
		"summary":     `"Join a room"`,
		"operationId": `"get_rooms_room"`,
		"security":    `[{"HTTPBearer":[]}]`,
		"parameters": `[{"in":"path","name":"room","required":true,"schema":{"type":"string"}},` +
			`{"description":"Your name in the room.","in":"query","name":"name","required":true,"schema":{"maxLength":8,"type":"string"}},` +
			`{"in":"query","name":"limit","schema":{"default":10,"format":"int64","maximum":100,"minimum":1,"type":"integer"}},` +
			`{"in":"header","name":"X-Client","schema":{"type":"string"}},` +
			`{"in":"cookie","name":"session","schema":{"type":"string"}}]`,
	} {
		if got := compact(op[key]); got != want {
			t.Errorf("%s = %s\nwant %s", key, got, want)
		}
	}
	var responses map[string]json.RawMessage
	if err := json.Unmarshal(op["responses"], &responses); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(keys(responses), ","), "101,401,403,422,426"; got != want {
		t.Errorf("responses %s, want %s", got, want)
	}
	if got, want := compact(responses["101"]), `{"description":"Switching Protocols"}`; got != want {
		t.Errorf("101 = %s, want %s", got, want)
	}
	if got, want := compact(doc.Paths["/plain"]["get"]["responses"]),
		`{"101":{"description":"Switching Protocols"},"403":{"description":"Origin not allowed"},"426":{"description":"Not a WebSocket handshake"}}`; got != want {
		t.Errorf("plain Handler responses = %s, want %s", got, want)
	}
}

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
