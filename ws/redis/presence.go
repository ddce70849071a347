package redis

import (
	"context"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"
)

// ErrNoPresence is returned by Count and Nodes when Options.LocalCount is
// not set.
var ErrNoPresence = errors.New("ws/redis: presence is off (Options.LocalCount is not set)")

// Presence lives in one Redis hash per room, Prefix+"presence:"+room, with
// one field per node: "count expiry", the expiry in milliseconds of the
// Redis server's clock (so that the nodes' clocks do not matter). Readers
// ignore and delete expired fields; the hash itself expires when no node
// refreshes it.
var (
	recordScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. (now + tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`)

	readScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local fields = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #fields, 2 do
  local count, expiry = string.match(fields[i + 1], '^(%d+) (%d+)$')
  if count and tonumber(expiry) > now then
    out[#out + 1] = fields[i]
    out[#out + 1] = count
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
return out`)
)

// Count returns the number of members of room on every node, as last
// recorded by each node (see Options.LocalCount): it may lag a join or a
// leave on another node by up to PresenceInterval. It returns ErrNoPresence
// when presence is off, and the Redis error (wrapped) when Redis cannot
// be reached.
func (b *Broker) Count(ctx context.Context, room string) (int, error) {
	nodes, err := b.Nodes(ctx, room)
	n := 0
	for _, c := range nodes {
		n += c
	}
	return n, err
}

// Nodes returns, for each node that has members in room, its node id and
// its number of members, as last recorded (see Count). Nodes that stopped
// without Close are left out once their records expire, three
// PresenceIntervals after their last refresh.
func (b *Broker) Nodes(ctx context.Context, room string) (map[string]int, error) {
	if b.opts.LocalCount == nil {
		return nil, ErrNoPresence
	}
	vals, err := readScript.Run(ctx, b.opts.Client, []string{b.presenceKey(room)}).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("ws/redis: presence of room %q: %w", room, err)
	}
	nodes := make(map[string]int, len(vals)/2)
	for i := 0; i+1 < len(vals); i += 2 {
		var n int
		if _, err := fmt.Sscan(vals[i+1], &n); err == nil && n > 0 {
			nodes[vals[i]] = n
		}
	}
	return nodes, nil
}

// presence records the local member counts of the rooms the hub has
// members in, all of them when refresh is set and only the new ones
// otherwise, and removes the records of the rooms it left. It runs on the
// control goroutine; failures are logged and fixed by the next refresh.
func (b *Broker) presence(refresh bool) {
	var record, gone []string
	b.mu.RLock()
	for room := range b.rooms {
		if refresh || !b.present[room] {
			record = append(record, room)
		}
	}
	for room := range b.present {
		if _, ok := b.rooms[room]; !ok {
			gone = append(gone, room)
		}
	}
	b.mu.RUnlock()
	// A record that could not be removed stays in present: the next pass,
	// or Close, removes it.
	if err := b.forget(b.ctx, gone); err != nil {
		if b.ctx.Err() == nil {
			b.opts.Logger.Warn("ws/redis: removing presence records failed", "node", b.node, "error", err)
		}
	} else if len(gone) > 0 {
		b.mu.Lock()
		for _, room := range gone {
			delete(b.present, room)
		}
		b.mu.Unlock()
	}
	if len(record) == 0 {
		return
	}
	ttl := 3 * b.opts.PresenceInterval.Milliseconds()
	exec := func() error {
		pipe := b.opts.Client.Pipeline()
		for _, room := range record {
			recordScript.EvalSha(b.ctx, pipe, []string{b.presenceKey(room)}, b.node, b.opts.LocalCount(room), ttl)
		}
		_, err := pipe.Exec(b.ctx)
		return err
	}
	err := exec()
	if goredis.HasErrorPrefix(err, "NOSCRIPT") {
		if err = recordScript.Load(b.ctx, b.opts.Client).Err(); err == nil {
			err = exec()
		}
	}
	if err != nil {
		if b.ctx.Err() == nil {
			b.opts.Logger.Warn("ws/redis: recording presence failed", "node", b.node, "rooms", len(record), "error", err)
		}
		return
	}
	b.mu.Lock()
	for _, room := range record {
		b.present[room] = true
	}
	b.notifyLocked()
	b.mu.Unlock()
}

// forget removes this node's presence records of rooms.
func (b *Broker) forget(ctx context.Context, rooms []string) error {
	if b.opts.LocalCount == nil || len(rooms) == 0 {
		return nil
	}
	pipe := b.opts.Client.Pipeline()
	for _, room := range rooms {
		pipe.HDel(ctx, b.presenceKey(room), b.node)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("ws/redis: remove presence: %w", err)
	}
	return nil
}

// presenceKey returns the Redis key of room's presence hash.
func (b *Broker) presenceKey(room string) string { return b.opts.Prefix + "presence:" + room }
