// Command reconnect serves a page whose EventSource reads typed events
// from a stream that ends every two events, for the headless Chromium
// check e2e/stream.mjs: the browser must reconnect each time with
// Last-Event-ID, and the server resume after it, so that the page sees
// every event once, in order. GET /seen lists the Last-Event-ID values the
// server received.
//
//	go run ./stream/internal/reconnect -addr 127.0.0.1:0
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/stream"
)

// Tick is the typed data of each event.
type Tick struct {
	N    int    `json:"n"`
	Word string `json:"word"`
}

type ticksIn struct {
	LastID int `header:"Last-Event-ID" validate:"min=0"`
}

const (
	total   = 6 // events in all
	perConn = 2 // events before each stream ends
)

const page = `<!doctype html><meta charset="utf-8"><title>reconnect</title>
<ul id="log"></ul>
<script>
window.got = [];
const es = new EventSource("/ticks");
es.addEventListener("tick", (e) => {
  const t = JSON.parse(e.data);
  window.got.push({id: e.lastEventId, n: t.n, word: t.word});
  const li = document.createElement("li");
  li.textContent = e.lastEventId + " " + t.word;
  document.getElementById("log").append(li);
  if (window.got.length === ` + "6" + `) es.close();
});
</script>`

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on")
	flag.Parse()
	var mu sync.Mutex
	seen := []int{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.Handle("GET /ticks", stream.Events(func(ctx context.Context, in *ticksIn, s *stream.Stream[Tick]) error {
		mu.Lock()
		seen = append(seen, in.LastID)
		mu.Unlock()
		if in.LastID >= total {
			return nil // 204: nothing more, the EventSource stops
		}
		for i := in.LastID + 1; i <= min(in.LastID+perConn, total); i++ {
			ev := stream.Event[Tick]{ID: strconv.Itoa(i), Name: "tick", Data: Tick{N: i, Word: "tick " + strconv.Itoa(i)}, Retry: 50 * time.Millisecond}
			if err := s.Send(ev); err != nil {
				return err
			}
		}
		return nil // the stream ends: the browser reconnects with Last-Event-ID
	}, stream.EventTypes(map[string]any{"tick": Tick{}})))
	mux.Handle("GET /seen", bind.Handler(func(ctx context.Context, _ *struct{}) ([]int, error) {
		mu.Lock()
		defer mu.Unlock()
		return append([]int(nil), seen...), nil
	}))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}
