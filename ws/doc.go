// Package ws serves WebSocket endpoints on plain net/http, the Go twin of
// FastAPI's websocket routes and of the ConnectionManager of its
// documentation, built on github.com/gorilla/websocket. Endpoint binds and
// validates the handshake's parameters as bind.Handler does (a bad request
// is a 422, never upgraded), upgrades, and runs a function for the life of
// the connection; Hub keeps rooms of connections to broadcast to:
//
//	type Join struct {
//		Room string `path:"room"`
//		Name string `query:"name" validate:"required,max=32"`
//	}
//
//	var hub ws.Hub
//
//	mux.Handle("GET /chat/{room}", ws.Endpoint(func(ctx context.Context, in *Join, c *ws.Conn) error {
//		if err := hub.Join(in.Room, c); err != nil {
//			return err
//		}
//		for {
//			text, err := c.ReadText()
//			if err != nil {
//				return err // the client left (ErrClosed), or sent binary
//			}
//			hub.Broadcast(ctx, in.Room, ws.NewText(in.Name+": "+text))
//		}
//	}, ws.ReadLimit(4<<10)))
//
// Handler is the same without an input. Both take functional options
// (ReadLimit, AllowedOrigins, SendQueue...), each safe by default. Behind
// security.Require, the handshake is authenticated before the upgrade
// (a 401 is an HTTP answer), and docs.API.Handle documents the endpoint
// with its parameters and the response 101 Switching Protocols.
//
// # Connections
//
// The function runs for the life of the connection with a *Conn: ReadText,
// ReadBytes and ReadJSON read the client's messages; Send, SendText,
// SendBytes, SendJSON and SendError queue messages from any goroutine to the
// connection's single writer, and never block (a full queue gives
// ErrQueueFull); Close starts the closing handshake; Subprotocol and
// Request (the upgrade request, whose context carries what middleware put
// there, such as the principal of the security package) describe the
// connection. ctx, also c.Context(), is cancelled when the connection ends,
// whatever the function is doing. Each connection runs a reader goroutine,
// and a writer goroutine while there is something to send (an idle
// connection has none); neither outlives the connection, and the handler
// returns only once both have ended.
//
// # Many idle connections
//
// By default the function runs on the goroutine net/http serves the
// request with, so middleware in front sees ServeHTTP return when the
// connection ends. With the Detach option, ServeHTTP returns at the
// upgrade and the connection runs on a goroutine of its own, which lets
// net/http free its share of the connection; ReadBufferSize(1 << 10) then
// replaces net/http's 4 KiB read buffer with a smaller one. Measured with
// 1,000 idle connections that joined a Hub room (BenchmarkIdleConnServer,
// the server's heap and stacks after a GC, the clients in another
// process, Go 1.26): about 22.5 KB per connection by default, 12.5 KB
// with Detach, 9.5 KB with both, also after the client sent a message or
// a ping. Of those 9.5 KB, 4.5 KB are the 2 KiB stacks of two parked
// goroutines (the function's, waiting in Read, and the reader's, waiting
// on the network): detached, over plain TCP, on Linux, macOS and the BSDs,
// the reader waits for the socket to be readable before it calls into
// gorilla/websocket, and reads each message on a new goroutine, so that
// the one left waiting keeps a small stack. That costs a wait on the
// poller, a system call and a goroutine start per message: a 128-byte
// echo over loopback takes about 72k instructions, client included,
// against 42k not detached (BenchmarkEcho, counted by callgrind). Detach
// is for many connections that are mostly idle; a connection that is not
// detached reads as gorilla does. Detach changes what
// middleware observes (its after-code runs at the upgrade): see Detach
// before using it.
//
// How the function returns decides the close code: nil gives 1000, an error
// 1011 (logged with log/slog, its text never sent), a *CloseError its own
// code, and the end of the connection (an error wrapping ErrClosed, such as
// a read after the client left) closes nothing and logs nothing. See
// Handler for the whole table.
//
// # JSON messages and validation
//
// ReadJSON decodes a message into a struct and validates it with the
// Validate option; plug in package validate:
//
//	ws.Endpoint(fn, ws.Validate(validate.Struct))
//
// Without the hook, a type's own Validate() error method is used. A message
// that is not JSON gives a *CloseError with code 1007, one that does not fit
// or fails validation code 1008; both wrap a 422 *stdapi.Error listing the
// field errors. Returned from the handler, the error reaches the client as a
// text message holding the same problem JSON an HTTP endpoint would answer,
//
//	{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error",
//	 "errors":[{"type":"int_type","loc":["body","qty"],"msg":"Input should be a valid integer"}]}
//
// followed by the close frame (1008, "1 validation error"). A handler that
// prefers to keep the connection answers with c.SendError(err) and reads on.
//
// # Safe defaults
//
// Every option has a safe default:
//
//   - ReadLimit 64 KiB: a larger message closes the connection with 1009.
//     A compressed message counts once inflated, so a small frame cannot
//     inflate past the limit (a compression bomb): it is read no further
//     than the limit, and the handler never sees it.
//   - PingInterval 30s and PongTimeout 10s: a peer that stops answering
//     pings, while the connection is being read, is dropped after at most
//     40 seconds.
//   - WriteTimeout 10s: a peer that does not read in time is dropped.
//   - CloseTimeout 5s: the wait for the client's answer to a close frame.
//   - SendQueue 32 messages per connection (see Hub for what a full
//     queue does).
//   - Subprotocols none, compression off, Accept and Validate none,
//     Logger slog.Default().
//   - AllowedOrigins none: only same-origin browser requests (same scheme,
//     host and port), and clients that send no Origin (which are not
//     browsers), may connect.
//
// # Cross-site WebSocket hijacking
//
// Browsers do not apply the same-origin policy to WebSockets: any page, on
// any site, may open a connection to your endpoint, and the browser sends
// your site's cookies along. If the endpoint trusts those cookies (a session,
// basic credentials), a malicious page visited by one of your users can act
// as that user and read the replies: cross-site WebSocket hijacking. The
// Origin header, set by the browser and not forgeable by the page, is the
// defense: by default the handler answers 403 Forbidden to an Origin other
// than the server's own. An origin is a scheme, a host and a port, compared
// whole (the host ignoring case, a default port equal to none): the server's
// own is https://Host when the request came over TLS and http://Host
// otherwise, so a page of the same host over plain http, which anyone on
// the network path can rewrite, cannot reach an endpoint served over TLS.
// List the other sites you trust in AllowedOrigins; "*" accepts every
// origin and is only right for endpoints that rely on no ambient credential
// (a token in the first message, for instance); the handler logs a warning
// when it is used. Behind a proxy that terminates TLS or rewrites Host,
// list the public origin (https://app.example.com) explicitly: forwarding
// headers are not read, and the handler logs a warning, once, when it
// refuses an origin on its own host with another scheme or port.
//
// # Before the upgrade
//
// Until the upgrade, the client can still receive an HTTP answer.
// Endpoint answers 422 for parameters that do not bind or validate.
// Authentication middleware in front of the endpoint answers 401 or 403:
// the upgrade reaches the connection through wrapping ResponseWriters that
// implement Unwrap (as http.ResponseController does). A browser's
// WebSocket cannot send an Authorization header: let the bearer scheme
// read the token from the query or a subprotocol (security.WebSocketAuth;
// for the subprotocol, add ws.Subprotocols("bearer")). The Accept option
// is a last check of the request, after those.
//
// # Hub and brokers
//
// A Hub broadcasts a message to a room encoding it once
// (websocket.PreparedMessage), whatever the number of members, and members
// leave their rooms by themselves when their connection ends. Each member
// has a bounded queue (the SendQueue option, 32 messages); a broadcast never
// waits for a slow member. When a member's queue is full:
//
//   - a droppable message (NewText(s).Droppable(): presence news such as
//     "X joined", typing indicators) is dropped for that member, which
//     stays connected, and never causes a disconnection;
//   - any other message (chat messages, the default) takes the place of
//     the oldest droppable message waiting, so chat messages keep their
//     order and are never lost to presence;
//   - when none is waiting, Hub.OnFull decides: Disconnect (the default)
//     closes the member with 1013 and removes it from every room,
//     DropOldest keeps it and drops its oldest waiting message.
//
// A churn of joins and leaves, each announced to the whole room, thus
// costs slow readers announcements, not their connection. Hub.Stats
// counts the messages queued, dropped and the members disconnected (and
// Hub.ExpvarFunc publishes them); Hub.Logger gets a warning, at most one
// line per second, with the counts since the previous one. Hub.Close sends 1001 to everyone; call it
// when the server shuts down, as http.Server.Shutdown does not track
// upgraded connections.
//
// Presence (Members, Count, Rooms) and delivery are local to the process.
// Set Hub.Broker to reach the members of the other processes: the hub
// publishes through it and subscribes once per room that has local members.
// MemoryBus connects hubs of one process; a Redis adapter implements the
// same interface across processes.
package ws
