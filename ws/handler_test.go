package ws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

func echo(ctx context.Context, c *Conn) error {
	for {
		typ, b, err := c.Read()
		if err != nil {
			return err
		}
		m := NewBinary(b)
		if typ == Text {
			m = NewText(string(b))
		}
		if err := c.Send(m); err != nil {
			return err
		}
	}
}

func TestEcho(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	fn, done := ended(echo)
	url := serve(t, Handler(fn))
	c := dial(t, url, nil)
	tests := []struct {
		typ  int
		data string
	}{
		{websocket.TextMessage, "hello"},
		{websocket.BinaryMessage, "\x00\x01\xff"},
		{websocket.TextMessage, ""},
		{websocket.TextMessage, strings.Repeat("é", 1000)},
	}
	for _, tt := range tests {
		write(t, c, tt.typ, tt.data)
		typ, got := readMsg(t, c)
		if typ != tt.typ || got != tt.data {
			t.Errorf("echo of %d %.20q = %d %.20q", tt.typ, tt.data, typ, got)
		}
	}
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	if ce := readClose(t, c); ce.Code != websocket.CloseNormalClosure {
		t.Errorf("close code = %d, want 1000", ce.Code)
	}
	if err := wait(t, done); !errors.Is(err, ErrClosed) {
		t.Errorf("handler returned %v, want ErrClosed", err)
	}
}

type order struct {
	Item string `json:"item"`
	Qty  int    `json:"qty"`
}

func (o *order) Validate() error {
	if o.Qty < 1 {
		return errors.New("qty must be at least 1")
	}
	return nil
}

func TestJSONRoundTrip(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	url := serve(t, Handler(func(ctx context.Context, c *Conn) error {
		for {
			var o order
			if err := c.ReadJSON(&o); err != nil {
				return err
			}
			o.Qty *= 2
			if err := c.SendJSON(o); err != nil {
				return err
			}
		}
	}))
	c := dial(t, url, nil)
	for _, in := range []string{`{"item":"tea","qty":2}`, ` {"qty":1,"item":"x","extra":true} `} {
		write(t, c, websocket.TextMessage, in)
		_, got := readMsg(t, c)
		var o order
		if err := decodeJSON(Text, []byte(in), &o, nil); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"item":%q,"qty":%d}`, o.Item, o.Qty*2)
		if got != want {
			t.Errorf("reply to %s = %s, want %s", in, got, want)
		}
	}
	write(t, c, websocket.BinaryMessage, `{"item":"bin","qty":1}`)
	if _, got := readMsg(t, c); got != `{"item":"bin","qty":2}` {
		t.Errorf("reply to a binary JSON message = %s", got)
	}
}

func TestReadJSONInvalid(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	hook := func(v any) error {
		if o := v.(*order); o.Item == "" {
			// like validate.Struct: locations relative to the value
			return stdapi.ValidationError(stdapi.FieldError{Type: "missing", Loc: []any{"item"}, Msg: "Field required"})
		}
		return nil
	}
	tests := []struct {
		name     string
		opts     []Option
		typ      int
		in       string
		wantBody string
		wantCode int
		wantWhy  string
	}{
		{"not JSON", nil, websocket.TextMessage, `nope`, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"json_invalid","loc":["body",1],"msg":"JSON decode error","input":{},"ctx":{"error":"invalid character 'o' in literal null (expecting 'u')"}}]}`, 1007, "invalid JSON"},
		{"empty", nil, websocket.TextMessage, ``, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"json_invalid","loc":["body",0],"msg":"JSON decode error","input":{},"ctx":{"error":"unexpected end of JSON input"}}]}`, 1007, "invalid JSON"},
		{"trailing data", nil, websocket.TextMessage, `{"item":"a","qty":1} {}`, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"json_invalid","loc":["body",21],"msg":"JSON decode error","input":{},"ctx":{"error":"invalid character '{' after top-level value"}}]}`, 1007, "invalid JSON"},
		{"invalid UTF-8", nil, websocket.TextMessage, "{\"item\":\"\xff\",\"qty\":1}", `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"json_invalid","loc":["body"],"msg":"JSON decode error","input":{},"ctx":{"error":"invalid UTF-8"}}]}`, 1007, "invalid JSON"},
		{"wrong type", nil, websocket.TextMessage, `{"item":"a","qty":"2"}`, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"int_type","loc":["body","qty"],"msg":"Input should be a valid integer"}]}`, 1008, "1 validation error"},
		{"not an object", nil, websocket.BinaryMessage, `[1]`, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"dict_type","loc":["body"],"msg":"Input should be a valid dictionary"}]}`, 1008, "1 validation error"},
		{"Validate method", nil, websocket.TextMessage, `{"item":"a","qty":0}`, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"value_error","loc":["body"],"msg":"Value error, qty must be at least 1"}]}`, 1008, "1 validation error"},
		{"Validate hook replaces the method", []Option{Validate(hook)}, websocket.TextMessage, `{"qty":0}`, `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"missing","loc":["body","item"],"msg":"Field required"}]}`, 1008, "1 validation error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := newLogger()
			fn, done := ended(func(ctx context.Context, c *Conn) error {
				var o order
				return c.ReadJSON(&o)
			})
			c := dial(t, serve(t, Handler(fn, append(tt.opts, Logger(log))...)), nil)
			write(t, c, tt.typ, tt.in)
			if typ, got := readMsg(t, c); typ != websocket.TextMessage || got != tt.wantBody {
				t.Errorf("error message = %d %s\nwant %s", typ, got, tt.wantBody)
			}
			ce := readClose(t, c)
			if ce.Code != tt.wantCode || ce.Text != tt.wantWhy {
				t.Errorf("close = %d %q, want %d %q", ce.Code, ce.Text, tt.wantCode, tt.wantWhy)
			}
			err := wait(t, done)
			var se *stdapi.Error
			if !errors.As(err, &se) || se.Status != 422 {
				t.Errorf("ReadJSON error %v does not wrap a 422 *stdapi.Error", err)
			}
			c.Close()
			if logs.String() != "" {
				t.Errorf("a bad message was logged: %s", logs)
			}
		})
	}
}

// A handler may answer a bad message and read on instead of closing.
func TestSendErrorAndContinue(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	url := serve(t, Handler(func(ctx context.Context, c *Conn) error {
		for {
			var o order
			err := c.ReadJSON(&o)
			var ce *CloseError
			if errors.As(err, &ce) {
				c.SendError(err)
				continue
			}
			if err != nil {
				return err
			}
			c.SendText("ok " + o.Item)
		}
	}))
	c := dial(t, url, nil)
	write(t, c, websocket.TextMessage, `{"item":"a","qty":0}`)
	if _, got := readMsg(t, c); !strings.Contains(got, `"status":422`) {
		t.Errorf("reply = %s, want a 422 problem", got)
	}
	write(t, c, websocket.TextMessage, `{"item":"a","qty":1}`)
	if _, got := readMsg(t, c); got != "ok a" {
		t.Errorf("reply = %q, want %q", got, "ok a")
	}
}

func TestReadText(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	tests := []struct {
		name     string
		typ      int
		in       string
		wantCode int
		wantWhy  string
	}{
		{"binary", websocket.BinaryMessage, "hi", 1003, "text message expected"},
		{"invalid UTF-8", websocket.TextMessage, "\xc3\x28", 1007, "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, serve(t, Handler(func(ctx context.Context, c *Conn) error {
				_, err := c.ReadText()
				return err
			})), nil)
			write(t, c, tt.typ, tt.in)
			ce := readClose(t, c)
			if ce.Code != tt.wantCode || ce.Text != tt.wantWhy {
				t.Errorf("close = %d %q, want %d %q", ce.Code, ce.Text, tt.wantCode, tt.wantWhy)
			}
			c.Close()
		})
	}
}

func TestHandlerEnd(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	tests := []struct {
		name     string
		fn       Func
		wantMsg  string // message before the close frame, if any
		wantCode int
		wantWhy  string
		wantLog  string // "" means nothing logged
	}{
		{"nil", func(context.Context, *Conn) error { return nil }, "", 1000, "", ""},
		{"error", func(context.Context, *Conn) error { return errors.New("db password=hunter2 refused") }, "", 1011, "internal error", "db password=hunter2 refused"},
		{"panic", func(context.Context, *Conn) error { panic("boom") }, "", 1011, "internal error", "panic: boom"},
		{"close error", func(context.Context, *Conn) error { return &CloseError{Code: 4000, Reason: "bye"} }, "", 4000, "bye", ""},
		{"bad validator", func(ctx context.Context, c *Conn) error {
			c.SendText("go")
			var o order
			return c.ReadJSON(&o)
		}, "go", 1011, "internal error", "validate: bad tag"},
		{"close error 1011", func(context.Context, *Conn) error {
			return &CloseError{Code: 1011, Reason: "x", Err: errors.New("secret")}
		}, "", 1011, "internal error", "secret"},
		{"invalid close code", func(context.Context, *Conn) error { return &CloseError{Code: 1005} }, "", 1011, "internal error", "ws: close 1005"},
		{"4xx stdapi error", func(context.Context, *Conn) error { return stdapi.NewError(403, "Not your room") },
			`{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not your room"}`, 1008, "Forbidden", ""},
		{"5xx stdapi error", func(context.Context, *Conn) error { return &stdapi.Error{Status: 503, Err: errors.New("queue down")} }, "", 1011, "internal error", "queue down"},
		{"Close then return", func(ctx context.Context, c *Conn) error {
			c.SendText("bye")
			c.Close(4001, strings.Repeat("r", 200))
			if err := c.Close(4002, ""); !errors.Is(err, ErrClosed) {
				return fmt.Errorf("second Close = %v", err)
			}
			if err := c.SendText("late"); !errors.Is(err, ErrClosed) {
				return fmt.Errorf("Send after Close = %v", err)
			}
			_, _, err := c.Read()
			return err
		}, "bye", 4001, strings.Repeat("r", 123), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := newLogger()
			badValidator := func(any) error { return errors.New("validate: bad tag") }
			h, served := servedSignal(Handler(tt.fn, Logger(log), Validate(badValidator)))
			c := dial(t, serve(t, h), nil)
			if tt.wantMsg != "" {
				if _, got := readMsg(t, c); got != tt.wantMsg {
					t.Errorf("message = %s, want %s", got, tt.wantMsg)
				}
				if tt.wantMsg == "go" {
					write(t, c, websocket.TextMessage, `{"item":"a","qty":1}`)
				}
			}
			ce := readClose(t, c)
			if ce.Code != tt.wantCode || ce.Text != tt.wantWhy {
				t.Errorf("close = %d %q, want %d %q", ce.Code, ce.Text, tt.wantCode, tt.wantWhy)
			}
			c.Close()
			wait(t, served)
			got := logs.String()
			if tt.wantLog == "" && got != "" {
				t.Errorf("logged %s", got)
			}
			if tt.wantLog != "" && !strings.Contains(got, tt.wantLog) {
				t.Errorf("log %q does not contain %q", got, tt.wantLog)
			}
		})
	}
}

func TestSendQueueFull(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	big := NewText(strings.Repeat("q", 256<<10))
	full := make(chan int, 1)
	url := serve(t, Handler(func(ctx context.Context, c *Conn) error {
		for n := 1; n <= 10000; n++ {
			err := c.Send(big)
			if errors.Is(err, ErrQueueFull) {
				full <- n
				return nil
			}
			if err != nil {
				return err
			}
		}
		return errors.New("the queue never filled")
	}, SendQueue(4)))
	c := dial(t, url, nil) // does not read until the queue is full
	n := wait(t, full)
	// Every message queued before ErrQueueFull arrives, then the close.
	for i := 1; i < n; i++ {
		if _, got := readMsg(t, c); len(got) != 256<<10 {
			t.Fatalf("message %d has %d bytes", i, len(got))
		}
	}
	if ce := readClose(t, c); ce.Code != 1000 {
		t.Errorf("close = %d, want 1000", ce.Code)
	}
}
