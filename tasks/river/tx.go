package river

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/stdapi/stdapi/tasks"
)

// EnqueueTx enqueues a job of the given kind with payload inside tx, the
// caller's transaction: the job exists if and only if tx commits, and no
// worker sees it before then. It checks kind and payload as tasks.Enqueue
// does and takes the same options.
//
//	tx, err := pool.Begin(ctx)
//	...
//	_, err = tx.Exec(ctx, "INSERT INTO users (email) VALUES ($1)", email)
//	...
//	err = river.EnqueueTx(ctx, tx, q, "welcome-email", Welcome{Email: email})
//	...
//	err = tx.Commit(ctx)
//
// It returns ErrNotRiver when q's backend is not a running Backend, and
// otherwise the errors of tasks.Enqueue. A unique key in use gives
// tasks.ErrDuplicate without aborting tx.
func EnqueueTx[P any](ctx context.Context, tx pgx.Tx, q *tasks.Queue, kind string, payload P, opts ...tasks.EnqueueOption) error {
	if tx == nil {
		return errors.New("tasks/river: EnqueueTx with a nil transaction")
	}
	if _, err := backendOf(q); err != nil {
		return err
	}
	return tasks.Enqueue(context.WithValue(ctx, txKey{}, tx), q, kind, payload, opts...)
}

// txKey carries the transaction of EnqueueTx through tasks.Enqueue to
// Backend.Enqueue.
type txKey struct{}

// prepareKey asks Backend.Enqueue to hand the job that tasks.Enqueue built
// back in a *prepared instead of inserting it, so that Add can check a job
// at once and insert it later.
type prepareKey struct{}

type prepared struct{ job *tasks.Job }

var errPrepared = errors.New("tasks/river: job prepared")
