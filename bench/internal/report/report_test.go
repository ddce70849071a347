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
BenchmarkBody/1MB/stdapi-1	4	96346 instr/op	148199 instr-gc/op
BenchmarkBody/1MB/stdapi-2	20	1000 ns/op	1048576 body-bytes
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
	if b := got["Body/1MB/stdapi"]; b == nil || Median(b.Instr) != 96346 || Median(b.InstrGC) != 148199 || Median(b.BodyBytes) != 1<<20 || Median(b.NsPerOp) != 1000 {
		t.Errorf("Body/1MB/stdapi = %+v, want the callgrind counts and the body size", b)
	}
	if len(got) != 5 {
		t.Errorf("got %d benchmarks, want 5: %v", len(got), got)
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
		"CreateItem/floor":                {NsPerOp: []float64{10000}, BytesPerOp: []float64{100}, AllocsPerOp: []float64{10}, Instr: []float64{50000}, InstrGC: []float64{80000}},
		"CreateItem/stdapi":               {NsPerOp: []float64{11000}, BytesPerOp: []float64{90}, AllocsPerOp: []float64{12}, Instr: []float64{52000}, InstrGC: []float64{88000}},
		"CreateItem/huma":                 {NsPerOp: []float64{12000}, BytesPerOp: []float64{1}, AllocsPerOp: []float64{1}, Instr: []float64{60000}},
		"CreateItem/gin":                  {NsPerOp: []float64{10500}, BytesPerOp: []float64{1}, AllocsPerOp: []float64{1}, Instr: []float64{51000}},
		"CreateItem/echo":                 {NsPerOp: []float64{13000}, BytesPerOp: []float64{1}, AllocsPerOp: []float64{1}},
		"Validate/simple/fail/stdapi":     {NsPerOp: []float64{300}, Instr: []float64{1000}, InstrGC: []float64{1200}},
		"Validate/simple/fail/playground": {NsPerOp: []float64{2000}, BytesPerOp: []float64{160}, AllocsPerOp: []float64{10}, Instr: []float64{3000}, InstrGC: []float64{3300}},
		"Body/1MB/unmarshal":              {NsPerOp: []float64{1e7}, AllocsPerOp: []float64{30000}, Instr: []float64{2e7}, InstrGC: []float64{3e7}, BodyBytes: []float64{1e6}},
		"Body/1MB/stdapi":                 {NsPerOp: []float64{2e7}, AllocsPerOp: []float64{30001}, Instr: []float64{1e7}, InstrGC: []float64{2e7}, BodyBytes: []float64{1e6}},
		"Unrelated/stdapi":                {NsPerOp: []float64{1}},
	}
	wrk := map[string]Wrk{
		"get/stdapi":     {RequestsPerSec: 30000, P50: 1500 * time.Microsecond, P99: 20 * time.Millisecond},
		"get/floor":      {RequestsPerSec: 32000, P50: time.Millisecond, P99: 15 * time.Millisecond},
		"get/fastapi-1":  {RequestsPerSec: 1500.4, P50: 30 * time.Millisecond, P99: 120 * time.Millisecond, Errors: 3},
		"get/fastapi-2":  {RequestsPerSec: 2500, P50: 20 * time.Millisecond, P99: 100 * time.Millisecond},
		"post/stdapi":    {RequestsPerSec: 20000, P50: 2 * time.Millisecond, P99: 30 * time.Millisecond},
		"post/fastapi-2": {RequestsPerSec: 2500, P50: 20 * time.Millisecond, P99: 100 * time.Millisecond},
	}
	rows := Rows(benches, wrk)
	var b strings.Builder
	if err := Markdown(&b, rows); err != nil {
		t.Fatal(err)
	}
	want := `| scenario | implementation | instr/op, GC off | ratio | instr/op, GC on | ratio | time/op | ratio | B/op | allocs/op |
|---|---|--:|--:|--:|--:|--:|--:|--:|--:|
| 2 POST /items/{id}, valid | floor: net/http, fastest by hand | 50,000 | ×1.00 | 80,000 | ×1.00 | 10.0 µs | ×1.00 | 100 | 10 |
| 2 POST /items/{id}, valid | stdapi | 52,000 | ×1.04 | 88,000 | ×1.10 | 11.0 µs | ×1.10 | 90 | 12 |
| 2 POST /items/{id}, valid | huma v2 (humago) | 60,000 | ×1.20 | n/a | n/a | 12.0 µs | ×1.20 | 1 | 1 |
| 2 POST /items/{id}, valid | gin | 51,000 | ×1.02 | n/a | n/a | 10.5 µs | ×1.05 | 1 | 1 |
| 2 POST /items/{id}, valid | echo v4 | n/a | n/a | n/a | n/a | 13.0 µs | ×1.30 | 1 | 1 |
| 4 validate simple struct, 5 errors | stdapi | 1,000 | ×0.33 | 1,200 | ×0.36 | 300 ns | ×0.15 | 0 | 0 |
| 4 validate simple struct, 5 errors | go-playground/validator | 3,000 | ×1.00 | 3,300 | ×1.00 | 2.00 µs | ×1.00 | 160 | 10 |
| 8 bind + validate a 1 MB JSON body | json.Unmarshal alone | 20,000,000 | ×1.00 | 30,000,000 | ×1.00 | 10.0 ms | ×1.00 | 0 | 30000 |
| 8 bind + validate a 1 MB JSON body | stdapi | 10,000,000 | ×0.50 | 20,000,000 | ×0.67 | 20.0 ms | ×2.00 | 0 | 30001 |

| scenario | implementation | req/s | ratio | p50 | p99 |
|---|---|--:|--:|--:|--:|
| 6 wrk GET /greetings/en | floor: net/http, fastest by hand | 32,000 req/s | ×1.00 | 1.00 ms | 15.0 ms |
| 6 wrk GET /greetings/en | stdapi | 30,000 req/s | ×0.94 | 1.50 ms | 20.0 ms |
| 6 wrk GET /greetings/en | FastAPI, uvicorn+uvloop+httptools, 1 worker | 1,500 req/s (3 errors) | ×0.05 | 30.0 ms | 120 ms |
| 6 wrk GET /greetings/en | FastAPI, uvicorn+uvloop+httptools, 2 workers | 2,500 req/s | ×0.08 | 20.0 ms | 100 ms |
| 7 wrk POST /users/me/items/42, JWT + JSON body | stdapi | 20,000 req/s | n/a | 2.00 ms | 30.0 ms |
| 7 wrk POST /users/me/items/42, JWT + JSON body | FastAPI, uvicorn+uvloop+httptools, 2 workers | 2,500 req/s | n/a | 20.0 ms | 100 ms |
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}

	b.Reset()
	if err := WriteGoals(&b, Goals(rows)); err != nil {
		t.Fatal(err)
	}
	wantGoals := `- 2 POST /items/{id}, valid: stdapi at most ×1.05 the floor in instructions: **missed** (×1.04 GC off, ×1.10 GC on)
- 2 POST /items/{id}, valid: stdapi's allocations at most the floor's + 2: met (12 against 10)
- 2 POST /items/{id}, valid: stdapi below huma, gin and echo in instructions: **missed** (×0.87 of huma, ×1.02 of gin, echo: no result)
- 3 POST /items/{id}, 3 errors, 422: stdapi at most ×1.10 the floor in instructions: **missed** (no result)
- 3 POST /items/{id}, 3 errors, 422: stdapi's allocations at most the floor's + 2: **missed** (no result)
- 3 POST /items/{id}, 3 errors, 422: stdapi below huma, gin and echo in instructions: **missed** (huma: no result, gin: no result, echo: no result)
- 4 validate simple struct, valid: stdapi at most ×1.00 go-playground in instructions: **missed** (no result)
- 4 validate simple struct, 5 errors: stdapi at most ×0.50 go-playground in instructions: met (×0.33 GC off, ×0.36 GC on)
- 4 validate complex struct, valid: stdapi at most ×1.00 go-playground in instructions: **missed** (no result)
- 4 validate complex struct, 11 errors: stdapi at most ×0.50 go-playground in instructions: **missed** (no result)
- 8 bind + validate a 64 KB JSON body: at or below json.Unmarshal alone in instructions per byte and allocations: **missed** (no result)
- 8 bind + validate a 1 MB JSON body: at or below json.Unmarshal alone in instructions per byte and allocations: **missed** (10.0 against 20.0 instr/byte GC off, 20.0 against 30.0 GC on; 30001 against 30000 allocs)
- 6 wrk GET /greetings/en: stdapi's req/s against FastAPI at its best: ×12.0 of FastAPI, uvicorn+uvloop+httptools, 2 workers
- 7 wrk POST /users/me/items/42, JWT + JSON body: stdapi's req/s against FastAPI at its best: ×8.0 of FastAPI, uvicorn+uvloop+httptools, 2 workers
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
		if err := Markdown(&b, Rows(nil, map[string]Wrk{"get/stdapi": got})); err != nil {
			t.Fatal(err)
		}
	})
}
