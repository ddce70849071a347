package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/security"
	"github.com/stdapi/stdapi/tasks"
)

// Notify is the input of POST /send-notification/{email}.
type Notify struct {
	Email string `path:"email" validate:"email" example:"bob@example.com"`
}

// ReportRequest is the input of POST /reports.
type ReportRequest struct {
	Body struct {
		Email string `json:"email" validate:"required,email" example:"bob@example.com"`
	}
}

// Report is the payload of the "items-report" job.
type Report struct {
	Email string `json:"email"`
}

// Message is a plain answer.
type Message struct {
	Message string `json:"message"`
}

// Stats is the answer of GET /stats.
type Stats struct {
	Items    int         `json:"items"`
	Mails    int         `json:"mails" doc:"The mails the outbox holds: at most its capacity, the newest"`
	Dropped  int         `json:"mails_dropped" doc:"The mails dropped from a full outbox, oldest first"`
	Jobs     tasks.Stats `json:"jobs"`
	Sessions int         `json:"open_sessions"`
	Chatters int         `json:"chatters"`
}

// MaxBacklog is the most work, in time, that the in-memory queue holds: well
// within the 15 seconds that Run gives the shutdown, so that the jobs it
// accepts drain. POST /reports answers 503 beyond it.
const MaxBacklog = 10 * time.Second

// newQueue is the one place that makes the job queue and registers its
// jobs: on backend when it is not nil (Config.Backend), in memory
// otherwise, with two workers and MaxBacklog.
func newQueue(backend tasks.Backend, db *DB, outbox *Outbox) (*tasks.Queue, error) {
	q, err := tasks.NewQueue(tasks.QueueOptions{Backend: backend, Workers: 2, MaxBacklog: MaxBacklog})
	if err != nil {
		return nil, err
	}
	tasks.Register(q, "items-report", func(ctx context.Context, r Report) error {
		n, err := db.session().Count(ctx)
		if err != nil {
			return err
		}
		return outbox.Send(ctx, Mail{To: r.Email, Subject: "Items report", Body: fmt.Sprintf("%d items in stock", n)})
	})
	return q, nil
}

func (a *App) backgroundRoutes(api *docs.API, mux *http.ServeMux, auth *auth) {
	api.Handle(mux, "POST /send-notification/{email}", bind.Handler(func(ctx context.Context, in *Notify) (Message, error) {
		err := tasks.Add(ctx, func(ctx context.Context) error {
			return a.outbox.Send(ctx, Mail{To: in.Email, Subject: "Notification", Body: "some notification"})
		}, tasks.Name("notification"))
		return Message{Message: "Notification sent in the background"}, err
	}), docs.Summary("Send a notification, after the response"), docs.Tags("background"),
		docs.Description("FastAPI's BackgroundTasks example: the mail is sent once the response is out. See it in GET /outbox, "+
			"which keeps the newest 100 mails: this endpoint needs no credentials, so the outbox it fills is bounded."))

	api.Handle(mux, "POST /reports", security.Require(auth.oauth2, "items:read")(bind.Handler(
		func(ctx context.Context, in *ReportRequest) (Message, error) {
			err := tasks.Enqueue(ctx, a.queue, "items-report", Report{Email: in.Body.Email})
			if errors.Is(err, tasks.ErrFull) {
				// No cause: a 5xx cause is logged, and an overload must
				// not flood the log.
				return Message{}, &stdapi.Error{Status: http.StatusServiceUnavailable,
					Detail: "The report queue is full: retry later", Header: http.Header{"Retry-After": {"1"}}}
			}
			return Message{Message: "Report queued"}, err
		}, bind.Status(http.StatusAccepted))),
		docs.Summary("Mail an items report, from the job queue"), docs.Tags("background"),
		docs.Description("Enqueues an items-report job, run by the queue's workers with retries. See it in GET /outbox. "+
			"The in-memory queue holds at most 10 seconds of work, so that it drains at shutdown: beyond, 503 with Retry-After."),
		docs.Response(http.StatusServiceUnavailable, nil, "The queue is full: retry after Retry-After seconds"),
		docs.ResponseHeader(http.StatusServiceUnavailable, "Retry-After", 0, "The seconds to wait before retrying"))

	api.Handle(mux, "GET /outbox", auth.throttle.Middleware(security.Require(auth.basic)(bind.Handler(
		func(context.Context, *struct{}) ([]Mail, error) { return a.outbox.Mails(), nil }))),
		docs.Summary("The mails sent, with HTTP Basic"), docs.Tags("background"),
		docs.Response(http.StatusTooManyRequests, nil, "Too many failed logins: retry after Retry-After seconds"),
		docs.ResponseHeader(http.StatusTooManyRequests, "Retry-After", 0, "The seconds left in the throttle's window"))

	sessions := a.db.Sessions()
	api.Handle(mux, "GET /stats", security.Require(auth.apiKey)(bind.Handler(
		func(ctx context.Context, _ *struct{}) (Stats, error) {
			s, err := sessions.From(ctx)
			if err != nil {
				return Stats{}, err
			}
			n, err := s.Count(ctx)
			return Stats{
				Items: n, Mails: len(a.outbox.Mails()), Dropped: a.outbox.Dropped(), Jobs: a.queue.Stats(),
				Sessions: a.db.OpenSessions(), Chatters: a.hub.Count(chatRoom),
			}, err
		})),
		docs.Summary("Service statistics, with an API key"), docs.Tags("background"))
}
