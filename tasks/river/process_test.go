package river_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
)

// The payloads of internal/testworker's kinds.
type crash struct {
	Token string `json:"token"`
}

type unique struct {
	Key   string `json:"key"`
	Round int    `json:"round"`
}

var binDir string // holds the testworker binary; removed by TestMain

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var build struct {
	once sync.Once
	path string
	err  error
}

// testworker builds internal/testworker once per test binary.
func testworker(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		binDir, build.err = os.MkdirTemp("", "river-testworker")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(binDir, "testworker")
		out, err := exec.Command("go", "build", "-o", build.path, "./internal/testworker").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build ./internal/testworker: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

const testTables = `
CREATE TABLE IF NOT EXISTS river_test_ready (queue text NOT NULL, pid int NOT NULL);
CREATE TABLE IF NOT EXISTS river_test_crash (token text NOT NULL, pid int NOT NULL);
CREATE TABLE IF NOT EXISTS river_test_active (key text PRIMARY KEY, n int NOT NULL);
CREATE TABLE IF NOT EXISTS river_test_unique (key text NOT NULL, round int NOT NULL, pid int NOT NULL, overlap bool NOT NULL);
CREATE TABLE IF NOT EXISTS river_test_release (key text NOT NULL, round int NOT NULL);`

// proc is a running testworker process.
type proc struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan struct{} // closed when the process has exited
	err    error         // of cmd.Wait, once exited is closed
}

// startWorker starts a testworker on queue with args and waits until it is
// ready. The test's cleanup kills it if it still runs.
func startWorker(t *testing.T, pool *pgxpool.Pool, queue string, args ...string) *proc {
	t.Helper()
	p := &proc{exited: make(chan struct{})}
	p.cmd = exec.Command(testworker(t), append([]string{"-queue", queue}, args...)...)
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("testworker %d stderr:\n%s", p.cmd.Process.Pid, p.stderr.String())
		}
	})
	waitFor(t, 60*time.Second, "testworker ready", func() bool {
		select {
		case <-p.exited:
			t.Fatalf("testworker exited early: %v\n%s", p.err, p.stderr.String())
		default:
		}
		var ready bool
		err := pool.QueryRow(context.Background(),
			"SELECT EXISTS (SELECT 1 FROM river_test_ready WHERE queue = $1 AND pid = $2)",
			queue, p.cmd.Process.Pid).Scan(&ready)
		return err == nil && ready
	})
	return p
}

// stop ends p with SIGTERM and fails the test unless it exits cleanly.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		if p.err != nil {
			t.Errorf("testworker exit: %v\n%s", p.err, p.stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Errorf("testworker did not stop")
	}
}

// processSetup returns an insert-only node for queue, whose Queue knows the
// testworker's kinds, with the test tables created.
func processSetup(t *testing.T, queue string) *node {
	t.Helper()
	front := newNode(t, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	if _, err := front.pool.Exec(context.Background(), testTables); err != nil {
		front.close(t)
		t.Fatal(err)
	}
	tasks.Register(front.q, "crash", func(ctx context.Context, c crash) error { return nil })
	tasks.Register(front.q, "unique", func(ctx context.Context, u unique) error { return nil })
	return front
}

func TestKilledWorkerJobRescued(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	front := processSetup(t, queue)
	defer front.close(t)
	ctx := context.Background()

	a := startWorker(t, front.pool, queue, "-block")
	token := queue
	if err := tasks.Enqueue(ctx, front.q, "crash", crash{Token: token}, tasks.QueueName(queue)); err != nil {
		t.Fatal(err)
	}
	runs := func() []int {
		rows, err := front.pool.Query(ctx, "SELECT pid FROM river_test_crash WHERE token = $1", token)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var pids []int
		for rows.Next() {
			var pid int
			if err := rows.Scan(&pid); err != nil {
				t.Fatal(err)
			}
			pids = append(pids, pid)
		}
		return pids
	}
	waitFor(t, 60*time.Second, "process A running the job", func() bool { return len(runs()) == 1 })
	if err := a.cmd.Process.Kill(); err != nil { // SIGKILL: no clean-up, no goodbye
		t.Fatal(err)
	}
	<-a.exited
	if rows := jobs(t, front.pool, queue, "crash"); len(rows) != 1 || rows[0].State != "running" {
		t.Fatalf("after SIGKILL: %+v, want the job still marked running", rows)
	}

	b := startWorker(t, front.pool, queue, "-rescue-after", "1s")
	row := waitState(t, front.pool, queue, "crash", "completed")
	pids := runs()
	if len(pids) != 2 || pids[0] != a.cmd.Process.Pid || pids[1] != b.cmd.Process.Pid {
		t.Errorf("runs by %v, want A (%d) then B (%d)", pids, a.cmd.Process.Pid, b.cmd.Process.Pid)
	}
	if row.Attempt != 2 || row.Errors != 1 {
		t.Errorf("job = %+v, want attempt 2 after one rescue", row)
	}
	b.stop(t)
}

func TestUniqueJobTwoProcesses(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	front := processSetup(t, queue)
	defer front.close(t)
	ctx := context.Background()
	key := queue
	if _, err := front.pool.Exec(ctx, "INSERT INTO river_test_active (key, n) VALUES ($1, 0)", key); err != nil {
		t.Fatal(err)
	}
	p1 := startWorker(t, front.pool, queue)
	p2 := startWorker(t, front.pool, queue)

	enqueue := func(round int) error {
		return tasks.Enqueue(ctx, front.q, "unique", unique{Key: key, Round: round},
			tasks.QueueName(queue), tasks.UniqueKey(key))
	}
	started := func(round int) bool {
		var n int
		err := front.pool.QueryRow(ctx, "SELECT count(*) FROM river_test_unique WHERE key = $1 AND round = $2", key, round).Scan(&n)
		return err == nil && n > 0
	}
	const rounds, racers = 5, 8
	for round := 1; round <= rounds; round++ {
		// Racing enqueues of one key: one job.
		errs := make(chan error, racers)
		var wg sync.WaitGroup
		for range racers {
			wg.Go(func() { errs <- enqueue(round) })
		}
		wg.Wait()
		close(errs)
		var ok, dup int
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, tasks.ErrDuplicate):
				dup++
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 || dup != racers-1 {
			t.Fatalf("round %d: %d enqueued, %d duplicates, want 1 and %d", round, ok, dup, racers-1)
		}
		waitFor(t, 60*time.Second, fmt.Sprintf("round %d running", round), func() bool { return started(round) })
		// While it runs, in either process, the key stays taken.
		if err := enqueue(round); !errors.Is(err, tasks.ErrDuplicate) {
			t.Fatalf("round %d: enqueue while running = %v, want ErrDuplicate", round, err)
		}
		if _, err := front.pool.Exec(ctx, "INSERT INTO river_test_release (key, round) VALUES ($1, $2)", key, round); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 60*time.Second, fmt.Sprintf("round %d completed", round), func() bool {
			for _, r := range jobs(t, front.pool, queue, "unique") {
				if r.State != "completed" {
					return false
				}
			}
			return true
		})
	}
	p1.stop(t)
	p2.stop(t)

	var runs, overlaps, distinct, active int
	err := front.pool.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE overlap), count(DISTINCT round),
		       (SELECT n FROM river_test_active WHERE key = $1)
		FROM river_test_unique WHERE key = $1`, key).Scan(&runs, &overlaps, &distinct, &active)
	if err != nil {
		t.Fatal(err)
	}
	if runs != rounds || distinct != rounds || overlaps != 0 || active != 0 {
		t.Errorf("%d runs of %d rounds, %d overlapping, %d still active; want %d runs, one per round, none overlapping",
			runs, distinct, overlaps, active, rounds)
	}
	if n := len(jobs(t, front.pool, queue, "unique")); n != rounds {
		t.Errorf("%d jobs, want %d", n, rounds)
	}
}
