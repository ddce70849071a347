package report

import (
	"strings"
	"testing"
	"time"
)

const benchOutput = `goos: linux
goarch: amd64
pkg: github.com/stdapi/stdapi/bench
cpu: Some CPU
BenchmarkGreeting/nethttp-2    	   10000	     20000 ns/op	     19000 cpu-ns/op	    6241 B/op	      22 allocs/op
BenchmarkGreeting/nethttp-2    	   10000	     10000 ns/op	     19000 cpu-ns/op	    6241 B/op	      22 allocs/op
BenchmarkGreeting/nethttp-2    	   10000	     12000 ns/op	     19000 cpu-ns/op	    6241 B/op	      22 allocs/op
BenchmarkGreeting/stdapi-2     	   12012	     11000 ns/op	    6242 B/op	      22 allocs/op
BenchmarkGreeting/stdapi-2: some log line
BenchmarkValidate/simple/ok/stdapi-2         	 1000000	       295.7 ns/op	       0 B/op	       0 allocs/op
BenchmarkValidate/simple/ok/playground   	  147597	      1962 ns/op	     161 B/op	      10 allocs/op
PASS
ok  	github.com/stdapi/stdapi/bench	8.156s
`

func TestParseBench(t *testing.T) {
	got, err := ParseBench(strings.NewReader(benchOutput))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name                string
		runs                int
		ns, bytes, allocsOp float64
	}{
		{"Greeting/nethttp", 3, 12000, 6241, 22},
		{"Greeting/stdapi", 1, 11000, 6242, 22},
		{"Validate/simple/ok/stdapi", 1, 295.7, 0, 0},
		{"Validate/simple/ok/playground", 1, 1962, 161, 10},
	} {
		b := got[tt.name]
		if b == nil {
			t.Errorf("%s missing from %v", tt.name, got)
			continue
		}
		if len(b.NsPerOp) != tt.runs || Median(b.NsPerOp) != tt.ns || Median(b.BytesPerOp) != tt.bytes || Median(b.AllocsPerOp) != tt.allocsOp {
			t.Errorf("%s = %+v, want %d runs, median %v ns/op, %v B/op, %v allocs/op", tt.name, b, tt.runs, tt.ns, tt.bytes, tt.allocsOp)
		}
	}
	if len(got) != 4 {
		t.Errorf("got %d benchmarks, want 4: %v", len(got), got)
	}
}

func TestParseBenchErrors(t *testing.T) {
	for _, in := range []string{
		"BenchmarkX-2 100 abc ns/op\n",
		"BenchmarkX-2 100 -5 ns/op\n",
		"BenchmarkX-2 100 1 ns/op NaN B/op\n",
	} {
		if got, err := ParseBench(strings.NewReader(in)); err == nil {
			t.Errorf("ParseBench(%q) = %v, want an error", in, got)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

const wrkOutput = `Running 5s test @ http://127.0.0.1:18081/greetings/en
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.96ms    6.63ms  56.99ms   89.68%
    Req/Sec    15.02k     6.61k   31.24k    67.50%
  Latency Distribution
     50%  812.00us
     75%    4.84ms
     90%   10.84ms
     99%    1.20s
  59956 requests in 2.00s, 7.78MB read
  Socket errors: connect 0, read 2, write 1, timeout 4
  Non-2xx or 3xx responses: 10
Requests/sec:  29906.08
Transfer/sec:      3.88MB
`

func TestParseWrk(t *testing.T) {
	got, err := ParseWrk(strings.NewReader(wrkOutput))
	if err != nil {
		t.Fatal(err)
	}
	want := Wrk{RequestsPerSec: 29906.08, P50: 812 * time.Microsecond, P99: 1200 * time.Millisecond, Errors: 17}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestParseWrkErrors(t *testing.T) {
	for _, tt := range []struct{ name, in string }{
		{"empty", ""},
		{"no latency distribution", "Requests/sec:  100.00\n"},
		{"no rate", "     50%  1.00ms\n     99%  2.00ms\n"},
		{"bad latency unit", "     50%  1.00xs\n     99%  2.00ms\nRequests/sec: 1\n"},
		{"bad latency number", "     50%  abcms\n     99%  2.00ms\nRequests/sec: 1\n"},
		{"negative rate", "     50%  1ms\n     99%  2.00ms\nRequests/sec: -1\n"},
		{"bad non-2xx", "  Non-2xx or 3xx responses: x\n     50%  1ms\n     99%  2ms\nRequests/sec: 1\n"},
	} {
		if got, err := ParseWrk(strings.NewReader(tt.in)); err == nil {
			t.Errorf("%s: ParseWrk = %+v, want an error", tt.name, got)
		}
	}
}

func TestMarkdownAndGoals(t *testing.T) {
	benches := map[string]*Bench{
		"CreateItem/nethttp":            {NsPerOp: []float64{10000}, BytesPerOp: []float64{100}, AllocsPerOp: []float64{10}},
		"CreateItem/stdapi":             {NsPerOp: []float64{11000}, BytesPerOp: []float64{90}, AllocsPerOp: []float64{9}},
		"CreateItem/huma":               {NsPerOp: []float64{12000}, BytesPerOp: []float64{1}, AllocsPerOp: []float64{1}},
		"CreateItem/gin":                {NsPerOp: []float64{10500}, BytesPerOp: []float64{1}, AllocsPerOp: []float64{1}},
		"CreateItem/echo":               {NsPerOp: []float64{13000}, BytesPerOp: []float64{1}, AllocsPerOp: []float64{1}},
		"Validate/simple/ok/stdapi":     {NsPerOp: []float64{300}, BytesPerOp: []float64{0}, AllocsPerOp: []float64{0}},
		"Validate/simple/ok/playground": {NsPerOp: []float64{2000}, BytesPerOp: []float64{160}, AllocsPerOp: []float64{10}},
		"Unrelated/stdapi":              {NsPerOp: []float64{1}},
	}
	wrk := map[string]Wrk{
		"stdapi":    {RequestsPerSec: 30000, P50: 1500 * time.Microsecond, P99: 20 * time.Millisecond},
		"nethttp":   {RequestsPerSec: 32000, P50: time.Millisecond, P99: 15 * time.Millisecond},
		"fastapi-1": {RequestsPerSec: 1500.4, P50: 30 * time.Millisecond, P99: 120 * time.Millisecond, Errors: 3},
	}
	rows := Rows(benches, wrk)
	var b strings.Builder
	if err := Markdown(&b, rows); err != nil {
		t.Fatal(err)
	}
	want := `| scenario | implementation | time/op or req/s | ratio to net/http | B/op | allocs/op | p50 | p99 |
|---|---|--:|--:|--:|--:|--:|--:|
| 2 POST /items/{id}, valid | net/http by hand | 10.0 µs | ×1.00 | 100 | 10 | | |
| 2 POST /items/{id}, valid | stdapi | 11.0 µs | ×1.10 | 90 | 9 | | |
| 2 POST /items/{id}, valid | huma v2 (humago) | 12.0 µs | ×1.20 | 1 | 1 | | |
| 2 POST /items/{id}, valid | gin | 10.5 µs | ×1.05 | 1 | 1 | | |
| 2 POST /items/{id}, valid | echo v4 | 13.0 µs | ×1.30 | 1 | 1 | | |
| 4 validate simple struct, valid (ratio to go-playground) | stdapi | 300 ns | ×0.15 | 0 | 0 | | |
| 4 validate simple struct, valid (ratio to go-playground) | go-playground/validator | 2.00 µs | ×1.00 | 160 | 10 | | |
| 6 wrk GET /greetings/en over loopback | net/http by hand | 32,000 req/s | ×1.00 | | | 1.00 ms | 15.0 ms |
| 6 wrk GET /greetings/en over loopback | stdapi | 30,000 req/s | ×0.94 | | | 1.50 ms | 20.0 ms |
| 6 wrk GET /greetings/en over loopback | FastAPI, uvicorn 1 worker | 1,500 req/s (3 errors) | ×0.05 | | | 30.0 ms | 120 ms |
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}

	b.Reset()
	if err := WriteGoals(&b, Goals(rows)); err != nil {
		t.Fatal(err)
	}
	wantGoals := `- scenario 2: stdapi at most ×1.15 net/http by hand: met (×1.10)
- scenario 2: stdapi faster than huma, gin and echo: **missed** (stdapi ×0.92 of huma, stdapi ×1.05 of gin, stdapi ×0.85 of echo)
- scenario 3: stdapi at most ×1.15 net/http by hand: **missed** (no result)
- scenario 3: stdapi faster than huma, gin and echo: **missed** (huma: no result, gin: no result, echo: no result)
- 4 validate simple struct, valid: stdapi faster than go-playground: met (×0.15)
- 4 validate complex struct, valid: stdapi faster than go-playground: **missed** (no result)
- end to end: stdapi at least 10× FastAPI/uvicorn in req/s: met (×20.0 of FastAPI, uvicorn 1 worker)
`
	if b.String() != wantGoals {
		t.Errorf("goals: got\n%s\nwant\n%s", b.String(), wantGoals)
	}
}

func FuzzParseBench(f *testing.F) {
	f.Add(benchOutput)
	f.Add("BenchmarkX-2 1 1e3 ns/op\n")
	f.Add("Benchmark-8 5 1 ns/op 2 B/op\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseBench(strings.NewReader(in))
		if err != nil {
			return
		}
		for name, b := range got {
			if name == "" {
				t.Errorf("empty benchmark name from %q", in)
			}
			for _, v := range append(append(b.NsPerOp, b.BytesPerOp...), b.AllocsPerOp...) {
				if v < 0 || v != v {
					t.Errorf("%s: value %v from %q", name, v, in)
				}
			}
		}
	})
}

func FuzzParseWrk(f *testing.F) {
	f.Add(wrkOutput)
	f.Add("     50%  1.5ms\n     99%  2.00s\nRequests/sec: 10\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseWrk(strings.NewReader(in))
		if err != nil {
			return
		}
		if got.RequestsPerSec < 0 || got.RequestsPerSec != got.RequestsPerSec || got.P50 < 0 || got.P99 < 0 {
			t.Errorf("ParseWrk(%q) = %+v", in, got)
		}
		var b strings.Builder
		if err := Markdown(&b, Rows(nil, map[string]Wrk{"stdapi": got})); err != nil {
			t.Fatal(err)
		}
	})
}
