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
	c := checker{rows: rows}
	for _, l := range []struct {
		sc    scenario
		limit float64
	}{{scenarios[1], 1.05}, {scenarios[2], 1.10}} {
		c.atMost(l.sc, l.limit, "the floor")
		c.allocs(l.sc)
		c.belowPeers(l.sc)
	}
	for _, sc := range scenarios[3:7] {
		if strings.HasSuffix(sc.label, "valid") {
			c.atMost(sc, 1, "go-playground")
		} else {
			c.atMost(sc, 0.5, "go-playground")
		}
	}
	for _, sc := range scenarios[9:11] {
		c.body(sc)
	}
	for _, sc := range wrkScenarios {
		c.fastAPI(sc)
	}
	return c.goals
}

// checker collects the goals checked against one run's rows.
type checker struct {
	rows  []Row
	goals []Goal
}

func (c *checker) find(label, key string) (Row, bool) {
	for _, r := range c.rows {
		if r.Scenario == label && r.Key == key {
			return r, true
		}
	}
	return Row{}, false
}

// atMost is a goal on stdapi's instruction ratios in scenario sc, with the
// collector off and on.
func (c *checker) atMost(sc scenario, limit float64, what string) {
	g := Goal{Text: fmt.Sprintf("%s: stdapi at most ×%.2f %s in instructions", sc.label, limit, what), Detail: "no result"}
	if s, ok := c.find(sc.label, "stdapi"); ok && s.InstrRatio > 0 && s.InstrGCRatio > 0 {
		g.Met = s.InstrRatio <= limit && s.InstrGCRatio <= limit
		g.Detail = fmt.Sprintf("×%.2f GC off, ×%.2f GC on", s.InstrRatio, s.InstrGCRatio)
	}
	c.goals = append(c.goals, g)
}

// allocs is the goal of at most the floor's allocations + 2.
func (c *checker) allocs(sc scenario) {
	s, ok := c.find(sc.label, "stdapi")
	f, fok := c.find(sc.label, "floor")
	g := Goal{Text: sc.label + ": stdapi's allocations at most the floor's + 2", Detail: "no result"}
	if ok && fok {
		g.Met = s.AllocsPerOp <= f.AllocsPerOp+2
		g.Detail = fmt.Sprintf("%.0f against %.0f", s.AllocsPerOp, f.AllocsPerOp)
	}
	c.goals = append(c.goals, g)
}

// belowPeers is the goal of fewer instructions than huma, gin and echo.
func (c *checker) belowPeers(sc scenario) {
	s, ok := c.find(sc.label, "stdapi")
	g := Goal{Text: sc.label + ": stdapi below huma, gin and echo in instructions", Met: ok}
	var details []string
	for _, peer := range []string{"huma", "gin", "echo"} {
		p, found := c.find(sc.label, peer)
		if !ok || !found || p.Instr == 0 || s.Instr == 0 {
			g.Met = false
			details = append(details, peer+": no result")
			continue
		}
		g.Met = g.Met && s.Instr < p.Instr
		details = append(details, fmt.Sprintf("×%.2f of %s", s.Instr/p.Instr, peer))
	}
	g.Detail = strings.Join(details, ", ")
	c.goals = append(c.goals, g)
}

// body is the goal of a large body at or below json.Unmarshal alone.
func (c *checker) body(sc scenario) {
	s, ok := c.find(sc.label, "stdapi")
	u, uok := c.find(sc.label, "unmarshal")
	g := Goal{Text: sc.label + ": at or below json.Unmarshal alone in instructions per byte and allocations", Detail: "no result"}
	if ok && uok && s.Instr > 0 && u.Instr > 0 && s.BodyBytes > 0 {
		g.Met = s.Instr <= u.Instr && s.InstrGC <= u.InstrGC && s.AllocsPerOp <= u.AllocsPerOp
		g.Detail = fmt.Sprintf("%.1f against %.1f instr/byte GC off, %.1f against %.1f GC on; %.0f against %.0f allocs",
			s.Instr/s.BodyBytes, u.Instr/s.BodyBytes, s.InstrGC/s.BodyBytes, u.InstrGC/s.BodyBytes,
			s.AllocsPerOp, u.AllocsPerOp)
	}
	c.goals = append(c.goals, g)
}

// fastAPI reports stdapi's requests per second as a multiple of FastAPI's
// best worker count; the issue sets no target for it.
func (c *checker) fastAPI(sc wrkScenario) {
	s, ok := c.find(sc.label, "stdapi")
	g := Goal{Text: sc.label + ": stdapi's req/s against FastAPI at its best", Detail: "no result", Info: true}
	var best Row
	for _, r := range c.rows {
		if r.Scenario == sc.label && strings.HasPrefix(r.Key, "fastapi") && r.Value > best.Value {
			best = r
		}
	}
	if ok && best.Value > 0 {
		g.Detail = fmt.Sprintf("×%.1f of %s", s.Value/best.Value, best.Impl)
	}
	c.goals = append(c.goals, g)
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
