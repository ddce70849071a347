package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/templates"
	"github.com/stdapi/stdapi/validate"
	"github.com/stdapi/stdapi/ws"
)

// chatRoom is the one room of the chat.
const chatRoom = "lobby"

// ChatIn is a message from a chatter.
type ChatIn struct {
	Text string `json:"text" validate:"required,min=1,max=500"`
}

// ChatOut is a message to the chatters; From is empty for news from the
// server (someone joined or left).
type ChatOut struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// ChatQuery documents the query of the chat's WebSocket handshake, which
// chatName reads and checks before the upgrade.
type ChatQuery struct {
	Name string `query:"name" validate:"required" doc:"Your name in the chat: at most 32 bytes, no control characters."`
}

// chatName returns the chatter's name from ?name=, or a 422 when it is
// missing, longer than 32 bytes or holds control characters.
func chatName(r *http.Request) (string, error) {
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	fail := func(typ, msg string) (string, error) {
		return "", stdapi.ValidationError(stdapi.FieldError{Type: typ, Loc: []any{"query", "name"}, Msg: msg, Input: name})
	}
	switch {
	case name == "":
		return "", stdapi.ValidationError(stdapi.FieldError{Type: "missing", Loc: []any{"query", "name"}, Msg: "Field required"})
	case len(name) > 32:
		return fail("string_too_long", "String should have at most 32 characters")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fail("value_error", "Value error, control characters are not allowed")
	}
	return name, nil
}

func (a *App) chatRoutes(api *docs.API, mux *http.ServeMux, t *templates.Templates) {
	api.Handle(mux, "GET /chat", t.Page("chat.html", nil),
		docs.Summary("The chat page (HTML)"), docs.Tags("chat"),
		docs.ResponseMedia(http.StatusOK, "text/html", "The page"))

	chat := ws.Handler(a.chat, ws.Options{
		Validate: validate.Struct,
		Accept:   func(r *http.Request) error { _, err := chatName(r); return err },
	})
	api.Handle(mux, "GET /ws", chat, docs.Summary("The chat's WebSocket"), docs.Tags("chat"),
		docs.Request(ChatQuery{}),
		docs.Response(http.StatusSwitchingProtocols, nil, "The WebSocket handshake succeeded"),
		docs.Description("Connect with `?name=NAME`; send `{\"text\":\"...\"}`, receive `{\"from\":\"NAME\",\"text\":\"...\"}`. "+
			"A message that is not valid is answered with a problem JSON, and the connection stays open."),
		docs.Response(http.StatusUnprocessableEntity, nil, "Missing or invalid name"),
		docs.Response(http.StatusUpgradeRequired, nil, "Not a WebSocket handshake"))
}

// chat runs one chatter's connection: join the room, relay each message
// to everyone, tell the room who comes and goes.
func (a *App) chat(ctx context.Context, c *ws.Conn) error {
	name, _ := chatName(c.Request()) // checked by Accept
	if err := a.hub.Join(chatRoom, c); err != nil {
		if errors.Is(err, ws.ErrHubClosed) {
			return &ws.CloseError{Code: ws.CloseGoingAway, Reason: "server shutting down"}
		}
		return err
	}
	a.announce(ctx, name+" joined")
	defer a.announce(context.WithoutCancel(ctx), name+" left")
	for {
		var in ChatIn
		err := c.ReadJSON(&in)
		var bad *ws.CloseError
		if errors.As(err, &bad) && (bad.Code == ws.CloseInvalidPayload || bad.Code == ws.ClosePolicyViolation) {
			// Not JSON, or not valid: say why and keep the chatter.
			if err := c.SendError(err); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		msg, err := ws.NewJSON(ChatOut{From: name, Text: in.Text})
		if err != nil {
			return err
		}
		if err := a.hub.Broadcast(ctx, chatRoom, msg); err != nil {
			return err
		}
	}
}

// announce tells the room who comes and goes. The news is droppable: a
// chatter whose queue is full misses it rather than being disconnected,
// and a chat message waiting behind it takes its place.
func (a *App) announce(ctx context.Context, text string) {
	if msg, err := ws.NewJSON(ChatOut{Text: text}); err == nil {
		a.hub.Broadcast(ctx, chatRoom, msg.Droppable())
	}
}
