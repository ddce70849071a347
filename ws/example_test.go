package ws_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/ws"
)

// An echo endpoint and a client.
func ExampleHandler() {
	h := ws.Handler(func(ctx context.Context, c *ws.Conn) error {
		for {
			text, err := c.ReadText()
			if err != nil {
				return err
			}
			if err := c.SendText("echo: " + text); err != nil {
				return err
			}
		}
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	c.WriteMessage(websocket.TextMessage, []byte("hello"))
	_, reply, _ := c.ReadMessage()
	fmt.Println(string(reply))
	// Output: echo: hello
}

// Join is the handshake's input: the room from the path, the name from the
// query.
type Join struct {
	Room string `path:"room"`
	Name string `query:"name" validate:"required,max=32"`
}

// A typed endpoint: a handshake without a name is answered 422 and never
// upgraded.
func ExampleEndpoint() {
	mux := http.NewServeMux()
	mux.Handle("GET /rooms/{room}", ws.Endpoint(func(ctx context.Context, in *Join, c *ws.Conn) error {
		return c.SendText("welcome to " + in.Room + ", " + in.Name)
	}, ws.ReadLimit(4<<10)))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/rooms/lobby"

	_, res, err := websocket.DefaultDialer.Dial(url, nil)
	fmt.Println(err, res.StatusCode)
	c, _, err := websocket.DefaultDialer.Dial(url+"?name=ann", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	_, msg, _ := c.ReadMessage()
	fmt.Println(string(msg))
	// Output:
	// websocket: bad handshake 422
	// welcome to lobby, ann
}

type move struct {
	X, Y int
}

// Validate is used by ReadJSON without the Validate option.
func (m *move) Validate() error {
	if m.X < 0 || m.Y < 0 {
		return errors.New("off the board")
	}
	return nil
}

// A JSON endpoint: an invalid message gets the problem JSON, then close 1008.
func ExampleConn_ReadJSON() {
	h := ws.Handler(func(ctx context.Context, c *ws.Conn) error {
		for {
			var m move
			if err := c.ReadJSON(&m); err != nil {
				return err
			}
			c.SendJSON(map[string]int{"x": m.X + 1, "y": m.Y})
		}
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	c.WriteJSON(move{X: 1, Y: 2})
	_, reply, _ := c.ReadMessage()
	fmt.Println(string(reply))

	c.WriteMessage(websocket.TextMessage, []byte(`{"X":-1}`))
	_, reply, _ = c.ReadMessage()
	fmt.Println(string(reply))
	_, _, err = c.ReadMessage()
	fmt.Println(err)
	// Output:
	// {"x":2,"y":2}
	// {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"value_error","loc":["body"],"msg":"Value error, off the board"}]}
	// websocket: close 1008 (policy violation): 1 validation error
}

// A room shared by two hubs of one process through a MemoryBus, as two
// servers would share one through a Redis broker.
func ExampleMemoryBus() {
	bus := ws.NewMemoryBus()
	a := &ws.Hub{Broker: bus.Node()}
	b := &ws.Hub{Broker: bus.Node()}
	alice, bob := newPrinter("alice"), newPrinter("bob")
	a.Join("lobby", alice)
	b.Join("lobby", bob)

	a.Broadcast(context.Background(), "lobby", ws.NewText("hi all"))
	fmt.Println(a.Count("lobby"), b.Count("lobby"))
	// Output:
	// alice got "hi all"
	// bob got "hi all"
	// 1 1
}

// printer is a Member that prints what it receives.
type printer struct {
	name string
	ctx  context.Context
}

func newPrinter(name string) *printer { return &printer{name, context.Background()} }

func (p *printer) Send(m *ws.Message) error {
	fmt.Printf("%s got %q\n", p.name, m.Data())
	return nil
}
func (p *printer) Close(code int, reason string) error { return nil }
func (p *printer) Context() context.Context            { return p.ctx }
