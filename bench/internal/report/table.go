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

// Row is one line of the results tables: one implementation in one
// scenario.
type Row struct {
	Scenario string
	// Impl is the implementation's display name.
	Impl string
	// Key is the implementation's short name: floor, nethttp, stdapi,
	// huma, gin, echo, playground, unmarshal, fastapi.
	Key string
	// Value is ns/op for Go benchmarks, requests per second for wrk runs.
	Value float64
	// PerSec is true for wrk rows.
	PerSec bool
	// Ratio is Value divided by the baseline's Value, and InstrRatio and
	// InstrGCRatio the same for Instr and InstrGC (0 when the baseline has
	// no such figure).
	Ratio, InstrRatio, InstrGCRatio float64
	// Instr and InstrGC are instructions per operation, the garbage
	// collector off and on (0 when not counted).
	Instr, InstrGC float64
	// BytesPerOp and AllocsPerOp are the memory figures of Go benchmarks;
	// BodyBytes the request body's size, when the benchmark reports it.
	BytesPerOp, AllocsPerOp, BodyBytes float64
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
	{"1 GET /greetings/{lang}", "Greeting/", "floor"},
	{"2 POST /items/{id}, valid", "CreateItem/", "floor"},
	{"3 POST /items/{id}, 3 errors, 422", "CreateItemInvalid/", "floor"},
	{"4 validate simple struct, valid", "Validate/simple/ok/", "playground"},
	{"4 validate simple struct, 5 errors", "Validate/simple/fail/", "playground"},
	{"4 validate complex struct, valid", "Validate/complex/ok/", "playground"},
	{"4 validate complex struct, 11 errors", "Validate/complex/fail/", "playground"},
	{"5 GET /users/me, HS256 bearer JWT", "Protected/", "floor"},
	{"7 POST /users/me/items/{id}, JWT + JSON body", "ProtectedItem/", "floor"},
	{"8 bind + validate a 64 KB JSON body", "Body/64KB/", "unmarshal"},
	{"8 bind + validate a 1 MB JSON body", "Body/1MB/", "unmarshal"},
}

// The end-to-end scenarios: wrk keys are "get/IMPL" and "post/IMPL".
// wrkScenario is an end-to-end scenario: its label, and the prefix of its
// wrk result names (get/IMPL, post/IMPL).
type wrkScenario struct{ label, prefix string }

var wrkScenarios = []wrkScenario{
	{"6 wrk GET /greetings/en", "get/"},
	{"7 wrk POST /users/me/items/42, JWT + JSON body", "post/"},
}

// order is the order of implementations within a scenario.
var order = []string{"floor", "nethttp", "unmarshal", "stdapi", "playground", "huma", "gin", "echo", "fastapi"}

var display = map[string]string{
	"floor":      "floor: net/http, fastest by hand",
	"nethttp":    "net/http, idiomatic by hand",
	"stdapi":     "stdapi",
	"playground": "go-playground/validator",
	"unmarshal":  "json.Unmarshal alone",
	"huma":       "huma v2 (humago)",
	"gin":        "gin",
	"echo":       "echo v4",
}

// Display returns the display name of an implementation's short name;
// "fastapi-N" is FastAPI under uvicorn with N workers.
func Display(key string) string {
	if d, ok := display[key]; ok {
		return d
	}
	if n, ok := strings.CutPrefix(key, "fastapi-"); ok {
		if n == "1" {
			return "FastAPI, uvicorn+uvloop+httptools, 1 worker"
		}
		return "FastAPI, uvicorn+uvloop+httptools, " + n + " workers"
	}
	return key
}

func rank(key string) int {
	key, _, _ = strings.Cut(key, "-")
	for i, k := range order {
		if k == key {
			return i
		}
	}
	return len(order)
}

// Rows builds the tables' rows from benchmark results and wrk runs (by
// "get/IMPL" or "post/IMPL"), in scenario order.
func Rows(benches map[string]*Bench, wrk map[string]Wrk) []Row {
	var rows []Row
	for _, sc := range scenarios {
		var group []Row
		for name, b := range benches {
			key, ok := strings.CutPrefix(name, sc.prefix)
			if !ok || strings.Contains(key, "/") || len(b.NsPerOp)+len(b.Instr) == 0 {
				continue
			}
			group = append(group, Row{Scenario: sc.label, Impl: Display(key), Key: key,
				Value: Median(b.NsPerOp), BytesPerOp: Median(b.BytesPerOp), AllocsPerOp: Median(b.AllocsPerOp),
				Instr: Median(b.Instr), InstrGC: Median(b.InstrGC), BodyBytes: Median(b.BodyBytes)})
		}
		rows = append(rows, withRatios(group, sc.baseline)...)
	}
	for _, sc := range wrkScenarios {
		var group []Row
		for name, w := range wrk {
			key, ok := strings.CutPrefix(name, sc.prefix)
			if !ok {
				continue
			}
			group = append(group, Row{Scenario: sc.label, Impl: Display(key), Key: key, Value: w.RequestsPerSec,
				PerSec: true, P50: w.P50, P99: w.P99, Errors: w.Errors})
		}
		rows = append(rows, withRatios(group, "floor")...)
	}
	return rows
}

func withRatios(group []Row, baseline string) []Row {
	slices.SortFunc(group, byRank)
	var base Row
	for _, r := range group {
		if r.Key == baseline {
			base = r
		}
	}
	div := func(a, b float64) float64 {
		if a > 0 && b > 0 {
			return a / b
		}
		return 0
	}
	for i := range group {
		group[i].Ratio = div(group[i].Value, base.Value)
		group[i].InstrRatio = div(group[i].Instr, base.Instr)
		group[i].InstrGCRatio = div(group[i].InstrGC, base.InstrGC)
	}
	return group
}

func byRank(a, b Row) int {
	if c := cmp.Compare(rank(a.Key), rank(b.Key)); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// Markdown writes rows as two markdown tables: the Go benchmarks, with
// instructions per operation first, then the wrk runs.
func Markdown(w io.Writer, rows []Row) error {
	var b strings.Builder
	var bench, wrk []Row
	for _, r := range rows {
		if r.PerSec {
			wrk = append(wrk, r)
		} else {
			bench = append(bench, r)
		}
	}
	if len(bench) > 0 {
		b.WriteString("| scenario | implementation | instr/op, GC off | ratio | instr/op, GC on | ratio | time/op | ratio | B/op | allocs/op |\n")
		b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, r := range bench {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f |\n", r.Scenario, r.Impl,
				formatCount(r.Instr), formatRatio(r.InstrRatio), formatCount(r.InstrGC), formatRatio(r.InstrGCRatio),
				formatNs(r.Value), formatRatio(r.Ratio), r.BytesPerOp, r.AllocsPerOp)
		}
	}
	if len(wrk) > 0 {
		if len(bench) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("| scenario | implementation | req/s | ratio | p50 | p99 |\n")
		b.WriteString("|---|---|--:|--:|--:|--:|\n")
		for _, r := range wrk {
			value := formatRate(r.Value)
			if r.Errors > 0 {
				value += fmt.Sprintf(" (%d errors)", r.Errors)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.Scenario, r.Impl, value, formatRatio(r.Ratio),
				formatLatency(r.P50), formatLatency(r.P99))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatRatio(v float64) string {
	if v <= 0 {
		return "n/a"
	}
	return "×" + strconv.FormatFloat(v, 'f', 2, 64)
}

// formatCount writes an instruction count rounded, with thousands
// separated, or "n/a" when not counted.
func formatCount(v float64) string {
	if v <= 0 {
		return "n/a"
	}
	return thousands(int64(math.Round(v)))
}

// formatNs writes a duration in ns with three significant digits.
func formatNs(ns float64) string {
	switch {
	case ns <= 0:
		return "n/a"
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
func formatRate(v float64) string { return thousands(int64(math.Round(v))) + " req/s" }

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
