package security

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stdapi/stdapi"
)

// Throttle limits failed logins per username and per client address, so
// that passwords cannot be guessed at full speed. Its Middleware goes in
// front of a TokenEndpoint or of a route behind a scheme with usernames
// (Basic):
//
//	throttle := &security.Throttle{}
//	mux.Handle("POST /token", throttle.Middleware(&security.TokenEndpoint{Issue: login}))
//	mux.Handle("GET /admin", throttle.Middleware(security.Require(basic)(admin)))
//
// A login attempt is a request with a username (see Username); others pass
// through untouched. Once a username has MaxPerUser failures within Window,
// or a client address MaxPerAddr, further attempts are answered 429 Too
// Many Requests with Retry-After (the seconds left in the window) and a
// problem body, before the handler runs: no password is hashed for them,
// and the right password is refused too. Attempts in progress count, so
// that concurrent guesses cannot overtake the limit.
//
// The handler's status tells how an attempt went: 400 or 401 (the token
// endpoint's invalid_grant or invalid_request, a scheme's 401) is a
// failure and stays counted; below 400 is a success, which resets the
// username's count; any other status counts nothing. A 429 counts nothing
// either.
//
// Per-username limits let anyone lock a user out for Window by failing on
// purpose; MaxPerUser -1 turns them off and leaves the per-address limit.
//
// The zero value is ready to use with the defaults below. A Throttle is
// safe for concurrent use and must not be copied after first use; share
// one between the routes that check the same passwords.
type Throttle struct {
	// MaxPerUser is how many failures a username may have within Window.
	// Default 5; -1 means no limit per username.
	MaxPerUser int
	// MaxPerAddr is how many failures a client address may have within
	// Window, whatever the usernames. Default 20; -1 means no limit.
	MaxPerAddr int
	// Window is how long failures count, from a key's first failure.
	// Default 15 minutes.
	Window time.Duration
	// Store keeps the counts. Default: a MemoryThrottleStore of this
	// Throttle with its defaults. Give several instances a shared store
	// (such as Redis) so that they count together.
	Store ThrottleStore
	// Username returns the username that r tries to log in as, or "" when
	// r is not a login attempt. It may read r.Body if it leaves r with an
	// equivalent one. Return the name as the application looks it up (for
	// example lower-cased if logins ignore case), or variants of one name
	// count apart. Default: for a handler that is a *TokenEndpoint
	// (possibly behind middleware with an Unwrap() http.Handler method),
	// the form's username, read at most MaxFormBytes and put back for the
	// endpoint; for any other handler, the username of Basic credentials.
	Username func(r *http.Request) string
	// Proxies says which peers may give the client's address in
	// X-Forwarded-For: from a trusted peer, the address is the rightmost
	// one of the header that is not a trusted proxy (the rightmost one with
	// TrustAllProxies). Default: trusts nobody, the address is RemoteAddr's.
	// Without it, every client behind a proxy shares the proxy's count.
	// IPv6 addresses count by /64, the block one host typically has.
	Proxies ProxyTrust

	once  sync.Once
	store ThrottleStore
}

// Middleware returns next behind the throttle. The handler returned
// answers Unwrap() http.Handler, so that docs still documents next.
func (t *Throttle) Middleware(next http.Handler) http.Handler {
	username := t.Username
	if username == nil {
		username = basicUsername
		if isTokenEndpoint(next) {
			username = formUsername
		}
	}
	return &throttled{t: t, next: next, username: username}
}

type throttled struct {
	t        *Throttle
	next     http.Handler
	username func(*http.Request) string
}

// Unwrap returns the throttled handler.
func (h *throttled) Unwrap() http.Handler { return h.next }

// A throttled request has up to two counts: its address's and its
// username's, in this order, so that an address over its limit adds no
// usernames to the store.
const (
	addrCount = iota
	userCount
)

func (h *throttled) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user := h.username(r)
	if user == "" {
		h.next.ServeHTTP(w, r)
		return
	}
	t := h.t
	var keys [2]string
	if t.limit(addrCount) >= 0 {
		keys[addrCount] = "addr:" + boundKey(t.clientAddr(r))
	}
	if t.limit(userCount) >= 0 {
		keys[userCount] = "user:" + boundKey(user)
	}
	ctx := r.Context()
	retry, err := t.reserve(ctx, keys)
	if err != nil {
		stdapi.WriteError(w, r, &stdapi.Error{Status: http.StatusServiceUnavailable, Err: err})
		return
	}
	if retry > 0 {
		secs := strconv.FormatInt(int64((retry+time.Second-1)/time.Second), 10)
		stdapi.WriteError(w, r, &stdapi.Error{Status: http.StatusTooManyRequests,
			Detail: "Too many failed login attempts", Header: http.Header{"Retry-After": {secs}}})
		return
	}
	sw := &throttleWriter{ResponseWriter: w}
	// A panic leaves the attempt counted as a failure.
	h.next.ServeHTTP(sw, r)
	t.settle(ctx, keys, sw.status)
}

func (t *Throttle) limit(count int) int {
	if count == userCount {
		return positiveOr(t.MaxPerUser, 5)
	}
	return positiveOr(t.MaxPerAddr, 20)
}

// positiveOr returns n, or def when n is 0; a negative n is returned as -1.
func positiveOr(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return -1
	}
	return n
}

func (t *Throttle) window() time.Duration {
	if t.Window > 0 {
		return t.Window
	}
	return 15 * time.Minute
}

func (t *Throttle) counts() ThrottleStore {
	if t.Store != nil {
		return t.Store
	}
	t.once.Do(func() { t.store = &MemoryThrottleStore{} })
	return t.store
}

// reserve counts the attempt against each key. When a key is over its
// limit it takes the attempt back and returns the time left in that key's
// window.
func (t *Throttle) reserve(ctx context.Context, keys [2]string) (time.Duration, error) {
	st, window := t.counts(), t.window()
	for i, key := range keys {
		if key == "" {
			continue
		}
		n, ttl, err := st.Add(ctx, key, 1, window)
		if err == nil && n <= t.limit(i) {
			continue
		}
		if err == nil {
			_, _, err = st.Add(ctx, key, -1, window)
		}
		if e := t.release(ctx, keys[:i]); err == nil {
			err = e
		}
		if err != nil {
			return 0, fmt.Errorf("security: throttle store: %w", err)
		}
		return max(ttl, time.Second), nil
	}
	return 0, nil
}

// settle keeps a failed attempt counted, resets the username's count after
// a success and takes back what else the attempt counted.
func (t *Throttle) settle(ctx context.Context, keys [2]string, status int) {
	var err error
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnauthorized:
		return
	case status < 400:
		if keys[userCount] != "" {
			err = t.counts().Reset(ctx, keys[userCount])
		}
		err = errors.Join(err, t.release(ctx, keys[:userCount]))
	default:
		err = t.release(ctx, keys[:])
	}
	if err != nil {
		slog.ErrorContext(ctx, "security: throttle store", "error", err)
	}
}

func (t *Throttle) release(ctx context.Context, keys []string) error {
	var errs []error
	for _, key := range keys {
		if key != "" {
			if _, _, err := t.counts().Add(ctx, key, -1, t.window()); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// boundKey keeps store keys short whatever a client sends: a long name is
// replaced by its SHA-256 digest.
func boundKey(s string) string {
	if len(s) <= 64 {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// clientAddr returns the address that r's attempts count against.
func (t *Throttle) clientAddr(r *http.Request) string {
	addr, ok := parseClientAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr // a Unix socket: all its clients count together
	}
	if t.Proxies.trustedPeer(r) {
		addr = t.forwardedFor(r, addr)
	}
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}

// forwardedFor walks X-Forwarded-For from the right, past trusted proxies,
// and returns the first address that is not one; peer when there is none.
// A malformed entry stops the walk at the hop that forwarded it.
func (t *Throttle) forwardedFor(r *http.Request, peer netip.Addr) netip.Addr {
	vs := r.Header["X-Forwarded-For"]
	n := 0
	for _, v := range vs {
		n += len(v)
	}
	if n > t.Proxies.maxBytes() {
		return peer
	}
	addr := peer
	for i := len(vs) - 1; i >= 0; i-- {
		rest := vs[i]
		for rest != "" {
			var hop string
			if j := strings.LastIndexByte(rest, ','); j >= 0 {
				rest, hop = rest[:j], rest[j+1:]
			} else {
				rest, hop = "", rest
			}
			a, ok := parseClientAddr(strings.TrimSpace(hop))
			if !ok {
				return addr
			}
			addr = a
			if t.Proxies.TrustAllProxies || !inPrefixes(t.Proxies.TrustedProxies, a) {
				return addr
			}
		}
	}
	return addr
}

func inPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseClientAddr parses "host:port" or a bare address, without IPv6 zones.
func parseClientAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	a, err := netip.ParseAddr(s)
	return a.Unmap().WithZone(""), err == nil
}

func basicUsername(r *http.Request) string {
	cred, found, many := authorization(r, "Basic")
	if !found || many {
		return ""
	}
	user, _, _ := ParseBasic(cred)
	return user
}

// formUsername reads the username of an OAuth2 password request as
// TokenEndpoint will, and puts the body back for it.
func formUsername(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" || r.Body == nil || r.Body == http.NoBody {
		return ""
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxFormBytes+1))
	complete := err == nil && len(body) <= MaxFormBytes
	rb := &replayBody{buf: body, err: err, rest: r.Body}
	if complete {
		rb.err = io.EOF
	}
	r.Body = rb
	if !complete {
		return ""
	}
	f, err := parsePasswordForm(string(body), "", false)
	if err != nil {
		return ""
	}
	return f.Username
}

// replayBody is a request body whose first bytes were read already: it
// returns them, then err, or the rest of the body when err is nil.
type replayBody struct {
	buf  []byte
	err  error
	rest io.ReadCloser
}

func (b *replayBody) Read(p []byte) (int, error) {
	if len(b.buf) > 0 {
		n := copy(p, b.buf)
		b.buf = b.buf[n:]
		return n, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	return b.rest.Read(p)
}

func (b *replayBody) Close() error { return b.rest.Close() }

func isTokenEndpoint(h http.Handler) bool {
	for range 16 { // middleware chains are short; this stops a cycle
		switch v := h.(type) {
		case *TokenEndpoint:
			return true
		case interface{ Unwrap() http.Handler }:
			h = v.Unwrap()
		default:
			return false
		}
	}
	return false
}

// throttleWriter records the status of a response.
type throttleWriter struct {
	http.ResponseWriter
	status int
}

func (w *throttleWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *throttleWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *throttleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher, for handlers that check for it.
func (w *throttleWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack implements http.Hijacker, for WebSocket upgrades (gorilla's
// Upgrader asserts it); a hijacked connection is a success.
func (w *throttleWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}
