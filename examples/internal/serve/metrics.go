package serve

import (
	"encoding/json"
	"math"
	"net/http"
	"sync/atomic"
	"time"
)

// Metrics counts the requests of a server: how many, by status class, how
// many are in flight, and how long they took. It is an expvar.Var: Serve
// publishes its own as "http", which the debug listener shows at
// /debug/vars. The zero value is ready to use; its methods are safe for
// concurrent use.
//
// WebSocket upgrades (status 101) are counted as requests and, while their
// connection is open, as in flight, but not in the latency, which they
// would swamp with the length of a conversation.
type Metrics struct {
	requests atomic.Int64
	inFlight atomic.Int64
	class    [5]atomic.Int64 // 1xx to 5xx
	buckets  [len(LatencyBuckets) + 1]atomic.Int64
	count    atomic.Int64
	sumNanos atomic.Int64
	maxNanos atomic.Int64
}

// LatencyBuckets are the upper bounds of the latency histogram of Metrics.
var LatencyBuckets = [...]time.Duration{
	time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 500 * time.Millisecond, time.Second, 5 * time.Second,
}

// Handler returns h counted by m.
func (m *Metrics) Handler(h http.Handler) http.Handler {
	return observe(h, m.begin, func(_ *http.Request, status, _ int, d time.Duration) { m.observe(status, d) })
}

func (m *Metrics) begin() { m.inFlight.Add(1) }

// observe records a request that has ended.
func (m *Metrics) observe(status int, d time.Duration) {
	m.inFlight.Add(-1)
	m.requests.Add(1)
	if c := status/100 - 1; c >= 0 && c < len(m.class) {
		m.class[c].Add(1)
	}
	if status == http.StatusSwitchingProtocols {
		return
	}
	i := 0
	for i < len(LatencyBuckets) && d > LatencyBuckets[i] {
		i++
	}
	m.buckets[i].Add(1)
	m.count.Add(1)
	m.sumNanos.Add(int64(d))
	for {
		old := m.maxNanos.Load()
		if int64(d) <= old || m.maxNanos.CompareAndSwap(old, int64(d)) {
			break
		}
	}
}

// MetricsSnapshot is what Metrics publishes, as JSON.
type MetricsSnapshot struct {
	// Requests counts the requests that have ended.
	Requests int64 `json:"requests"`
	// InFlight is how many requests are being served, open WebSockets
	// included.
	InFlight int64 `json:"in_flight"`
	// Status counts the ended requests by status class: "1xx" to "5xx".
	Status map[string]int64 `json:"status"`
	// Latency summarizes how long the requests took, upgrades excepted.
	Latency Latency `json:"latency"`
}

// Latency is a latency histogram and its summary, in seconds.
type Latency struct {
	Count int64   `json:"count"`
	Sum   float64 `json:"sum_seconds"`
	Max   float64 `json:"max_seconds"`
	// Buckets are cumulative, as in Prometheus: how many requests took at
	// most LE seconds; the last one, LE +Inf, counts them all.
	Buckets []Bucket `json:"buckets"`
}

// Bucket is one bucket of a Latency histogram.
type Bucket struct {
	LE    string `json:"le"`
	Count int64  `json:"count"`
}

// Snapshot returns the counters of m. They are read one by one, so they may
// be a little apart from each other under load.
func (m *Metrics) Snapshot() MetricsSnapshot {
	s := MetricsSnapshot{
		Requests: m.requests.Load(),
		InFlight: m.inFlight.Load(),
		Status:   map[string]int64{},
		Latency: Latency{
			Count: m.count.Load(),
			Sum:   time.Duration(m.sumNanos.Load()).Seconds(),
			Max:   time.Duration(m.maxNanos.Load()).Seconds(),
		},
	}
	for i := range m.class {
		s.Status[string(rune('1'+i))+"xx"] = m.class[i].Load()
	}
	var total int64
	for i := range m.buckets {
		total += m.buckets[i].Load()
		le := math.Inf(1)
		if i < len(LatencyBuckets) {
			le = LatencyBuckets[i].Seconds()
		}
		s.Latency.Buckets = append(s.Latency.Buckets, Bucket{LE: formatLE(le), Count: total})
	}
	return s
}

func formatLE(le float64) string {
	if math.IsInf(le, 1) {
		return "+Inf"
	}
	b, _ := json.Marshal(le)
	return string(b)
}

// String returns Snapshot as JSON, for expvar.
func (m *Metrics) String() string {
	b, err := json.Marshal(m.Snapshot())
	if err != nil {
		return "{}"
	}
	return string(b)
}
