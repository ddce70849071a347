package redis

// Redis pub/sub delivers each PUBLISH once, but a client may send one
// broadcast twice: go-redis retries a command or pipeline whose connection
// failed or timed out after it was written (MaxRetries, 3 by default), and
// Redis, frozen or slow rather than gone, then runs both copies. Whatever
// the client's options, the receiving node drops the copies: each Broker
// numbers its messages (1, 2, ... under a random epoch, so that a
// restarted node with the same NodeID starts afresh), and each receiver
// remembers, for the origins it heard from last, which of the latest
// dedupeWindow numbers it has seen. A number older than the window is
// dropped too: one publisher sends in order, so only a copy is that late.
const (
	dedupeWindow  = 1024 // sequence numbers remembered per origin
	dedupeOrigins = 1024 // origins remembered; the least recently heard is forgotten first
)

// origin is a Broker's life: its NodeID and its epoch.
type origin struct {
	node  string
	epoch uint64
}

// window remembers which of the sequence numbers hi-dedupeWindow+1..hi
// were seen.
type window struct {
	hi   uint64
	seen [dedupeWindow / 64]uint64
	last uint64 // when it was last used, in dedupe.clock ticks
}

// dedupe tells first copies from later ones. It is used by the receiving
// goroutine only, without locking.
type dedupe struct {
	windows map[origin]*window
	clock   uint64
}

// first reports whether seq from o is seen for the first time.
func (d *dedupe) first(o origin, seq uint64) bool {
	d.clock++
	w := d.windows[o]
	if w == nil {
		if d.windows == nil {
			d.windows = map[origin]*window{}
		}
		if len(d.windows) >= dedupeOrigins {
			d.forgetOldest()
		}
		w = &window{}
		d.windows[o] = w
	}
	w.last = d.clock
	return w.first(seq)
}

// forgetOldest forgets the origin heard from least recently.
func (d *dedupe) forgetOldest() {
	var oldest origin
	least := ^uint64(0)
	for o, w := range d.windows {
		if w.last < least {
			oldest, least = o, w.last
		}
	}
	delete(d.windows, oldest)
}

func (w *window) first(seq uint64) bool {
	if seq > w.hi {
		if seq-w.hi >= dedupeWindow {
			clear(w.seen[:])
		} else {
			for s := w.hi + 1; s < seq; s++ {
				w.flip(s, false)
			}
		}
		w.hi = seq
		w.flip(seq, true)
		return true
	}
	if w.hi-seq >= dedupeWindow || w.has(seq) {
		return false
	}
	w.flip(seq, true)
	return true
}

func (w *window) has(seq uint64) bool {
	i := seq % dedupeWindow
	return w.seen[i/64]&(1<<(i%64)) != 0
}

func (w *window) flip(seq uint64, on bool) {
	i := seq % dedupeWindow
	if on {
		w.seen[i/64] |= 1 << (i % 64)
	} else {
		w.seen[i/64] &^= 1 << (i % 64)
	}
}
