package report

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Row is one line of the results table: one implementation in one
// scenario.
type Row struct {
	Scenario string
	// Impl is the implementation's display name.
	Impl string
	// Key is the implementation's short name: nethttp, stdapi, huma, gin,
	// echo, playground, fastapi-1, fastapi-2.
	Key string
	// Value is ns/op for Go benchmarks, requests per second for wrk runs.
	Value float64
	// PerSec is true for wrk rows.
	PerSec bool
	// Ratio is Value divided by the baseline's Value (0 when the scenario
	// has no baseline result).
	Ratio float64
	// BytesPerOp and AllocsPerOp are the memory figures of Go benchmarks.
	BytesPerOp, AllocsPerOp float64
	// P50, P99 and Errors are the figures of wrk runs.
	P50, P99 time.Duration
	Errors   int
}

// scenario describes one group of rows: the benchmarks whose names start
// with prefix, compared with the one named prefix+baseline.
type scenario struct {
	label, prefix, baseline string
}

var scenarios = []scenario{
	{"1 GET /greetings/{lang}", "Greeting/", "nethttp"},
	{"2 POST /items/{id}, valid", "CreateItem/", "nethttp"},
	{"3 POST /items/{id}, 3 errors, 422", "CreateItemInvalid/", "nethttp"},
	{"4 validate simple struct, valid (ratio to go-playground)", "Validate/simple/ok/", "playground"},
	{"4 validate simple struct, 5 errors (ratio to go-playground)", "Validate/simple/fail/", "playground"},
	{"4 validate complex struct, valid (ratio to go-playground)", "Validate/complex/ok/", "playground"},
	{"4 validate complex struct, 11 errors (ratio to go-playground)", "Validate/complex/fail/", "playground"},
	{"5 GET /users/me, HS256 bearer JWT", "Protected/", "nethttp"},
}

// WrkScenario labels the end-to-end rows.
const WrkScenario = "6 wrk GET /greetings/en over loopback"

// order is the order of implementations within a scenario.
var order = []string{"nethttp", "stdapi", "playground", "huma", "gin", "echo", "fastapi-1", "fastapi-2"}

var display = map[string]string{
	"nethttp":    "net/http by hand",
	"stdapi":     "stdapi",
	"playground": "go-playground/validator",
	"huma":       "huma v2 (humago)",
	"gin":        "gin",
	"echo":       "echo v4",
	"fastapi-1":  "FastAPI, uvicorn 1 worker",
	"fastapi-2":  "FastAPI, uvicorn 2 workers",
}

// Display returns the display name of an implementation's short name.
func Display(key string) string {
	if d, ok := display[key]; ok {
		return d
	}
	return key
}

func rank(key string) int {
	for i, k := range order {
		if k == key {
			return i
		}
	}
	return len(order)
}

// Rows builds the table's rows from benchmark results and wrk runs (by
// short name), in scenario order.
func Rows(benches map[string]*Bench, wrk map[string]Wrk) []Row {
	var rows []Row
	for _, sc := range scenarios {
		var group []Row
		for name, b := range benches {
			key, ok := strings.CutPrefix(name, sc.prefix)
			if !ok || strings.Contains(key, "/") || len(b.NsPerOp) == 0 {
				continue
			}
			group = append(group, Row{Scenario: sc.label, Impl: Display(key), Key: key,
				Value: Median(b.NsPerOp), BytesPerOp: Median(b.BytesPerOp), AllocsPerOp: Median(b.AllocsPerOp)})
		}
		rows = append(rows, withRatios(group, sc.baseline)...)
	}
	var group []Row
	for key, w := range wrk {
		group = append(group, Row{Scenario: WrkScenario, Impl: Display(key), Key: key, Value: w.RequestsPerSec,
			PerSec: true, P50: w.P50, P99: w.P99, Errors: w.Errors})
	}
	return append(rows, withRatios(group, "nethttp")...)
}

func withRatios(group []Row, baseline string) []Row {
	slices.SortFunc(group, byRank)
	var base float64
	for _, r := range group {
		if r.Key == baseline {
			base = r.Value
		}
	}
	for i := range group {
		if base > 0 {
			group[i].Ratio = group[i].Value / base
		}
	}
	return group
}

func byRank(a, b Row) int {
	if c := cmp.Compare(rank(a.Key), rank(b.Key)); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// Markdown writes rows as one markdown table.
func Markdown(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString("| scenario | implementation | time/op or req/s | ratio to net/http | B/op | allocs/op | p50 | p99 |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rows {
		ratio := "n/a"
		if r.Ratio > 0 {
			ratio = "×" + strconv.FormatFloat(r.Ratio, 'f', 2, 64)
		}
		if r.PerSec {
			value := formatRate(r.Value)
			if r.Errors > 0 {
				value += fmt.Sprintf(" (%d errors)", r.Errors)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | | | %s | %s |\n", r.Scenario, r.Impl, value, ratio,
				formatLatency(r.P50), formatLatency(r.P99))
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.0f | %.0f | | |\n", r.Scenario, r.Impl, formatNs(r.Value), ratio,
			r.BytesPerOp, r.AllocsPerOp)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// formatNs writes a duration in ns with three significant digits.
func formatNs(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return sig3(ns/1e3) + " µs"
	default:
		return sig3(ns/1e6) + " ms"
	}
}

func sig3(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func formatLatency(d time.Duration) string { return formatNs(float64(d.Nanoseconds())) }

// formatRate writes requests per second rounded, with thousands separated.
func formatRate(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + " req/s"
}
