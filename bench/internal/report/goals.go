package report

import (
	"fmt"
	"io"
	"strings"
)

// Goal is one of the performance goals and whether a run met it.
type Goal struct {
	Text   string
	Met    bool
	Detail string
}

// Goals checks the goals against rows: stdapi at most 1.15× the
// hand-written handler and faster than huma, gin and echo on scenarios 2
// and 3; validate faster than go-playground on valid structs; stdapi
// serving at least 10× the requests per second of FastAPI under uvicorn
// (its best configuration). A goal whose figures are missing is not met.
func Goals(rows []Row) []Goal {
	find := func(scenario, key string) (Row, bool) {
		for _, r := range rows {
			if r.Scenario == scenario && r.Key == key {
				return r, true
			}
		}
		return Row{}, false
	}
	var goals []Goal
	for _, sc := range scenarios[1:3] {
		s, ok := find(sc.label, "stdapi")
		g := Goal{Text: fmt.Sprintf("scenario %s: stdapi at most ×1.15 net/http by hand", sc.label[:1]), Detail: "no result"}
		if ok && s.Ratio > 0 {
			g.Met, g.Detail = s.Ratio <= 1.15, fmt.Sprintf("×%.2f", s.Ratio)
		}
		goals = append(goals, g)
		g = Goal{Text: fmt.Sprintf("scenario %s: stdapi faster than huma, gin and echo", sc.label[:1]), Met: ok}
		var details []string
		for _, peer := range []string{"huma", "gin", "echo"} {
			p, found := find(sc.label, peer)
			if !ok || !found {
				g.Met = false
				details = append(details, peer+": no result")
				continue
			}
			if s.Value >= p.Value {
				g.Met = false
			}
			details = append(details, fmt.Sprintf("%s ×%.2f of %s", "stdapi", s.Value/p.Value, peer))
		}
		g.Detail = strings.Join(details, ", ")
		goals = append(goals, g)
	}
	for _, sc := range []scenario{scenarios[3], scenarios[5]} {
		s, ok := find(sc.label, "stdapi")
		label, _, _ := strings.Cut(sc.label, " (")
		g := Goal{Text: label + ": stdapi faster than go-playground", Detail: "no result"}
		if ok && s.Ratio > 0 {
			g.Met, g.Detail = s.Ratio < 1, fmt.Sprintf("×%.2f", s.Ratio)
		}
		goals = append(goals, g)
	}
	s, ok := find(WrkScenario, "stdapi")
	g := Goal{Text: "end to end: stdapi at least 10× FastAPI/uvicorn in req/s", Detail: "no result"}
	var best Row
	for _, r := range rows {
		if r.Scenario == WrkScenario && strings.HasPrefix(r.Key, "fastapi") && r.Value > best.Value {
			best = r
		}
	}
	if ok && best.Value > 0 {
		x := s.Value / best.Value
		g.Met, g.Detail = x >= 10, fmt.Sprintf("×%.1f of %s", x, best.Impl)
	}
	return append(goals, g)
}

// WriteGoals writes goals as a markdown list.
func WriteGoals(w io.Writer, goals []Goal) error {
	var b strings.Builder
	for _, g := range goals {
		mark := "met"
		if !g.Met {
			mark = "**missed**"
		}
		fmt.Fprintf(&b, "- %s: %s (%s)\n", g.Text, mark, g.Detail)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
