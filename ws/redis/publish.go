package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/stdapi/stdapi/ws"
)

// ErrPublishQueueFull is returned by Publish when Options.PublishQueue
// messages are already waiting to be published: Redis is slower than the
// broadcasts, or unreachable. The message reached the local members (the
// hub delivers before publishing) but not the other nodes; it is counted
// in Stats.PublishDropped.
var ErrPublishQueueFull = errors.New("ws/redis: publish queue full")

// maxBatch is the most messages one pipeline publishes; maxInflight the
// most pipelines running. The publisher waits for each pipeline up to its
// deadline, so a second one would only start while the first is stuck
// past its deadline, and would be written to the same stuck Redis, to be
// run, late, when it wakes up: fail those messages at once instead.
const (
	maxBatch    = 128
	maxInflight = 1
)

var (
	errUnconfirmed = errors.New("ws/redis: PUBLISH not confirmed by Redis")
	errStuck       = fmt.Errorf("%w: an earlier PUBLISH is still waiting for Redis", errUnconfirmed)
)

// outgoing is a message waiting to be published.
type outgoing struct {
	channel  string
	env      []byte
	deadline time.Time // published by then, or dropped
}

// Publish queues a message for room's other nodes and returns at once: it
// never waits for Redis. The Broker's goroutine publishes the queue in
// order, many messages per round trip, each within Options.PublishTimeout
// of its call to Publish (or ctx's deadline, if earlier); a message not
// confirmed by then is counted in Stats.PublishFailed and logged, and may
// or may not have reached the other nodes, once at most. Cancelling ctx
// after Publish returns does not withdraw the message.
//
// It returns ErrPublishQueueFull when Options.PublishQueue messages are
// waiting already, ctx's error when ctx is done, and ErrClosed after
// Close.
func (b *Broker) Publish(ctx context.Context, room string, msg *ws.Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ws/redis: publish: %w", err)
	}
	deadline := time.Now().Add(b.opts.PublishTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	e := envelope{node: b.node, epoch: b.epoch, seq: b.seq.Add(1), typ: msg.Type(), droppable: msg.IsDroppable()}
	o := outgoing{
		channel:  b.channel(room),
		env:      appendEnvelope(make([]byte, 0, envelopeHeader+len(b.node)+envelopeIDs+len(msg.Data())), e, msg.Data()),
		deadline: deadline,
	}
	// Holding the read lock while queuing lets Close know that nothing is
	// queued once it holds the write lock.
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	select {
	case b.out <- o:
		return nil
	default:
		b.pubDropped.Add(1)
		b.pubLog.note(b.opts.Logger, b.node, 1, 0, nil)
		return ErrPublishQueueFull
	}
}

// publisher publishes the queued messages until Close, then what is left.
func (b *Broker) publisher() {
	defer b.wg.Done()
	batch := make([]outgoing, 0, maxBatch)
	for {
		select {
		case o := <-b.out:
			batch = append(batch[:0], o)
		case <-b.stopPub:
			b.drain(batch)
			return
		}
		b.flush(b.fill(batch))
	}
}

// fill adds to batch the messages waiting, up to maxBatch.
func (b *Broker) fill(batch []outgoing) []outgoing {
	for len(batch) < maxBatch {
		select {
		case o := <-b.out:
			batch = append(batch, o)
		default:
			return batch
		}
	}
	return batch
}

// drain publishes what is queued after Close; nothing is queued any more.
func (b *Broker) drain(batch []outgoing) {
	for {
		batch = b.fill(batch[:0])
		if len(batch) == 0 {
			return
		}
		b.flush(batch)
	}
}

// flush publishes batch in one pipeline, bounded by the earliest deadline
// in it; messages past their deadline are not sent.
func (b *Broker) flush(batch []outgoing) {
	now := time.Now()
	live := batch[:0]
	var expired int
	for _, o := range batch {
		if o.deadline.After(now) {
			live = append(live, o)
		} else {
			expired++
		}
	}
	if len(live) == 0 {
		b.failed(expired, context.DeadlineExceeded)
		return
	}
	deadline := live[0].deadline
	for _, o := range live[1:] {
		if o.deadline.Before(deadline) {
			deadline = o.deadline
		}
	}
	// go-redis bounds its calls by its own timeouts (ReadTimeout, 3s by
	// default, times its retries) and honours ctx's deadline only with
	// ContextTimeoutEnabled: wait for the pipeline until the deadline, and
	// leave it to finish on its own past it (see maxInflight).
	select {
	case b.inflight <- struct{}{}:
	default:
		b.failed(expired+len(live), errStuck)
		return
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	pipe := b.opts.Client.Pipeline()
	for _, o := range live {
		pipe.Publish(ctx, o.channel, o.env)
	}
	done := make(chan int, 1)
	b.wg.Add(1)
	go func() { // batch is reused once flush returns: only pipe is used here
		defer b.wg.Done()
		cmds, _ := pipe.Exec(ctx)
		cancel()
		ok := 0
		for _, cmd := range cmds {
			if cmd.Err() == nil {
				ok++
			}
		}
		// Free the slot before flush hears of the result: freed after,
		// the next flush could find it taken and fail its messages as
		// stuck behind a pipeline that has finished.
		<-b.inflight
		done <- ok
	}()
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case ok := <-done:
		b.published.Add(uint64(ok))
		b.failed(expired+len(live)-ok, errUnconfirmed)
	case <-t.C:
		b.failed(expired+len(live), context.DeadlineExceeded)
	}
}

// failed counts and logs n messages not confirmed by Redis.
func (b *Broker) failed(n int, err error) {
	if n > 0 {
		b.pubFailed.Add(uint64(n))
		b.pubLog.note(b.opts.Logger, b.node, 0, uint64(n), err)
	}
}

// pubLogInterval is the least time between two log lines about messages
// that were not published.
const pubLogInterval = time.Second

// pubLog rate-limits the log lines about messages that were not
// published: at most one per pubLogInterval, with the counts since the
// previous line.
type pubLog struct {
	mu              sync.Mutex
	last            time.Time
	dropped, failed uint64
}

func (l *pubLog) note(logger *slog.Logger, node string, dropped, failed uint64, err error) {
	l.mu.Lock()
	l.dropped += dropped
	l.failed += failed
	now := time.Now()
	if now.Sub(l.last) < pubLogInterval {
		l.mu.Unlock()
		return
	}
	dropped, failed = l.dropped, l.failed
	l.last, l.dropped, l.failed = now, 0, 0
	l.mu.Unlock()
	logger.Warn("ws/redis: broadcasts did not reach the other nodes",
		"node", node, "queue_full", dropped, "failed", failed, "error", err)
}
