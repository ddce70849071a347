// Command gin serves the benchmark's endpoints written with gin, for
// bench/run to drive with wrk.
//
//	go run ./cmd/gin -addr 127.0.0.1:8000
package main

import "github.com/stdapi/stdapi/bench"

func main() { bench.Main("gin", bench.Gin) }
