// Command floor serves the benchmark's endpoints written by hand with the
// standard library as fast as it goes (bench.Floor), for bench/run to drive
// with wrk.
//
//	go run ./cmd/floor -addr 127.0.0.1:8000
package main

import "github.com/stdapi/stdapi/bench"

func main() { bench.Main("floor", bench.Floor) }
