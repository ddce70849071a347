package app

import (
	"context"
	"iter"
	"net/http"
	"strconv"
	"sync"

	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/security"
	"github.com/stdapi/stdapi/stream"
	"github.com/stdapi/stdapi/templates"
)

// ItemRef names a deleted item.
type ItemRef struct {
	ID int64 `json:"id" example:"1"`
}

// FeedIn is the input of GET /items/changes: where a reconnecting
// EventSource left off.
type FeedIn struct {
	LastEventID int64 `header:"Last-Event-ID" validate:"min=0" doc:"The id of the last change seen; sent by EventSource when it reconnects"`
}

// ExportIn is the input of GET /items/export.
type ExportIn struct {
	PageSize int `query:"page_size" default:"100" validate:"min=1,max=1000" doc:"Items read from the database at a time"`
}

// change is one entry of the change log.
type change struct {
	seq  int64
	name string // created, updated, deleted
	data any    // Item or ItemRef
}

// changeLog keeps the latest item changes, so that a feed that reconnects
// with Last-Event-ID gets what it missed, and wakes the feeds on news.
type changeLog struct {
	mu      sync.Mutex
	seq     int64
	entries []change      // the last maxChanges, oldest first
	news    chan struct{} // closed and replaced on every change
}

const maxChanges = 256

func newChangeLog() *changeLog { return &changeLog{news: make(chan struct{})} }

func (l *changeLog) add(name string, data any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.entries = append(l.entries, change{seq: l.seq, name: name, data: data})
	if len(l.entries) > maxChanges {
		l.entries = l.entries[len(l.entries)-maxChanges:]
	}
	close(l.news)
	l.news = make(chan struct{})
}

// since returns the changes after seq and a channel closed on the next one.
func (l *changeLog) since(seq int64) ([]change, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []change
	for _, c := range l.entries {
		if c.seq > seq {
			out = append(out, c)
		}
	}
	return out, l.news
}

// feed streams item changes as named server-sent events with their
// sequence number as id, replaying those after Last-Event-ID.
func (a *App) feed(ctx context.Context, in *FeedIn, s *stream.Stream[any]) error {
	if err := s.Open(); err != nil {
		return err
	}
	last := in.LastEventID
	for {
		changes, news := a.changes.since(last)
		for _, c := range changes {
			err := s.Send(stream.Event[any]{ID: strconv.FormatInt(c.seq, 10), Name: c.name, Data: c.data})
			if err != nil {
				return err
			}
			last = c.seq
		}
		select {
		case <-news:
		case <-ctx.Done():
			return nil
		case <-a.closing: // shutting down: the browser reconnects elsewhere, or later
			return nil
		}
	}
}

func (a *App) feedRoutes(api *docs.API, mux *http.ServeMux, auth *auth, t *templates.Templates) {
	sessions := a.db.Sessions()
	api.Handle(mux, "GET /feed", t.Page("feed.html", nil),
		docs.Summary("The live feed page (HTML)"), docs.Tags("feed"),
		docs.ResponseMedia(http.StatusOK, "text/html", "The page"))

	api.Handle(mux, "GET /items/changes", stream.Events(a.feed, stream.EventTypes(map[string]any{
		"created": Item{}, "updated": Item{}, "deleted": ItemRef{},
	})), docs.Summary("Item changes, live (server-sent events)"), docs.Tags("feed"),
		docs.Description("Public, since a browser's EventSource cannot send an Authorization header. "+
			"Each event's id is the change's sequence number: a client that reconnects with "+
			"Last-Event-ID gets the changes it missed (the last 256)."))

	export := stream.Lines(func(ctx context.Context, in *ExportIn) iter.Seq2[Item, error] {
		return func(yield func(Item, error) bool) {
			s, err := sessions.From(ctx)
			if err != nil {
				yield(Item{}, err)
				return
			}
			for skip := 0; ; skip += in.PageSize {
				page, err := s.List(ctx, skip, in.PageSize)
				if err != nil {
					yield(Item{}, err)
					return
				}
				for _, it := range page {
					if !yield(it, nil) {
						return
					}
				}
				if len(page) < in.PageSize {
					return
				}
			}
		}
	})
	api.Handle(mux, "GET /items/export", security.Require(auth.oauth2, "items:read")(export),
		docs.Summary("Export every item (JSON Lines)"), docs.Tags("feed"),
		docs.Description("One item per line, streamed as read: `curl -N -H 'Authorization: Bearer TOKEN' URL`."))
}
