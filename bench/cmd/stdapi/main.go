// Command stdapi serves the benchmark's endpoints written with stdapi, for
// bench/run to drive with wrk.
//
//	go run ./cmd/stdapi -addr 127.0.0.1:8000
package main

import "github.com/stdapi/stdapi/bench"

func main() { bench.Main("stdapi", bench.Stdapi) }
