package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/stdapi/stdapi/tasks"
)

// drainQueue shuts the queue down. The jobs an in-memory queue hands back
// unfinished are appended to the jobs file, for the next start, or logged
// one by one when there is none: nothing accepted vanishes without a word.
// Saved jobs are not an error; with a durable Backend the jobs stay in the
// database and the error is the queue's.
func (a *App) drainQueue(ctx context.Context) error {
	err := a.queue.Shutdown(ctx)
	var serr *tasks.ShutdownError
	if a.durable || !errors.As(err, &serr) {
		return err
	}
	jobs := serr.Jobs()
	if a.jobsFile != "" {
		werr := saveJobs(a.jobsFile, jobs)
		if werr == nil {
			slog.Warn("showcase: the jobs not finished at shutdown are saved; the next start re-enqueues them",
				"jobs", len(jobs), "file", a.jobsFile)
			return nil
		}
		err = errors.Join(err, werr)
	}
	for _, j := range jobs {
		slog.Error("showcase: job not finished at shutdown, dropped (run with -jobs-file to keep such jobs)",
			"job", j.String(), "payload", string(j.Payload))
	}
	return err
}

// saveJobs appends jobs to the file at path, one JSON tasks.Job per line,
// and syncs it.
func saveJobs(path string, jobs []*tasks.Job) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, j := range jobs {
		if err := enc.Encode(j); err != nil {
			return fmt.Errorf("showcase: save job %s: %w", j, err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("showcase: save jobs: %w", err)
	}
	_, err = f.Write(buf.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("showcase: save jobs: %w", err)
	}
	return nil
}

// restoreJobs re-enqueues the jobs saved in the file at path, then removes
// it. A missing file is nothing to restore. When a job cannot be
// re-enqueued, the file keeps it and the jobs after it, and the error says
// so: those before it are queued already.
func restoreJobs(ctx context.Context, q *tasks.Queue, path string) (int, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("showcase: restore jobs: %w", err)
	}
	n, lineNo, offset := 0, 0, 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		lineNo++
		if len(bytes.TrimSpace(line)) == 0 {
			offset += len(line) + 1
			continue
		}
		var j tasks.Job
		err := json.Unmarshal(line, &j)
		if err == nil {
			err = q.Requeue(ctx, &j)
		}
		if err != nil {
			if werr := os.WriteFile(path, data[offset:], 0o600); werr != nil {
				err = errors.Join(err, werr)
			}
			return n, fmt.Errorf("showcase: restore jobs from %s, line %d (kept with the lines after it): %w", path, lineNo, err)
		}
		offset += len(line) + 1
		n++
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("showcase: restore jobs from %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return n, fmt.Errorf("showcase: restore jobs: %w", err)
	}
	return n, nil
}
