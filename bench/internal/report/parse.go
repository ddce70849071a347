// Package report turns the output of go test -bench and of wrk into the
// markdown table of bench/RESULTS.md.
package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bench holds the samples of one benchmark, one per -count run, and the
// instructions per operation that bench/callgrind counted, with the
// garbage collector off (Instr) and on (InstrGC).
type Bench struct {
	NsPerOp, BytesPerOp, AllocsPerOp []float64
	Instr, InstrGC                   []float64
	// BodyBytes is the size of the request body of the body benchmarks
	// (their body-bytes metric).
	BodyBytes []float64
}

// Median returns the median of samples, or 0 when there are none.
func Median(samples []float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// ParseBench reads go test -bench output and returns the samples of each
// benchmark by name, without the "Benchmark" prefix and the -GOMAXPROCS
// suffix ("Greeting/stdapi"). Lines that are not benchmark results are
// skipped; a result line with a malformed value is an error.
func ParseBench(r io.Reader) (map[string]*Bench, error) {
	out := map[string]*Bench{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a log line that starts with a benchmark's name
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		if name == "" {
			continue
		}
		b := out[name]
		if b == nil {
			b = &Bench{}
			out[name] = b
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil || !finite(v) {
				return nil, fmt.Errorf("report: line %d: bad value %q for %s", n, f[i], f[i+1])
			}
			switch f[i+1] {
			case "ns/op":
				b.NsPerOp = append(b.NsPerOp, v)
			case "B/op":
				b.BytesPerOp = append(b.BytesPerOp, v)
			case "allocs/op":
				b.AllocsPerOp = append(b.AllocsPerOp, v)
			case "instr/op":
				b.Instr = append(b.Instr, v)
			case "instr-gc/op":
				b.InstrGC = append(b.InstrGC, v)
			case "body-bytes":
				b.BodyBytes = append(b.BodyBytes, v)
			}
		}
	}
	return out, sc.Err()
}

// Wrk is the result of one wrk run.
type Wrk struct {
	RequestsPerSec float64
	P50, P99       time.Duration
	// Errors counts socket errors and non-2xx or 3xx responses.
	Errors int
}

// ParseWrk reads the output of wrk --latency. It fails when the output has
// no Requests/sec line or no 50% and 99% latencies.
func ParseWrk(r io.Reader) (Wrk, error) {
	var w Wrk
	var haveRate, have50, have99 bool
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil || !finite(v) {
				return Wrk{}, fmt.Errorf("report: wrk: bad Requests/sec %q", f[1])
			}
			w.RequestsPerSec, haveRate = v, true
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := parseWrkDuration(f[1])
			if err != nil {
				return Wrk{}, err
			}
			if f[0] == "50%" {
				w.P50, have50 = d, true
			} else {
				w.P99, have99 = d, true
			}
		case len(f) >= 2 && f[0] == "Socket" && f[1] == "errors:":
			for _, p := range f[2:] {
				n, _ := strconv.Atoi(strings.TrimSuffix(p, ","))
				w.Errors += n
			}
		case len(f) == 5 && f[0] == "Non-2xx":
			n, err := strconv.Atoi(f[4])
			if err != nil {
				return Wrk{}, fmt.Errorf("report: wrk: bad Non-2xx count %q", f[4])
			}
			w.Errors += n
		}
	}
	if err := sc.Err(); err != nil {
		return Wrk{}, err
	}
	if !haveRate || !have50 || !have99 {
		return Wrk{}, fmt.Errorf("report: wrk output without Requests/sec and 50%%/99%% latencies (run wrk with --latency)")
	}
	return w, nil
}

// finite reports whether v is a measurement: not negative, NaN or infinite.
func finite(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }

// parseWrkDuration reads wrk's latencies: 812.00us, 1.25ms, 2.00s, 3.00m.
func parseWrkDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil || !finite(v) || v > 1e6 {
				break
			}
			return time.Duration(v * float64(u.unit)), nil
		}
	}
	return 0, fmt.Errorf("report: wrk: bad latency %q", s)
}
