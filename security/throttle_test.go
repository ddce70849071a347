package security

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/logtest"
)

// throttleClock is a settable time for MemoryThrottleStore.Now.
type throttleClock struct {
	mu  sync.Mutex
	now time.Time
}

func newThrottleClock() *throttleClock {
	return &throttleClock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *throttleClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *throttleClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// throttleLogins is a token endpoint for alice/wonderland and bob/builder that
// counts the password checks it makes.
type throttleLogins struct{ checks atomic.Int32 }

func (l *throttleLogins) endpoint() *TokenEndpoint {
	return &TokenEndpoint{Issue: func(_ context.Context, f *PasswordForm) (*Token, error) {
		l.checks.Add(1)
		if f.Username == "alice" && f.Password == "wonderland" || f.Username == "bob" && f.Password == "builder" {
			return &Token{AccessToken: "token-of-" + f.Username}, nil
		}
		return nil, ErrInvalidCredentials
	}}
}

func throttlePost(h http.Handler, addr, user, password string) *httptest.ResponseRecorder {
	form := url.Values{"username": {user}, "password": {password}}
	return throttlePostForm(h, addr, form.Encode())
}

func throttlePostForm(h http.Handler, addr, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/token", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = addr
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

const tooManyBody = `{"type":"about:blank","title":"Too Many Requests","status":429,"detail":"Too many failed login attempts"}`

func wantThrottleStatus(t *testing.T, w *httptest.ResponseRecorder, status int, what string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("%s: status %d, want %d: %s", what, w.Code, status, w.Body)
	}
}

func TestThrottleTokenEndpoint(t *testing.T) {
	clk := newThrottleClock()
	var l throttleLogins
	h := (&Throttle{Store: &MemoryThrottleStore{Now: clk.Now}}).Middleware(l.endpoint())
	const home, away = "192.0.2.1:4000", "198.51.100.2:5000"

	for i := range 5 {
		wantThrottleStatus(t, throttlePost(h, home, "alice", "guess"+strconv.Itoa(i)), 400, "a wrong guess")
	}
	clk.advance(10 * time.Second)
	// The sixth attempt is refused before the password check, even with
	// the right password, and from another address.
	for _, addr := range []string{home, away} {
		w := throttlePost(h, addr, "alice", "wonderland")
		wantThrottleStatus(t, w, 429, "alice after 5 failures from "+addr)
		if got := w.Header().Get("Retry-After"); got != "890" {
			t.Errorf("Retry-After %q, want 890 (15 min from the first failure, 10 s later)", got)
		}
		if got := w.Header().Get("Content-Type"); got != "application/problem+json" {
			t.Errorf("Content-Type %q", got)
		}
		if got := strings.TrimSpace(w.Body.String()); got != tooManyBody {
			t.Errorf("body %s, want %s", got, tooManyBody)
		}
	}
	if n := l.checks.Load(); n != 5 {
		t.Errorf("%d password checks, want 5", n)
	}
	// Another user, from either address, is unaffected.
	wantThrottleStatus(t, throttlePost(h, away, "bob", "builder"), 200, "bob from another address")
	wantThrottleStatus(t, throttlePost(h, home, "bob", "builder"), 200, "bob from alice's address")

	// The window ends 15 minutes after the first failure.
	clk.advance(889 * time.Second)
	wantThrottleStatus(t, throttlePost(h, home, "alice", "wonderland"), 429, "alice 1 s before the end of the window")
	clk.advance(time.Second)
	w := throttlePost(h, home, "alice", "wonderland")
	wantThrottleStatus(t, w, 200, "alice once the window is over")
	if !strings.Contains(w.Body.String(), `"access_token":"token-of-alice"`) {
		t.Errorf("body %s: the endpoint did not get the form", w.Body)
	}
}

func TestThrottleSuccessResets(t *testing.T) {
	var l throttleLogins
	h := (&Throttle{}).Middleware(l.endpoint())
	for round := range 3 {
		for range 4 {
			wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "alice", "nope"), 400, "a wrong guess")
		}
		wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "alice", "wonderland"), 200, "round "+strconv.Itoa(round))
	}
	// 12 failures from the address so far, 8 more lock it (successes do
	// not count against it).
	for i := range 8 {
		wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "bob", "nope"), 400, "bob guessing")
		if i < 7 {
			wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "bob", "builder"), 200, "bob")
		}
	}
	wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "carol", "x"), 429, "a 21st failure from the address")
}

func TestThrottleAddress(t *testing.T) {
	var l throttleLogins
	h := (&Throttle{}).Middleware(l.endpoint())
	for i := range 20 { // password spraying: one guess per user
		wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "user"+strconv.Itoa(i), "123456"), 400, "spraying")
	}
	wantThrottleStatus(t, throttlePost(h, "192.0.2.1:2", "alice", "wonderland"), 429, "the address after 20 failures")
	wantThrottleStatus(t, throttlePost(h, "192.0.2.2:1", "user1", "123456"), 400, "another address")
	if n := l.checks.Load(); n != 21 {
		t.Errorf("%d password checks, want 21", n)
	}

	// IPv6 counts by /64.
	h = (&Throttle{MaxPerAddr: 2}).Middleware(l.endpoint())
	wantThrottleStatus(t, throttlePost(h, "[2001:db8::1]:1", "u1", "x"), 400, "IPv6 guess")
	wantThrottleStatus(t, throttlePost(h, "[2001:db8::2]:1", "u2", "x"), 400, "IPv6 guess")
	wantThrottleStatus(t, throttlePost(h, "[2001:db8::ffff:3]:1", "u3", "x"), 429, "the same /64")
	wantThrottleStatus(t, throttlePost(h, "[2001:db8:0:1::1]:1", "u3", "x"), 400, "another /64")
}

func TestThrottleLimits(t *testing.T) {
	var l throttleLogins
	h := (&Throttle{MaxPerUser: 2, MaxPerAddr: -1, Window: time.Hour}).Middleware(l.endpoint())
	for range 2 {
		wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "alice", "x"), 400, "guess")
	}
	w := throttlePost(h, "192.0.2.1:1", "alice", "x")
	wantThrottleStatus(t, w, 429, "MaxPerUser 2")
	if got := w.Header().Get("Retry-After"); got != "3600" {
		t.Errorf("Retry-After %q, want 3600", got)
	}
	for i := range 50 {
		wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "u"+strconv.Itoa(i), "x"), 400, "MaxPerAddr -1")
	}

	h = (&Throttle{MaxPerUser: -1, MaxPerAddr: 3}).Middleware(l.endpoint())
	for range 3 {
		wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "alice", "x"), 400, "guess")
	}
	wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", "alice", "x"), 429, "MaxPerAddr 3")
	wantThrottleStatus(t, throttlePost(h, "192.0.2.9:1", "alice", "wonderland"), 200, "MaxPerUser -1")
}

// Only 400 and 401 are failures; other errors count nothing, and requests
// without a username are not attempts.
func TestThrottleStatuses(t *testing.T) {
	for _, tt := range []struct {
		status int
		counts bool
	}{
		{200, false}, {204, false}, {303, false},
		{400, true}, {401, true},
		{403, false}, {404, false}, {422, false}, {429, false}, {500, false}, {503, false},
	} {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			var calls int
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				w.WriteHeader(tt.status)
			})
			h := (&Throttle{MaxPerUser: 3}).Middleware(next)
			for range 4 {
				r := httptest.NewRequest("GET", "/", nil)
				r.SetBasicAuth("alice", "x")
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
			if want := map[bool]int{true: 3, false: 4}[tt.counts]; calls != want {
				t.Errorf("handler called %d times for 4 requests, want %d", calls, want)
			}
		})
	}
}

func TestThrottleBasic(t *testing.T) {
	basic := &Basic{Verify: func(_ context.Context, user, pass string) (any, error) {
		if Equal(user, "alice") && Equal(pass, "wonderland") {
			return user, nil
		}
		return nil, ErrInvalidCredentials
	}}
	th := &Throttle{}
	h := th.Middleware(Require(basic)(noop))
	get := func(header string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	basicAuth := func(user, pass string) string {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetBasicAuth(user, pass)
		return r.Header.Get("Authorization")
	}
	// A browser's first request, without credentials, and other schemes'
	// credentials are not attempts.
	for range 30 {
		wantThrottleStatus(t, get(""), 401, "no credentials")
		wantThrottleStatus(t, get("Bearer abc"), 401, "a bearer token")
	}
	for range 5 {
		wantThrottleStatus(t, get(basicAuth("alice", "nope")), 401, "a wrong password")
	}
	wantThrottleStatus(t, get(basicAuth("alice", "wonderland")), 429, "alice after 5 failures")
	wantThrottleStatus(t, get(""), 401, "no credentials, still")
	if n := len(th.counts().(*MemoryThrottleStore).counters); n != 2 {
		t.Errorf("%d counters, want 2 (alice's and the address's)", n)
	}
}

// The endpoint gets the body the throttle read; bodies it refuses are not
// attempts; a TokenEndpoint is found behind middleware.
func TestThrottleForm(t *testing.T) {
	var l throttleLogins
	var seen string
	wrap := unwrapTo{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = string(b)
		r.Body = io.NopCloser(strings.NewReader(seen))
		l.endpoint().ServeHTTP(w, r)
	}), l.endpoint()}
	th := &Throttle{MaxPerUser: 1, MaxPerAddr: -1}
	h := th.Middleware(wrap)
	form := "grant_type=password&username=alice&password=wonderland&scope=me"
	wantThrottleStatus(t, throttlePostForm(h, "192.0.2.1:1", form), 200, "alice")
	if seen != form {
		t.Errorf("the endpoint read %q, want %q", seen, form)
	}
	for _, body := range []string{
		"username=alice&password=", "username=alice&username=bob&password=x",
		"username=alice&password=x&" + strings.Repeat("a", MaxFormBytes), "user%6eame=alice;password=x",
	} {
		wantThrottleStatus(t, throttlePostForm(h, "192.0.2.1:1", body), 400, "a malformed form")
	}
	// A percent-encoded parameter name is the same parameter.
	wantThrottleStatus(t, throttlePostForm(h, "192.0.2.1:1", "user%6eame=alice&password=x"), 400, "alice's first failure")
	wantThrottleStatus(t, throttlePostForm(h, "192.0.2.1:1", form), 429, "alice locked")
	if n := len(th.counts().(*MemoryThrottleStore).counters); n != 1 {
		t.Errorf("%d counters, want 1 (alice's)", n)
	}
}

// unwrapTo is middleware that serves with h and unwraps to next.
type unwrapTo struct{ h, next http.Handler }

func (u unwrapTo) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.h.ServeHTTP(w, r) }
func (u unwrapTo) Unwrap() http.Handler                             { return u.next }

func TestThrottleUsername(t *testing.T) {
	var l throttleLogins
	// Logins ignore case here, so the throttle must too.
	th := &Throttle{Username: func(r *http.Request) string {
		return strings.ToLower(r.Header.Get("X-User"))
	}}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.checks.Add(1)
		w.WriteHeader(401)
	})
	h := th.Middleware(next)
	for _, u := range []string{"Alice", "ALICE", "alice", "aLice", "alicE", "AlIcE", "", ""} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("X-User", u)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if n := l.checks.Load(); n != 7 {
		t.Errorf("%d checks, want 7 (5 alices and 2 anonymous)", n)
	}
}

// A long username is stored under a short key.
func TestThrottleKeyBound(t *testing.T) {
	var l throttleLogins
	th := &Throttle{}
	h := th.Middleware(l.endpoint())
	long := strings.Repeat("x", 10000)
	wantThrottleStatus(t, throttlePost(h, "192.0.2.1:1", long, "x"), 400, "a long username")
	for key := range th.counts().(*MemoryThrottleStore).counters {
		if len(key) > 80 {
			t.Errorf("key of %d bytes", len(key))
		}
	}
}

func TestThrottleClientAddr(t *testing.T) {
	loopback := ProxyTrust{TrustedProxies: Loopback()}
	for _, tt := range []struct {
		name    string
		proxies ProxyTrust
		remote  string
		xff     []string
		want    string
	}{
		{"IPv4", ProxyTrust{}, "192.0.2.1:1234", nil, "192.0.2.1"},
		{"IPv6 by /64", ProxyTrust{}, "[2001:db8:1:2:3:4:5:6]:1", nil, "2001:db8:1:2::/64"},
		{"IPv4-mapped", ProxyTrust{}, "[::ffff:192.0.2.1]:1", nil, "192.0.2.1"},
		{"zone", ProxyTrust{}, "[fe80::1%eth0]:1", nil, "fe80::/64"},
		{"Unix socket", ProxyTrust{}, "@", nil, "@"},
		{"untrusted peer's header", ProxyTrust{}, "192.0.2.1:1", []string{"203.0.113.7"}, "192.0.2.1"},
		{"not a trusted proxy", loopback, "192.0.2.1:1", []string{"203.0.113.7"}, "192.0.2.1"},
		{"trusted proxy", loopback, "127.0.0.1:1", []string{"203.0.113.7"}, "203.0.113.7"},
		{"trusted proxy, no header", loopback, "127.0.0.1:1", nil, "127.0.0.1"},
		{"spoofed left entries", loopback, "127.0.0.1:1", []string{"10.0.0.1, 203.0.113.7"}, "203.0.113.7"},
		{"a chain of proxies", loopback, "127.0.0.1:1", []string{"203.0.113.7, 127.0.0.2", "127.0.0.3"}, "203.0.113.7"},
		{"only proxies", loopback, "127.0.0.1:1", []string{"127.0.0.2"}, "127.0.0.2"},
		{"malformed entry", loopback, "127.0.0.1:1", []string{"203.0.113.7, evil, 127.0.0.2"}, "127.0.0.2"},
		{"entry with a port", loopback, "127.0.0.1:1", []string{"203.0.113.7:99"}, "203.0.113.7"},
		{"trust all: the rightmost", ProxyTrust{TrustAllProxies: true}, "192.0.2.1:1", []string{"10.0.0.1, 203.0.113.7"}, "203.0.113.7"},
		{"oversized header", ProxyTrust{TrustAllProxies: true, MaxHeaderBytes: 20}, "192.0.2.1:1",
			[]string{"10.0.0.1, 203.0.113.7"}, "192.0.2.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			r.Header["X-Forwarded-For"] = tt.xff
			th := &Throttle{Proxies: tt.proxies}
			if got := th.clientAddr(r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// failingThrottleStore fails every call.
type failingThrottleStore struct{}

func (failingThrottleStore) Add(context.Context, string, int, time.Duration) (int, time.Duration, error) {
	return 0, 0, errors.New("connection refused")
}
func (failingThrottleStore) Reset(context.Context, string) error {
	return errors.New("connection refused")
}

// A store that fails refuses throttleLogins (503) rather than let guesses through.
func TestThrottleStoreError(t *testing.T) {
	logs := logtest.Capture(t)
	var l throttleLogins
	h := (&Throttle{Store: failingThrottleStore{}}).Middleware(l.endpoint())
	w := throttlePost(h, "192.0.2.1:1", "alice", "wonderland")
	wantThrottleStatus(t, w, 503, "a failing store")
	if got, want := strings.TrimSpace(w.Body.String()), `{"type":"about:blank","title":"Service Unavailable","status":503}`; got != want {
		t.Errorf("body %s, want %s", got, want)
	}
	if l.checks.Load() != 0 {
		t.Error("the password was checked")
	}
	if !strings.Contains(logs.String(), "security: throttle store: connection refused") {
		t.Errorf("logs: %s", logs)
	}
}

// However many guesses arrive at once, only MaxPerUser reach the password
// check: attempts are counted before the handler runs.
func TestThrottleConcurrent(t *testing.T) {
	var l throttleLogins
	th := &Throttle{MaxPerAddr: -1}
	h := th.Middleware(l.endpoint())
	var wg sync.WaitGroup
	var refused atomic.Int32
	for i := range 100 {
		wg.Go(func() {
			addr := "192.0.2." + strconv.Itoa(i%50) + ":1"
			if throttlePost(h, addr, "alice", "guess").Code == 429 {
				refused.Add(1)
			}
			throttlePost(h, addr, "user"+strconv.Itoa(i), "guess") // other keys meanwhile
		})
	}
	wg.Wait()
	if n, m := l.checks.Load(), refused.Load(); n != 5+100 || m != 95 {
		t.Errorf("%d checks and %d × 429, want 105 and 95", n, m)
	}
}

func TestMemoryThrottleStore(t *testing.T) {
	ctx := context.Background()
	clk := newThrottleClock()
	s := &MemoryThrottleStore{Now: clk.Now}
	check := func(key string, delta, wantN int, wantTTL time.Duration) {
		t.Helper()
		n, ttl, err := s.Add(ctx, key, delta, time.Minute)
		if err != nil || n != wantN || ttl != wantTTL {
			t.Fatalf("Add(%q, %d) = %d, %v, %v; want %d, %v", key, delta, n, ttl, err, wantN, wantTTL)
		}
	}
	check("a", -1, 0, 0) // a negative delta creates nothing
	if len(s.counters) != 0 {
		t.Fatal("a counter was created")
	}
	check("a", 1, 1, time.Minute)
	clk.advance(20 * time.Second)
	check("a", 1, 2, 40*time.Second)
	check("a", -1, 1, 40*time.Second)
	check("a", -1, 0, 0) // back to 0: removed
	check("a", -1, 0, 0)
	check("a", 2, 2, time.Minute)
	clk.advance(time.Minute)
	check("a", 1, 1, time.Minute) // expired: a new window
	if err := s.Reset(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	check("a", 1, 1, time.Minute)
	if err := s.Reset(ctx, "absent"); err != nil {
		t.Fatal(err)
	}
}

// Many distinct keys never hold more than MaxKeys counters; the oldest go
// first, and expired ones are dropped as new ones come.
func TestMemoryThrottleStoreBound(t *testing.T) {
	ctx := context.Background()
	clk := newThrottleClock()
	s := &MemoryThrottleStore{MaxKeys: 100, Now: clk.Now}
	for i := range 10000 {
		s.Add(ctx, "k"+strconv.Itoa(i), 1, time.Minute)
		if len(s.counters) > 100 {
			t.Fatalf("%d counters after %d keys", len(s.counters), i+1)
		}
	}
	if n, _, _ := s.Add(ctx, "k9999", 1, time.Minute); n != 2 {
		t.Errorf("the newest key has count %d, want 2", n)
	}
	if n, _, _ := s.Add(ctx, "k0", 1, time.Minute); n != 1 {
		t.Errorf("the oldest key has count %d, want 1 (evicted)", n)
	}
	// The list and the map agree.
	n := 0
	for c := s.head; c != nil; c = c.next {
		if s.counters[c.key] != c {
			t.Fatalf("listed counter %q not in the map", c.key)
		}
		n++
	}
	if n != len(s.counters) {
		t.Fatalf("%d listed, %d in the map", n, len(s.counters))
	}
	clk.advance(time.Minute)
	for i := range 25 {
		s.Add(ctx, "new"+strconv.Itoa(i), 1, time.Minute)
	}
	if len(s.counters) != 25 {
		t.Errorf("%d counters, want the 25 live ones", len(s.counters))
	}

	// Through the middleware: an attacker rotating usernames from many
	// addresses.
	th := &Throttle{Store: &MemoryThrottleStore{MaxKeys: 500}}
	var l throttleLogins
	h := th.Middleware(l.endpoint())
	for i := range 2000 {
		throttlePost(h, netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}).String()+":1", "user"+strconv.Itoa(i), "x")
	}
	if got := len(th.Store.(*MemoryThrottleStore).counters); got != 500 {
		t.Errorf("%d counters, want 500", got)
	}
}
