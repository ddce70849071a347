// Package redis carries the broadcasts of a ws.Hub across processes
// through Redis pub/sub (github.com/redis/go-redis/v9): with a Broker as
// each node's Hub.Broker, a broadcast on any node reaches the room's
// members on every node. Import it under another name, as it shares its
// name with go-redis:
//
//	import wsredis "github.com/stdapi/stdapi/ws/redis"
//
//	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379"})
//	hub := &ws.Hub{}
//	broker, err := wsredis.New(wsredis.Options{Client: rdb, LocalCount: hub.Count})
//	if err != nil {
//		log.Fatal(err)
//	}
//	hub.Broker = broker
//
//	mux := http.NewServeMux()
//	mux.Handle("GET /chat/{room}", ws.Handler(func(ctx context.Context, c *ws.Conn) error {
//		room := c.Request().PathValue("room")
//		if err := hub.Join(room, c); err != nil {
//			return err
//		}
//		for {
//			text, err := c.ReadText()
//			if err != nil {
//				return err
//			}
//			hub.Broadcast(ctx, room, ws.NewText(text)) // every node's members of room
//		}
//	}))
//	// On shutdown: hub.Close(), then broker.Close(ctx).
//
// # How it works
//
// Each room is a Redis channel, Prefix+"room:"+name. The hub tells the
// Broker when its first local member joins a room and when its last one
// leaves; the Broker then subscribes or unsubscribes the room's channel on
// its single pub/sub connection, so a node holds one subscription per room
// it has members in, whatever their number. The hub calls the Broker with
// its lock held, so these calls only record the change; a goroutine of the
// Broker applies them, several at once, and a room joined and left in
// between costs nothing. Sync waits until the subscriptions are in place.
//
// A broadcast is published once per node, as one PUBLISH of the message
// tagged with the node's id (Options.NodeID) and a sequence number; the
// receiving nodes decode it once and their hub encodes the WebSocket frame
// once for all its members. The hub delivers to its own members before
// publishing, so a node skips the messages that carry its own id.
// Whether a message is droppable (ws.Message.Droppable) travels with it.
//
// Publish, so Hub.Broadcast, never waits for Redis: it queues the message
// (Options.PublishQueue, 1024) and returns; the Broker's goroutine
// publishes the queue in order, many messages per round trip. Each message
// is published within Options.PublishTimeout (500ms) of its broadcast, or
// given up, counted (Stats.PublishFailed) and logged, at most one line per
// second; a full queue refuses the message (ErrPublishQueueFull,
// Stats.PublishDropped). A broadcast from a chat's read loop therefore
// costs the sender microseconds, even while Redis is frozen or gone. Messages on a room channel that this
// package did not write are dropped, logged and counted
// (Stats.Malformed).
//
// # Outages and delivery
//
// Redis pub/sub delivers at most once: a message published while a node is
// cut off from Redis is lost for that node's members, and Redis keeps no
// copy to send later. The Broker makes the loss visible and short:
//
//   - It notices a lost connection at once when it closes, and within
//     2×PingInterval when it dies silently (a ping left unanswered).
//   - It reconnects with exponential backoff (MinBackoff doubling up to
//     MaxBackoff, with jitter) and subscribes every room again.
//   - Once every room is confirmed again, it logs the outage, counts it in
//     Stats.Gaps and calls Options.OnGap with a Gap: when it started and
//     ended, the error, and the rooms whose messages may be lost. A gap is
//     reported for a failed first connection too.
//   - Meanwhile, broadcasts still reach the local members at once, and
//     the other nodes not at all: their publication fails after
//     PublishTimeout, or at once when Redis refuses connections, and is
//     counted. A message written to a frozen Redis may still reach the
//     other nodes when it runs again, once.
//
// Delivery is at most once whatever the client's options: go-redis
// retries a command or pipeline whose connection failed or timed out
// after it was written (MaxRetries, 3 by default), and a Redis that was
// slow rather than gone then runs both copies; the receiving nodes drop
// the copies (Stats.Duplicates), by the sequence number of each Broker
// (a random epoch and a counter; each node remembers the latest 1024
// numbers of the last 1024 origins it heard). Dropping copies on arrival
// keeps the client's retries, which make delivery likelier, and works for
// every UniversalClient, where cloning the client with retries off would
// not. The Broker stops waiting for a PUBLISH at its deadline even when
// go-redis does not (go-redis honours a context's deadline only with
// ContextTimeoutEnabled; otherwise its ReadTimeout, 3s by default, bounds
// the call, which finishes in the background; until it does, later
// messages fail at once rather than pile up on a stuck Redis). Messages
// already written to a frozen Redis cannot be recalled: they reach the
// other nodes, late and once, when it runs again (one pipeline, at most
// 128 messages).
//
// The way to recover is the application's: tell the clients of Gap.Rooms
// to reload what they show, for instance,
//
//	OnGap: func(g wsredis.Gap) {
//		for _, room := range g.Rooms {
//			hub.Broadcast(context.Background(), room, ws.NewText(`{"type":"resync"}`))
//		}
//	},
//
// just as a WebSocket client must after its own reconnection. Redis
// Streams could replay missed messages, but at a cost paid on every
// broadcast (a stream per room to write, trim and read with a cursor per
// node) for a guarantee that stops at the node: a client that reconnects
// to another node, or whose queue was full, misses messages anyway. So
// this package uses pub/sub and reports the gaps; an application that
// needs every message needs a log with per-client cursors, which is not a
// broadcast bus.
//
// # Presence: what is global and what is not
//
// ws.Hub's Members, Count and Rooms describe the members of this process
// only, with or without a Broker: a member is a live connection and
// exists in one process. With Options.LocalCount set (to hub.Count), the
// Broker also keeps cheap presence across nodes in Redis: one hash per
// room (Prefix+"presence:"+name) with one field per node holding its
// member count and an expiry on the Redis server's clock. Broker.Count
// and Broker.Nodes read it:
//
//   - Global: the number of members of a room, per node and in total.
//   - Not global: the members themselves, and the list of rooms (ask for
//     a room by name).
//   - Freshness: a node records a room when its first member joins and
//     removes the record when the last one leaves, at once; the counts in
//     between are refreshed every PresenceInterval, so a join or leave on
//     another node may show up to PresenceInterval late.
//   - Crashes: a node that stops without Close is no longer counted three
//     PresenceIntervals after its last refresh; a Redis restart loses the
//     records, and each node writes them again when it reconnects.
//
// # Options and defaults
//
//   - Client: required; a go-redis UniversalClient (the tests use a
//     single server's *goredis.Client). The Broker never closes it.
//   - Prefix "ws:": nodes share rooms when they share a Prefix and a Redis.
//   - NodeID: 16 random bytes in hex; set it to something unique and
//     readable (a host name and pid) for logs and presence, at most 255
//     bytes. Two nodes with the same id would skip each other's messages.
//   - PingInterval 15s, MinBackoff 100ms, MaxBackoff 5s.
//   - PublishTimeout 500ms, PublishQueue 1024 messages.
//   - OnGap: none; outages are logged and counted anyway.
//   - LocalCount: none, presence off (Count and Nodes return ErrNoPresence).
//   - PresenceInterval 5s; records expire after 3 intervals.
//   - Logger: slog.Default().
//
// # Security
//
// Anyone who can publish to the room channels of your Redis can send
// messages to your WebSocket clients: protect Redis as you protect your
// database (a password or an ACL user limited to the Prefix, TLS across
// machines), and give each application its own Prefix.
package redis
