package testdb

import (
	"fmt"
	"net"
	"os"
	osexec "os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// Durable are the server settings under which an acknowledged commit
// survives a crash of Postgres: its defaults, spelled out, which ci.sh's
// fast server turns off.
var Durable = []string{"fsync=on", "synchronous_commit=on", "full_page_writes=on"}

// Server is a PostgreSQL server of a test's own, on a fresh port of
// 127.0.0.1 with its data under a new temporary directory, so that the test
// may crash and restart it. Its database is "postgres", user "postgres",
// trusted.
type Server struct {
	bin      string   // directory of initdb, pg_ctl
	dir      string   // data in dir/data, socket and log in dir
	port     int      // on 127.0.0.1
	settings []string // -c name=value
	as       []string // runuser -u postgres -- when root: initdb refuses root
}

// StartServer initialises and starts a server with settings (name=value,
// such as Durable), and stops it and removes its directory when t ends.
// Without PostgreSQL's binaries (STDAPI_RIVER_PGBIN, which ci.sh exports,
// or /usr/lib/postgresql/*/bin) t is skipped, or fails when CI=true.
func StartServer(t testing.TB, settings ...string) *Server {
	t.Helper()
	bin := binDir()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no PostgreSQL binaries and CI=true: source tasks/river/ci.sh, which installs them")
		}
		t.Skip("no PostgreSQL binaries (initdb, pg_ctl): set STDAPI_RIVER_PGBIN or source tasks/river/ci.sh")
	}
	s := &Server{bin: bin, settings: settings}
	if os.Geteuid() == 0 {
		s.as = []string{"runuser", "-u", "postgres", "--"}
	}
	// Under /tmp, readable by all, so that the postgres user reaches it.
	dir, err := os.MkdirTemp("/tmp", "stdapi-river-crash-")
	if err != nil {
		t.Fatal(err)
	}
	s.dir = dir
	t.Cleanup(func() {
		_ = s.run("pg_ctl", "-D", s.data(), "stop", "-m", "immediate", "-w")
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if len(s.as) > 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.run("initdb", "-D", s.data(), "-U", "postgres", "-A", "trust", "--no-sync"); err != nil {
		t.Fatal(err)
	}
	s.port = freePort(t)
	s.Start(t)
	return s
}

// URL is the connection URL of the server's postgres database.
func (s *Server) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

// Crash stops the server the way a crash does: pg_ctl stop -m immediate
// kills it without a checkpoint, and the next Start recovers from the WAL.
func (s *Server) Crash(t testing.TB) {
	t.Helper()
	if err := s.run("pg_ctl", "-D", s.data(), "stop", "-m", "immediate", "-w"); err != nil {
		t.Fatal(err)
	}
}

// Start starts the server and waits until it accepts connections.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s", s.port, s.dir)
	for _, kv := range s.settings {
		opts += " -c " + kv
	}
	if err := s.run("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
		t.Fatalf("%v\n%s", err, log)
	}
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run runs a PostgreSQL program, as the postgres user when root.
func (s *Server) run(name string, args ...string) error {
	argv := append(append(append([]string{}, s.as...), filepath.Join(s.bin, name)), args...)
	out, err := osexec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", name, err, out)
	}
	return nil
}

// binDir finds the directory of initdb: $STDAPI_RIVER_PGBIN, or the newest
// /usr/lib/postgresql/*/bin (Debian's layout).
func binDir() string {
	if d := os.Getenv("STDAPI_RIVER_PGBIN"); d != "" {
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) < version(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// version is the major version in /usr/lib/postgresql/VERSION/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// freePort returns a port of 127.0.0.1 that nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
