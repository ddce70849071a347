package app

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/examples/internal/serve"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/internal/logtest"
)

// runProgram starts Run on a free port with stdout, stderr and the default
// logger captured, and returns the base URL, the log, and a function that
// stops Run and returns its error.
func runProgram(t *testing.T, cfg Config) (base string, log *logtest.Buffer, stop func() error) {
	base, _, log, stop = runProgramStderr(t, cfg)
	return base, log, stop
}

// debugBase is the URL of the debug listener that the last Run started by
// runProgramStderr printed, when it had one.
var debugBase string

// runProgramStderr is runProgram that also returns what Run printed to
// stderr before listening.
func runProgramStderr(t *testing.T, cfg Config) (base, stderr string, log *logtest.Buffer, stop func() error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	er, ew, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderrFile := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, ew
	log = logtest.Capture(t)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, "127.0.0.1:0", cfg) }()
	br := bufio.NewReader(r)
	line, err := br.ReadString('\n')
	if d, ok := strings.CutPrefix(strings.TrimSpace(line), "debug listening on "); ok && err == nil {
		debugBase = d
		line, err = br.ReadString('\n')
	}
	os.Stdout, os.Stderr = stdout, stderrFile
	w.Close()
	r.Close()
	ew.Close()
	printed, _ := io.ReadAll(er) // written before the listening line
	er.Close()
	stderr = string(printed)
	if err != nil {
		cancel()
		t.Fatalf("reading Run's stdout: %v (Run: %v)", err, <-done)
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		cancel()
		t.Fatalf("Run printed %q, want listening on URL", line)
	}
	return base, stderr, log, func() error {
		cancel()
		return <-done
	}
}

func getStats(t *testing.T, base, key string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/stats", nil)
	req.Header.Set("X-API-Key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// Run serves on the address it prints, with the API key given or the one
// it generates. A generated key is printed once on stderr for whoever
// started the program, and never written to the structured log, which
// only shows its fingerprint.
func TestRun(t *testing.T) {
	defer leakcheck.Check(t)()
	keyLine := regexp.MustCompile(`^API key of GET /stats \(X-API-Key\), generated as SHOWCASE_API_KEY is not set: (\S+)\n$`)
	logLine := regexp.MustCompile(`msg="generated the API key of GET /stats, printed on stderr, not logged \(set SHOWCASE_API_KEY to choose it\)" fingerprint=sha256:([0-9a-f]{16})\n`)
	tests := []struct {
		name      string
		key       string // "" to have one generated
		generated bool
	}{
		{"API key given", apiKey, false},
		{"API key generated", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, stderr, log, stop := runProgramStderr(t, Config{APIKey: tt.key})
			key := tt.key
			m := keyLine.FindStringSubmatch(stderr)
			if tt.generated != (m != nil) {
				t.Fatalf("generated key printed: %v, want %v; stderr %q, log:\n%s", m != nil, tt.generated, stderr, log)
			}
			if m != nil {
				key = m[1]
				sum := sha256.Sum256([]byte(key))
				if f := logLine.FindStringSubmatch(log.String()); f == nil || f[1] != hex.EncodeToString(sum[:8]) {
					t.Errorf("the log does not show the key's fingerprint %x:\n%s", sum[:8], log)
				}
			} else if stderr != "" {
				t.Errorf("stderr %q, want nothing", stderr)
			}
			if got := getStats(t, base, key); got != 200 {
				t.Errorf("GET /stats with the key: %d", got)
			}
			if got := getStats(t, base, key+"x"); got != 401 {
				t.Errorf("GET /stats with a wrong key: %d", got)
			}
			if err := stop(); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !strings.Contains(log.String(), "msg=stopped") {
				t.Errorf("no clean stop logged:\n%s", log)
			}
			if strings.Contains(log.String(), key) {
				t.Errorf("the API key %q is in the log:\n%s", key, log)
			}
		})
	}
}

// Run fails before serving when it cannot listen or the configuration is
// refused, and then leaves the address free.
func TestRunFails(t *testing.T) {
	defer leakcheck.Check(t)()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tests := []struct {
		name, addr string
		cfg        Config
		want       string
	}{
		{"bad address", "127.0.0.1:-1", Config{APIKey: apiKey}, "invalid port"},
		{"address in use", ln.Addr().String(), Config{APIKey: apiKey}, "address already in use"},
		{"short JWT secret", "127.0.0.1:0", Config{APIKey: apiKey, JWTSecret: "short"}, "showcase: JWT key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(t.Context(), tt.addr, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		addr       string
		jwt, key   string
		withAssets bool
		timeouts   serve.Timeouts
	}{
		{"defaults", nil, nil, "127.0.0.1:8000", "", "", false, serve.Timeouts{ReadHeader: 5 * time.Second, Read: 30 * time.Second, Write: 30 * time.Second, Idle: 2 * time.Minute}},
		{"flags and environment", []string{"-addr", ":9000", "-docs-assets", "node_modules",
			"-read-header-timeout", "1s", "-read-timeout", "2s", "-write-timeout", "3s", "-idle-timeout", "4s"},
			map[string]string{"SHOWCASE_JWT_SECRET": "s3cret", "SHOWCASE_API_KEY": "k3y"}, ":9000", "s3cret", "k3y", true,
			serve.Timeouts{ReadHeader: time.Second, Read: 2 * time.Second, Write: 3 * time.Second, Idle: 4 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SHOWCASE_JWT_SECRET", tt.env["SHOWCASE_JWT_SECRET"])
			t.Setenv("SHOWCASE_API_KEY", tt.env["SHOWCASE_API_KEY"])
			fs := flag.NewFlagSet("showcase", flag.ContinueOnError)
			var f Flags
			f.Register(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			cfg := f.Config()
			if f.Addr != tt.addr || cfg.JWTSecret != tt.jwt || cfg.APIKey != tt.key || (cfg.DocsAssets != nil) != tt.withAssets || cfg.Backend != nil || cfg.Timeouts != tt.timeouts {
				t.Errorf("addr %q, config %+v", f.Addr, cfg)
			}
		})
	}
}

// The chat's WebSocket outlives the server's read, write and idle
// timeouts, which close a plain connection idle that long.
func TestChatOutlivesTimeouts(t *testing.T) {
	defer leakcheck.Check(t)()
	short := serve.Timeouts{ReadHeader: 200 * time.Millisecond, Read: 300 * time.Millisecond,
		Write: 300 * time.Millisecond, Idle: 300 * time.Millisecond}
	base, _, stop := runProgram(t, Config{APIKey: apiKey, Timeouts: short})
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws?name=zed", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a failure guard
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != `{"from":"","text":"zed joined"}` {
		t.Fatalf("join: %s %v", msg, err)
	}
	time.Sleep(3 * short.Read)
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"text":"still here"}`)); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != `{"from":"zed","text":"still here"}` {
		t.Fatalf("after the timeouts: %s %v", msg, err)
	}
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			break
		}
	}
	c.Close() // the server waits for the client to close the TCP connection
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
}
