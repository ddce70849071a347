// Command huma serves the benchmark's endpoints written with huma, for
// bench/run to drive with wrk.
//
//	go run ./cmd/huma -addr 127.0.0.1:8000
package main

import "github.com/stdapi/stdapi/bench"

func main() { bench.Main("huma", bench.Huma) }
