package ws

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// dialStatus dials and returns the HTTP answer of a refused upgrade.
func dialStatus(t *testing.T, url string, header http.Header) (int, http.Header, string) {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(url, header)
	if err == nil {
		c.Close()
		return http.StatusSwitchingProtocols, nil, ""
	}
	if resp == nil {
		t.Fatalf("dial: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func TestOrigin(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	forbidden := `{"type":"about:blank","title":"Forbidden","status":403,"detail":"Origin not allowed"}`
	tests := []struct {
		name    string
		allowed []string
		origin  string // "" sends no Origin header; "SELF" the server's own
		want    int
	}{
		{"no Origin (not a browser)", nil, "", 101},
		{"same origin", nil, "SELF", 101},
		{"foreign origin", nil, "https://evil.example", 403},
		{"null origin", nil, "null", 403},
		{"garbage origin", nil, "::", 403},
		{"origin with user info", nil, "http://user@SELFHOST", 403},
		{"allowed exact", []string{"https://app.example.com"}, "https://app.example.com", 101},
		{"allowed exact, other case", []string{"https://App.Example.com/"}, "HTTPS://app.EXAMPLE.com", 101},
		{"allowed exact, wrong scheme", []string{"https://app.example.com"}, "http://app.example.com", 403},
		{"allowed exact, wrong port", []string{"https://app.example.com"}, "https://app.example.com:8443", 403},
		{"allowed exact, other host", []string{"https://app.example.com"}, "https://app.example.com.evil.example", 403},
		{"allowed wildcard", []string{"https://*.example.com"}, "https://a.b.example.com", 101},
		{"allowed wildcard, apex", []string{"https://*.example.com"}, "https://example.com", 403},
		{"allowed wildcard, suffix trick", []string{"https://*.example.com"}, "https://evilexample.com", 403},
		{"same origin still allowed with a list", []string{"https://app.example.com"}, "SELF", 101},
		{"star", []string{"*"}, "https://anything.example", 101},
		{"star, null", []string{"*"}, "null", 101},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, _ := newLogger()
			url := serve(t, Handler(func(ctx context.Context, c *Conn) error { return nil }, AllowedOrigins(tt.allowed...), Logger(log)))
			header := http.Header{}
			self := strings.TrimPrefix(url, "ws://")
			switch {
			case tt.origin == "SELF":
				header.Set("Origin", "http://"+self)
			case tt.origin != "":
				header.Set("Origin", strings.ReplaceAll(tt.origin, "SELFHOST", self))
			}
			status, h, body := dialStatus(t, url, header)
			if status != tt.want {
				t.Fatalf("status = %d, want %d (%s)", status, tt.want, body)
			}
			if status == 403 && (body != forbidden || h.Get("Content-Type") != "application/problem+json") {
				t.Errorf("403 answer = %s %s, want %s", h.Get("Content-Type"), body, forbidden)
			}
		})
	}
}

func TestOriginTwoHeaders(t *testing.T) {
	p, err := newOriginPolicy(nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest("GET", "http://h.example/ws", nil)
	r.Header["Origin"] = []string{"http://h.example", "http://evil.example"}
	if p.allow(r) {
		t.Error("a request with two Origin headers was allowed")
	}
}

func TestAllowedOriginsMalformed(t *testing.T) {
	for _, bad := range []string{"example.com", "https://", "://x", "https://a/b", "https://a.*.com", "https://*.", "https://x?y", "https://u@x"} {
		t.Run(bad, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Handler accepted AllowedOrigins %q", bad)
				}
			}()
			Handler(echo, AllowedOrigins(bad))
		})
	}
}

func TestStarOriginWarns(t *testing.T) {
	log, logs := newLogger()
	Handler(echo, AllowedOrigins("*"), Logger(log))
	if !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("AllowedOrigins * was not logged as a warning: %q", logs)
	}
}

func TestAccept(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantHeader string // WWW-Authenticate
		wantBody   string
	}{
		{"401", &stdapi.Error{Status: 401, Detail: "Not authenticated", Header: http.Header{"WWW-Authenticate": {"Bearer"}}},
			401, "Bearer", `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`},
		{"422", stdapi.ValidationError(stdapi.FieldError{Type: "missing", Loc: []any{"query", "room"}, Msg: "Field required"}),
			422, "", `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"missing","loc":["query","room"],"msg":"Field required"}]}`},
		{"plain error", errors.New("token store password=x down"),
			500, "", `{"type":"about:blank","title":"Internal Server Error","status":500}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var called atomic.Bool
			h := Handler(func(ctx context.Context, c *Conn) error { called.Store(true); return nil }, Accept(func(r *http.Request) error {
				if r.URL.Query().Get("token") == "good" {
					return nil
				}
				return tt.err
			}))
			url := serve(t, h)
			status, header, body := dialStatus(t, url+"?token=bad", nil)
			if status != tt.wantStatus || body != tt.wantBody || header.Get("WWW-Authenticate") != tt.wantHeader {
				t.Errorf("answer = %d %q %s\nwant %d %q %s", status, header.Get("WWW-Authenticate"), body, tt.wantStatus, tt.wantHeader, tt.wantBody)
			}
			if called.Load() {
				t.Error("the handler ran although Accept failed")
			}
			c := dial(t, url+"?token=good", nil)
			if ce := readClose(t, c); ce.Code != 1000 {
				t.Errorf("accepted connection closed with %d", ce.Code)
			}
			c.Close()
		})
	}
}

func TestNotAWebSocketRequest(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	url := "http" + strings.TrimPrefix(serve(t, Handler(echo)), "ws")
	tests := []struct {
		name       string
		method     string
		header     map[string]string
		wantStatus int
		wantBody   string
	}{
		{"plain GET", "GET", nil, 426, `{"type":"about:blank","title":"Upgrade Required","status":426,"detail":"This endpoint only accepts WebSocket connections"}`},
		{"POST upgrade", "POST", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}, 405,
			`{"type":"about:blank","title":"Method Not Allowed","status":405,"detail":"websocket: the client is not using the websocket protocol: request method is not GET"}`},
		{"bad version", "GET", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "8", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}, 400,
			`{"type":"about:blank","title":"Bad Request","status":400,"detail":"websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header"}`},
		{"bad key", "GET", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "short"}, 400,
			`{"type":"about:blank","title":"Bad Request","status":400,"detail":"websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, url, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || string(body) != tt.wantBody {
				t.Errorf("answer = %d %s\nwant %d %s", resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			if got := resp.Header.Get("Sec-WebSocket-Version"); got != "13" {
				t.Errorf("Sec-WebSocket-Version = %q, want 13", got)
			}
		})
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestSubprotocols(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	url := serve(t, Handler(func(ctx context.Context, c *Conn) error {
		return c.SendText("[" + c.Subprotocol() + "]")
	}, Subprotocols("chat.v2", "chat.v1")))
	tests := []struct {
		offer []string
		want  string
	}{
		{[]string{"chat.v1", "chat.v2"}, "chat.v2"},
		{[]string{"chat.v1"}, "chat.v1"},
		{[]string{"mqtt"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		d := websocket.Dialer{Subprotocols: tt.offer}
		c, resp, err := d.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != tt.want || c.Subprotocol() != tt.want {
			t.Errorf("offer %v: negotiated %q, want %q", tt.offer, got, tt.want)
		}
		if _, got := readMsg(t, c); got != "["+tt.want+"]" {
			t.Errorf("offer %v: Conn.Subprotocol() = %s, want [%s]", tt.offer, got, tt.want)
		}
		c.Close()
	}
}

// wrapWriter is middleware's typical ResponseWriter wrapper: it records the
// status and exposes the wrapped writer only through Unwrap.
type wrapWriter struct {
	w      http.ResponseWriter
	status int
}

func (w *wrapWriter) Header() http.Header         { return w.w.Header() }
func (w *wrapWriter) Write(b []byte) (int, error) { return w.w.Write(b) }
func (w *wrapWriter) WriteHeader(s int)           { w.status = s; w.w.WriteHeader(s) }
func (w *wrapWriter) Unwrap() http.ResponseWriter { return w.w }

// opaqueWriter wraps without any way to reach the original writer.
type opaqueWriter struct{ http.ResponseWriter }

type principalKey struct{}

func TestBehindMiddleware(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	fn := func(ctx context.Context, c *Conn) error {
		return c.SendText(ctx.Value(principalKey{}).(string) + " " + c.Request().Context().Value(principalKey{}).(string) + " " + c.Request().Header.Get("X-Trace"))
	}
	middleware := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, "alice"))
			h.ServeHTTP(&wrapWriter{w: w}, r)
		})
	}
	c := dial(t, serve(t, middleware(Handler(fn))), http.Header{"X-Trace": {"t-1"}})
	if _, got := readMsg(t, c); got != "alice alice t-1" {
		t.Errorf("handler saw %q, want %q", got, "alice alice t-1")
	}
	c.Close()

	log, _ := newLogger()
	opaque := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Handler(fn, Logger(log)).ServeHTTP(opaqueWriter{w}, r)
	})
	status, _, body := dialStatus(t, serve(t, opaque), nil)
	if want := `{"type":"about:blank","title":"Internal Server Error","status":500}`; status != 500 || body != want {
		t.Errorf("unhijackable writer: %d %s, want 500 %s", status, body, want)
	}
}

func TestContextEndsWithConnection(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	fn, done := ended(func(ctx context.Context, c *Conn) error {
		c.SendText("ready")
		<-ctx.Done() // never reads: the connection's reader still sees the client go
		return ctx.Err()
	})
	log, logs := newLogger()
	h, served := servedSignal(Handler(fn, Logger(log)))
	c := dial(t, serve(t, h), nil)
	readMsg(t, c)
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "tab closed"))
	if ce := readClose(t, c); ce.Code != 1001 {
		t.Errorf("close answer = %d, want the client's 1001 echoed", ce.Code)
	}
	if err := wait(t, done); !errors.Is(err, context.Canceled) {
		t.Errorf("handler returned %v", err)
	}
	c.Close()
	wait(t, served)
	if logs.String() != "" {
		t.Errorf("a client going away was logged: %s", logs)
	}
}

func TestClientDropsTCP(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	fn, done := ended(echo)
	log, logs := newLogger()
	h, served := servedSignal(Handler(fn, Logger(log)))
	c := dial(t, serve(t, h), nil)
	write(t, c, websocket.TextMessage, "x")
	readMsg(t, c)
	c.NetConn().Close() // no close frame
	if err := wait(t, done); !errors.Is(err, ErrClosed) {
		t.Errorf("handler returned %v, want ErrClosed", err)
	}
	wait(t, served)
	if logs.String() != "" {
		t.Errorf("a dropped client was logged: %s", logs)
	}
}

func TestReadLimit(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	tests := []struct {
		name  string
		limit int64
		size  int
		want  int // 0: echoed
	}{
		{"default limit, at the limit", 0, 64 << 10, 0},
		{"default limit, over", 0, 64<<10 + 1, 1009},
		{"custom limit, over", 16, 17, 1009},
		{"no limit", -1, 1 << 20, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := newLogger()
			fn, done := ended(echo)
			h, served := servedSignal(Handler(fn, ReadLimit(tt.limit), Logger(log)))
			c := dial(t, serve(t, h), nil)
			msg := strings.Repeat("a", tt.size)
			write(t, c, websocket.TextMessage, msg)
			if tt.want == 0 {
				if _, got := readMsg(t, c); got != msg {
					t.Errorf("echo of %d bytes came back with %d", tt.size, len(got))
				}
				c.Close()
				wait(t, served)
				return
			}
			if ce := readClose(t, c); ce.Code != tt.want {
				t.Errorf("close = %d, want %d", ce.Code, tt.want)
			}
			if err := wait(t, done); !errors.Is(err, websocket.ErrReadLimit) {
				t.Errorf("handler's read error = %v, want ErrReadLimit", err)
			}
			c.Close()
			wait(t, served)
			if logs.String() != "" {
				t.Errorf("an oversized message was logged: %s", logs)
			}
		})
	}
}

func TestKeepalive(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	fn, done := ended(echo)
	url := serve(t, Handler(fn, PingInterval(20*time.Millisecond), PongTimeout(30*time.Millisecond)))

	// A silent peer: it reads (so it sees the pings) but never answers them.
	silent := dial(t, url, nil)
	pings := make(chan struct{}, 100)
	silent.SetPingHandler(func(string) error { pings <- struct{}{}; return nil })
	go func() {
		for {
			if _, _, err := silent.ReadMessage(); err != nil {
				return
			}
		}
	}()
	wait(t, pings)
	err := wait(t, done)
	var ne net.Error
	if !errors.Is(err, ErrClosed) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("silent peer: handler returned %v, want ErrClosed with a timeout", err)
	}

	// A live peer answers the pings and stays connected, however long it
	// does not send anything. PongTimeout is generous so that a loaded
	// machine cannot fail the test.
	url = serve(t, Handler(fn, PingInterval(10*time.Millisecond), PongTimeout(5*time.Second)))
	live := dial(t, url, nil)
	answer := live.PingHandler()
	live.SetPingHandler(func(s string) error { pings <- struct{}{}; return answer(s) })
	echoed := make(chan string, 1)
	go func() {
		for {
			_, b, err := live.ReadMessage()
			if err != nil {
				return
			}
			echoed <- string(b)
		}
	}()
	for range 5 {
		wait(t, pings)
	}
	write(t, live, websocket.TextMessage, "still here")
	if got := wait(t, echoed); got != "still here" {
		t.Errorf("echo after 5 pings = %q", got)
	}
	live.Close()
	wait(t, done)
}

// compression returns EnableCompression when on, and no option otherwise.
func compression(on bool) Option {
	if on {
		return EnableCompression()
	}
	return nil
}

func TestCompression(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	tests := []struct {
		name   string
		enable bool
		want   string
	}{
		{"off by default", false, ""},
		{"enabled", true, "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := serve(t, Handler(echo, compression(tt.enable)))
			d := websocket.Dialer{EnableCompression: true}
			c, resp, err := d.Dial(url, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := resp.Header.Get("Sec-WebSocket-Extensions"); got != tt.want {
				t.Errorf("Sec-WebSocket-Extensions = %q, want %q", got, tt.want)
			}
			msg := strings.Repeat("compressible ", 100)
			write(t, c, websocket.TextMessage, msg)
			if _, got := readMsg(t, c); got != msg {
				t.Errorf("echo differs")
			}
		})
	}
}

func TestAbortHandlerPanic(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	log, logs := newLogger()
	h := Handler(func(ctx context.Context, c *Conn) error {
		panic(http.ErrAbortHandler)
	}, Logger(log))
	recovered := make(chan any, 1)
	c := dial(t, serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { recovered <- recover() }()
		h.ServeHTTP(w, r)
	})), nil)
	if v := wait(t, recovered); v != http.ErrAbortHandler {
		t.Errorf("panic value = %v, want http.ErrAbortHandler again", v)
	}
	c.SetReadDeadline(time.Now().Add(guard))
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure {
		t.Errorf("aborted connection sent close %d, want a dropped connection", ce.Code)
	}
	if logs.String() != "" {
		t.Errorf("an abort was logged: %s", logs)
	}
}
