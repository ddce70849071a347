// Command echo serves the benchmark's endpoints written with echo, for
// bench/run to drive with wrk.
//
//	go run ./cmd/echo -addr 127.0.0.1:8000
package main

import "github.com/stdapi/stdapi/bench"

func main() { bench.Main("echo", bench.Echo) }
