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
	// Info marks a figure the issue asks to report without a target, such
	// as the ratio to FastAPI: it is neither met nor missed.
	Info bool
}

// Goals checks the goals against rows, in instructions per
// operation (bench/callgrind's counts, garbage collector off and on),
// which a shared machine does not disturb:
//   - scenario 2 at most ×1.05 the floor, scenario 3 at most ×1.10, and
//     in both at most the floor's allocations + 2; stdapi below huma, gin
//     and echo there;
//   - validate on failing input at most half go-playground's, and below
//     it on valid input;
//   - bind + validate of the 64 KB and 1 MB bodies at or below
//     json.Unmarshal alone in instructions per byte and in allocations;
//   - and reports, with no target (the issue sets none), stdapi's
//     requests per second end to end as a multiple of FastAPI at its best.
//
// A goal whose figures are missing is not met.
func Goals(rows []Row) []Goal {
	find := func(label, key string) (Row, bool) {
		for _, r := range rows {
			if r.Scenario == label && r.Key == key {
				return r, true
			}
		}
		return Row{}, false
	}
	var goals []Goal
	// atMost is a goal on stdapi's instruction ratios in scenario sc.
	atMost := func(sc scenario, limit float64, what string) {
		g := Goal{Text: fmt.Sprintf("%s: stdapi at most ×%.2f %s in instructions", sc.label, limit, what), Detail: "no result"}
		if s, ok := find(sc.label, "stdapi"); ok && s.InstrRatio > 0 && s.InstrGCRatio > 0 {
			g.Met = s.InstrRatio <= limit && s.InstrGCRatio <= limit
			g.Detail = fmt.Sprintf("×%.2f GC off, ×%.2f GC on", s.InstrRatio, s.InstrGCRatio)
		}
		goals = append(goals, g)
	}
	for _, c := range []struct {
		sc    scenario
		limit float64
	}{{scenarios[1], 1.05}, {scenarios[2], 1.10}} {
		atMost(c.sc, c.limit, "the floor")
		s, ok := find(c.sc.label, "stdapi")
		f, fok := find(c.sc.label, "floor")
		g := Goal{Text: c.sc.label + ": stdapi's allocations at most the floor's + 2", Detail: "no result"}
		if ok && fok {
			g.Met = s.AllocsPerOp <= f.AllocsPerOp+2
			g.Detail = fmt.Sprintf("%.0f against %.0f", s.AllocsPerOp, f.AllocsPerOp)
		}
		goals = append(goals, g)
		g = Goal{Text: c.sc.label + ": stdapi below huma, gin and echo in instructions", Met: ok}
		var details []string
		for _, peer := range []string{"huma", "gin", "echo"} {
			p, found := find(c.sc.label, peer)
			if !ok || !found || p.Instr == 0 || s.Instr == 0 {
				g.Met = false
				details = append(details, peer+": no result")
				continue
			}
			g.Met = g.Met && s.Instr < p.Instr
			details = append(details, fmt.Sprintf("×%.2f of %s", s.Instr/p.Instr, peer))
		}
		g.Detail = strings.Join(details, ", ")
		goals = append(goals, g)
	}
	for _, sc := range scenarios[3:7] {
		if strings.HasSuffix(sc.label, "valid") {
			atMost(sc, 1, "go-playground")
		} else {
			atMost(sc, 0.5, "go-playground")
		}
	}
	for _, sc := range scenarios[9:11] {
		s, ok := find(sc.label, "stdapi")
		u, uok := find(sc.label, "unmarshal")
		g := Goal{Text: sc.label + ": at or below json.Unmarshal alone in instructions per byte and allocations", Detail: "no result"}
		if ok && uok && s.Instr > 0 && u.Instr > 0 && s.BodyBytes > 0 {
			g.Met = s.Instr <= u.Instr && s.InstrGC <= u.InstrGC && s.AllocsPerOp <= u.AllocsPerOp
			g.Detail = fmt.Sprintf("%.1f against %.1f instr/byte GC off, %.1f against %.1f GC on; %.0f against %.0f allocs",
				s.Instr/s.BodyBytes, u.Instr/s.BodyBytes, s.InstrGC/s.BodyBytes, u.InstrGC/s.BodyBytes,
				s.AllocsPerOp, u.AllocsPerOp)
		}
		goals = append(goals, g)
	}
	for _, sc := range wrkScenarios {
		s, ok := find(sc.label, "stdapi")
		g := Goal{Text: sc.label + ": stdapi's req/s against FastAPI at its best", Detail: "no result", Info: true}
		var best Row
		for _, r := range rows {
			if r.Scenario == sc.label && strings.HasPrefix(r.Key, "fastapi") && r.Value > best.Value {
				best = r
			}
		}
		if ok && best.Value > 0 {
			x := s.Value / best.Value
			g.Detail = fmt.Sprintf("×%.1f of %s", x, best.Impl)
		}
		goals = append(goals, g)
	}
	return goals
}

// WriteGoals writes goals as a markdown list.
func WriteGoals(w io.Writer, goals []Goal) error {
	var b strings.Builder
	for _, g := range goals {
		switch {
		case g.Info:
			fmt.Fprintf(&b, "- %s: %s\n", g.Text, g.Detail)
		case g.Met:
			fmt.Fprintf(&b, "- %s: met (%s)\n", g.Text, g.Detail)
		default:
			fmt.Fprintf(&b, "- %s: **missed** (%s)\n", g.Text, g.Detail)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
