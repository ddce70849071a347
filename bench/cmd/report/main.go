// Command report prints the markdown table and goal checks of bench/run
// from go test -bench output and wrk --latency outputs:
//
//	report -bench bench.txt -wrk stdapi=stdapi.wrk -wrk fastapi-1=fastapi-1.wrk
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/stdapi/stdapi/bench/internal/report"
)

type wrkFlags map[string]string

func (w wrkFlags) String() string { return fmt.Sprint(map[string]string(w)) }

func (w wrkFlags) Set(v string) error {
	key, file, ok := strings.Cut(v, "=")
	if !ok || key == "" || file == "" {
		return fmt.Errorf("want NAME=FILE, not %q", v)
	}
	w[key] = file
	return nil
}

func main() {
	benchFile := flag.String("bench", "", "go test -bench output")
	wrkFiles := wrkFlags{}
	flag.Var(wrkFiles, "wrk", "NAME=FILE: wrk --latency output of implementation NAME (repeatable)")
	flag.Parse()
	if err := run(*benchFile, wrkFiles); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(benchFile string, wrkFiles wrkFlags) error {
	benches := map[string]*report.Bench{}
	if benchFile != "" {
		f, err := os.Open(benchFile)
		if err != nil {
			return err
		}
		benches, err = report.ParseBench(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	wrk := map[string]report.Wrk{}
	for key, file := range wrkFiles {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		w, err := report.ParseWrk(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		wrk[key] = w
	}
	rows := report.Rows(benches, wrk)
	if err := report.Markdown(os.Stdout, rows); err != nil {
		return err
	}
	fmt.Println()
	fmt.Println("Goals:")
	fmt.Println()
	return report.WriteGoals(os.Stdout, report.Goals(rows))
}
