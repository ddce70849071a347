package stream_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/stdapi/stdapi/stream"
)

type Price struct {
	Symbol string  `json:"symbol"`
	Value  float64 `json:"value"`
}

type Watch struct {
	Symbol string `path:"symbol" validate:"min=1,max=5"`
	After  int    `header:"Last-Event-ID" validate:"min=0"`
}

func ExampleEvents() {
	mux := http.NewServeMux()
	mux.Handle("GET /prices/{symbol}", stream.Events(func(ctx context.Context, in *Watch, s *stream.Stream[Price]) error {
		for i := in.After + 1; i <= in.After+2; i++ {
			e := stream.Event[Price]{ID: strconv.Itoa(i), Data: Price{Symbol: in.Symbol, Value: float64(i)}}
			if err := s.Send(e); err != nil {
				return err
			}
		}
		return nil
	}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/prices/ACME", nil)
	req.Header.Set("Last-Event-ID", "41") // as a reconnecting EventSource does
	res, _ := http.DefaultClient.Do(req)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(res.Header.Get("Content-Type"))
	fmt.Print(string(body))
	// Output:
	// text/event-stream
	// id: 42
	// data: {"symbol":"ACME","value":42}
	//
	// id: 43
	// data: {"symbol":"ACME","value":43}
}

func ExampleLines() {
	h := stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Price, error] {
		return func(yield func(Price, error) bool) {
			if !yield(Price{"ACME", 1}, nil) || !yield(Price{"INIT", 2}, nil) {
				return
			}
			yield(Price{}, errors.New("feed lost")) // after the first item: an error line, then a truncated transfer
		}
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	res, _ := http.Get(srv.URL)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(res.Header.Get("Content-Type"))
	fmt.Print(string(body))
	fmt.Println(err)
	// Output:
	// application/jsonl
	// {"symbol":"ACME","value":1}
	// {"symbol":"INIT","value":2}
	// {"error":{"type":"about:blank","title":"Internal Server Error","status":500}}
	// unexpected EOF
}
