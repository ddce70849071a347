// Package stream serves typed streams on plain net/http: server-sent
// events (text/event-stream, what a browser's EventSource reads) with
// Events, and JSON Lines (application/jsonl) with Lines. Input is bound and
// validated as bind.Handler does, errors before the stream are ordinary
// problem responses, every item is JSON of a Go type and is flushed as it
// is sent, and package docs documents both with their item schemas.
//
//	type Ticks struct {
//		Topic  string `path:"topic"`
//		LastID int    `header:"Last-Event-ID"` // sent by EventSource when it reconnects
//	}
//
//	mux.Handle("GET /ticks/{topic}", stream.Events(func(ctx context.Context, in *Ticks, s *stream.Stream[Tick]) error {
//		for i := in.LastID + 1; ; i++ {
//			if err := s.Send(stream.Event[Tick]{ID: strconv.Itoa(i), Data: next(ctx, in.Topic)}); err != nil {
//				return err // the client left: stream.ErrClosed
//			}
//		}
//	}))
//	mux.Handle("GET /export", stream.Lines(func(ctx context.Context, in *Query) iter.Seq2[Item, error] {
//		return db.Items(ctx, in.Filter) // one JSON line per item, flushed as yielded
//	}))
//
// # Server-sent events
//
// Events runs the function for the life of one stream. Stream.Send queues
// an Event (id, event name, data as JSON of T, retry) to the stream's one
// writer goroutine, which flushes each batch of events and writes a
// keepalive comment after 15s without traffic (the KeepAlive option).
// For several event types, make T an interface (any) and declare the
// types by name with the EventTypes option, as in stream.Events(fn,
// stream.EventTypes(map[string]any{"created": Item{}, "deleted": Ref{}})):
// sends are checked, and the document lists each event. Data never spans lines (encoding/json writes no raw newline);
// ids and names holding CR or LF are refused with ErrInvalidEvent.
//
// The response (200, Content-Type: text/event-stream, Cache-Control:
// no-cache, X-Accel-Buffering: no, which tells nginx not to buffer) starts
// with the first event, keepalive, Join or Open. Until then, an error the
// function returns is a normal problem response (401, 404, 422...): an
// EventSource treats any status but 200 as final and stops reconnecting,
// and nil answers 204 No Content, which stops it too. Afterwards, nil ends
// the stream, and an error is sent as an event named "error" whose data is
// the problem JSON (a 500's cause is logged, never sent), then the stream
// ends. In a browser, addEventListener("error") also fires for connection
// failures, with an Event that has no data: test e.data. An EventSource
// reconnects after every end of a stream that started, with Last-Event-ID
// set to the last id it saw; call close() to stop it.
//
// # Slow clients and disconnection
//
// The handler's context is cancelled when the client goes away, and then
// Send returns ErrClosed. Memory per stream is bounded: the writer buffers
// at most 16 encoded events (the SendQueue option), Send blocks while
// they wait, and every write has a deadline of 10s (WriteTimeout,
// through http.ResponseController.SetWriteDeadline): a client that reads
// nothing for that long is disconnected, which ends the stream and any
// Send waiting. The same deadline replaces http.Server.WriteTimeout, which
// would otherwise cut every stream at a fixed age; net/http clears
// ReadTimeout's deadline itself once the request is read. Lines writes
// from the handler's goroutine with the same deadline and buffers nothing.
//
// # JSON Lines
//
// Lines encodes each item of the sequence the function returns as one line
// and flushes it, so a client (curl -N, a bulk loader) processes the first
// items while the server produces the next. An error yielded before the
// first item is a problem response. An error after it (or an item that
// does not encode, or a panic) writes a last line {"error":PROBLEM} and
// aborts the response, so that even a client that ignores that line sees
// a truncated transfer (curl exits with code 18), never a complete-looking
// export. A client that leaves stops the sequence: its yield returns false.
//
// # Hub
//
// Stream.Join adds a stream to a ws.Hub room, next to WebSocket
// connections: one Broadcast reaches both, and through the hub's Broker
// (ws/redis) the streams of every process. A text message becomes an
// unnamed event whose data is its text (a line break starts a new data
// line); binary messages are skipped. The frame is encoded once per
// broadcast. Messages never block the broadcaster: a full queue is
// handled by the hub's policy as for a WebSocket (a droppable message is
// missed; any other disconnects the stream, whose blocked write is cut
// short). The stream leaves its rooms when it ends, and Hub.Close ends it.
//
// # OpenAPI
//
// Registered with docs.API.Handle, a stream is documented with its
// parameters, its 422 and its security like any operation, and a 200 whose
// media type carries x-itemSchema (the itemSchema of OpenAPI 3.2: one
// event, an object with event, data, id and retry, or one JSON Lines item)
// and, for 3.1 tools and Swagger UI, schema: an array of those items.
// Swagger UI's "Try it out" waits for the end of a response, so it shows
// finite streams only.
//
// # Security, CORS and EventSource
//
// Every security scheme applies as middleware around a stream, and its 401
// or 403 is answered before the stream starts. A browser's EventSource,
// though, cannot send headers: no Authorization, no X-API-Key. It sends
// cookies (withCredentials for another origin), so a browser stream is
// authenticated by a session cookie, or by nothing (a public feed, as in
// the showcase); bearer tokens and API keys suit programs (curl, fetch
// with a ReadableStream). A cross-origin EventSource needs CORS: the
// server must answer Access-Control-Allow-Origin with that origin, plus
// Access-Control-Allow-Credentials: true for withCredentials (never "*"
// with cookies). A cookie-authenticated stream is open to cross-site
// requests the way any GET is: SameSite=Lax or Strict cookies are not sent
// by other sites' EventSource, and a stream should never change state.
//
// # Shutdown
//
// http.Server.Shutdown waits for streams, which are requests still
// running: end them when it starts, by closing the hub they joined
// (Hub.Close, from http.Server.RegisterOnShutdown) or a channel their
// functions watch. An EventSource then reconnects, to another instance or
// once the server is back.
package stream
