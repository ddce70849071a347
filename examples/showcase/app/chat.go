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

// ChatQuery is the query of the chat's WebSocket handshake, bound and
// validated before the upgrade: a bad name is a 422, and no connection.
type ChatQuery struct {
	Name string `query:"name" validate:"required,max=32" doc:"Your name in the chat: at most 32 characters, not blank, no control characters."`
}

// Validate refuses a blank name and control characters, with the errors
// at the name's location.
func (q ChatQuery) Validate() error {
	fail := func(typ, msg string) error {
		return stdapi.ValidationError(stdapi.FieldError{Type: typ, Loc: []any{"query", "name"}, Msg: msg, Input: q.Name})
	}
	switch {
	case strings.TrimSpace(q.Name) == "":
		return fail("string_too_short", "String should have at least 1 character")
	case strings.IndexFunc(q.Name, unicode.IsControl) >= 0:
		return fail("value_error", "Value error, control characters are not allowed")
	}
	return nil
}

func (a *App) chatRoutes(api *docs.API, mux *http.ServeMux, t *templates.Templates) {
	api.Handle(mux, "GET /chat", t.Page("chat.html", nil),
		docs.Summary("The chat page (HTML)"), docs.Tags("chat"),
		docs.ResponseMedia(http.StatusOK, "text/html", "The page"))

	chat := ws.Endpoint(a.chat, ws.Validate(validate.Struct))
	api.Handle(mux, "GET /ws", chat, docs.Summary("The chat's WebSocket"), docs.Tags("chat"),
		docs.Response(http.StatusSwitchingProtocols, nil, "The WebSocket handshake succeeded"),
		docs.Description("Connect with `?name=NAME`; send `{\"text\":\"...\"}`, receive `{\"from\":\"NAME\",\"text\":\"...\"}`. "+
			"A message that is not valid is answered with a problem JSON, and the connection stays open."),
		docs.Response(http.StatusUnprocessableEntity, nil, "Missing or invalid name"))
}

// chat runs one chatter's connection: join the room, relay each message
// to everyone, tell the room who comes and goes.
func (a *App) chat(ctx context.Context, in *ChatQuery, c *ws.Conn) error {
	name := strings.TrimSpace(in.Name)
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
