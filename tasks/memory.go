package tasks

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// memory is the in-memory Backend: a bounded buffer served by a fixed set of
// workers, with retries and run-at times handled by one sleeping goroutine
// per delayed job.
type memory struct {
	worker   Worker
	buf      chan *Job
	workers  []*memWorker
	failFast bool
	budget   time.Duration // QueueOptions.MaxBacklog; 0 when unbounded
	backoff  Backoff
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	rand     func() float64

	life context.Context // parent of attempts and sleeps; cancelled when Shutdown ends
	end  context.CancelFunc

	mu       sync.Mutex
	closed   bool          // Shutdown has begun: no more jobs accepted
	closing  chan struct{} // closed with closed, to release waiting Enqueues
	unique   map[string]struct{}
	leftover []*Job // delayed jobs stopped by a hard stop
	returned []*Job // jobs a worker took from the full buffer during a hard stop
	hard     atomic.Bool

	mean        atomic.Int64 // moving mean of attempt durations, ns; 0 until one is measured
	nextID      atomic.Uint64
	outstanding tracker // accepted jobs not finished
	senders     tracker // Enqueue calls between intake and the buffer
	sleepers    tracker // goroutines holding a delayed job
}

// memWorker is one worker goroutine. Its lock is uncontended except during
// a hard stop, when Shutdown reads which job it holds.
type memWorker struct {
	mu      sync.Mutex
	cur     *Job // the job being run, or left unresolved by a hard stop
	stopped bool
	exited  chan struct{}
	// ctx is the parent of w's attempts: a child of the backend's life of
	// its own, so that attempts starting on different workers do not
	// contend for one parent's lock.
	ctx    context.Context
	cancel context.CancelFunc
}

func newMemory(opts QueueOptions) *memory {
	m := &memory{
		buf:      make(chan *Job, orDefault(opts.Buffer, DefaultBuffer)),
		workers:  make([]*memWorker, orDefault(opts.Workers, DefaultWorkers)),
		failFast: opts.FailFast,
		budget:   max(opts.MaxBacklog, 0),
		backoff:  opts.Backoff,
		now:      opts.Now,
		sleep:    opts.Sleep,
		rand:     opts.Rand,
		closing:  make(chan struct{}),
		unique:   map[string]struct{}{},
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.sleep == nil {
		m.sleep = sleep
	}
	if m.rand == nil {
		m.rand = defaultRand
	}
	m.life, m.end = context.WithCancel(context.Background())
	return m
}

// orDefault returns v, or def when v is not positive.
func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *memory) Start(w Worker) error {
	if m.worker != nil {
		return errors.New("tasks: in-memory backend started twice")
	}
	m.worker = w
	for i := range m.workers {
		mw := &memWorker{exited: make(chan struct{})}
		mw.ctx, mw.cancel = context.WithCancel(m.life)
		m.workers[i] = mw
		go m.work(mw)
	}
	return nil
}

// Len reports the jobs waiting: in the buffer, or for a retry or run-at time.
func (m *memory) Len() int { return len(m.buf) + int(m.sleepers.count()) }

func (m *memory) Enqueue(ctx context.Context, job *Job) error { return m.enqueue(ctx, job, true) }

// enqueue accepts job; admit applies MaxBacklog, which Queue.Requeue
// skips: its jobs were accepted once already.
func (m *memory) enqueue(ctx context.Context, job *Job, admit bool) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	if admit && m.overBudget() {
		m.mu.Unlock()
		return ErrFull
	}
	if job.UniqueKey != "" {
		if _, dup := m.unique[job.UniqueKey]; dup {
			m.mu.Unlock()
			return ErrDuplicate
		}
		m.unique[job.UniqueKey] = struct{}{}
	}
	m.outstanding.add(1)
	m.senders.add(1)
	m.mu.Unlock()
	defer m.senders.add(-1)

	job.ID = strconv.FormatUint(m.nextID.Add(1), 10)
	job.Attempt = 0
	if !job.RunAt.IsZero() {
		if d := job.RunAt.Sub(m.now()); d > 0 {
			if m.delay(job, d) {
				return nil
			}
			m.finish(job)
			return ErrClosed
		}
	}
	err := m.push(ctx, job)
	if err != nil {
		m.finish(job)
	}
	return err
}

// overBudget reports whether one more job would take the work held past
// MaxBacklog: the jobs accepted and not waiting for a time (in the buffer,
// running, or being pushed), plus this one, at the mean attempt duration,
// shared by the workers.
func (m *memory) overBudget() bool {
	mean := m.mean.Load()
	if m.budget == 0 || mean == 0 {
		return false
	}
	ahead := m.outstanding.count() - m.sleepers.count() + 1
	return time.Duration(ahead*mean/int64(len(m.workers))) > m.budget
}

// observe folds the duration of one finished attempt into the moving mean,
// weighing the newest attempt 1/8.
func (m *memory) observe(d time.Duration) {
	d = max(d, 1)
	for {
		old := m.mean.Load()
		next := int64(d)
		if old != 0 {
			next = old + (next-old)/8
		}
		if m.mean.CompareAndSwap(old, next) {
			return
		}
	}
}

func (m *memory) push(ctx context.Context, job *Job) error {
	if m.failFast {
		select {
		case m.buf <- job:
			return nil
		default:
			return ErrFull
		}
	}
	select {
	case m.buf <- job:
		return nil
	default:
	}
	select {
	case m.buf <- job:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-m.closing:
		return ErrClosed
	}
}

// finish forgets a job that completed, failed for good, or was refused.
func (m *memory) finish(job *Job) {
	if job.UniqueKey != "" {
		m.mu.Lock()
		delete(m.unique, job.UniqueKey)
		m.mu.Unlock()
	}
	m.outstanding.add(-1)
}

// delay hands job to a goroutine that puts it into the buffer after d. It
// reports false, keeping nothing, during a hard stop.
func (m *memory) delay(job *Job, d time.Duration) bool {
	m.mu.Lock()
	if m.hard.Load() {
		m.mu.Unlock()
		return false
	}
	m.sleepers.add(1)
	m.mu.Unlock()
	go func() {
		defer m.sleepers.add(-1)
		if m.sleep(m.life, d) == nil {
			select {
			case m.buf <- job:
				return
			case <-m.life.Done():
			}
		}
		m.mu.Lock()
		m.leftover = append(m.leftover, job)
		m.mu.Unlock()
	}()
	return true
}

func (m *memory) work(w *memWorker) {
	defer close(w.exited)
	defer w.cancel()
	for {
		select {
		case job := <-m.buf:
			if !m.begin(w, job) {
				return
			}
			if !m.run(w, job) {
				return
			}
		case <-m.life.Done():
			return
		}
	}
}

// begin makes job w's current job, or, during a hard stop, hands it back
// and reports false.
func (m *memory) begin(w *memWorker, job *Job) bool {
	w.mu.Lock()
	if w.stopped || m.hard.Load() {
		w.mu.Unlock()
		select {
		case m.buf <- job:
		default:
			m.mu.Lock()
			m.returned = append(m.returned, job)
			m.mu.Unlock()
		}
		return false
	}
	w.cur = job
	w.mu.Unlock()
	return true
}

// run runs one attempt of job and resolves it: done, or delayed for a
// retry. It reports whether w may go on. A job that a hard stop leaves
// unresolved stays w's current job, for Shutdown to report: an attempt
// that failed because the hard stop cancelled it, even the last one, is
// handed back rather than given up.
func (m *memory) run(w *memWorker, job *Job) bool {
	job.Attempt++
	var start time.Time
	if m.budget > 0 {
		start = m.now()
	}
	err := m.worker.Work(w.ctx, job)
	if err != nil && w.ctx.Err() != nil {
		return false
	}
	if m.budget > 0 {
		m.observe(m.now().Sub(start))
	}
	if err != nil && ShouldRetry(job, err) {
		w.mu.Lock()
		stopped := w.stopped
		w.mu.Unlock()
		if stopped || !m.delay(job, m.backoff.Delay(job.Attempt, m.rand())) {
			return false
		}
	} else {
		m.finish(job)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cur = nil
	return !w.stopped
}

func (m *memory) Shutdown(ctx context.Context) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.closed = true
	close(m.closing)
	m.mu.Unlock()

	err := m.outstanding.wait(ctx)
	if err == nil {
		m.end()
		for _, w := range m.workers {
			<-w.exited
		}
		// Sleepers that handed their job over may not have exited yet.
		_ = m.sleepers.wait(context.Background())
		return nil
	}

	// Hard stop: nothing starts any more, attempts in progress and sleeps
	// are cancelled, and every job not finished is collected exactly once.
	m.mu.Lock()
	m.hard.Store(true)
	m.mu.Unlock()
	m.end()
	_ = m.senders.wait(context.Background())
	_ = m.sleepers.wait(context.Background())
	serr := &ShutdownError{Err: err}
	for _, w := range m.workers {
		w.mu.Lock()
		w.stopped = true
		cur := w.cur
		w.mu.Unlock()
		if cur != nil {
			serr.Running = append(serr.Running, cur)
			continue
		}
		<-w.exited
	}
	for {
		select {
		case job := <-m.buf:
			serr.Queued = append(serr.Queued, job)
			continue
		default:
		}
		break
	}
	m.mu.Lock()
	serr.Queued = append(serr.Queued, m.returned...)
	serr.Delayed = m.leftover
	m.leftover, m.returned = nil, nil
	m.mu.Unlock()
	return serr
}
