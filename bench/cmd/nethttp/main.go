// Command nethttp serves the benchmark's endpoints written by hand with net/http, for
// bench/run to drive with wrk.
//
//	go run ./cmd/nethttp -addr 127.0.0.1:8000
package main

import "github.com/stdapi/stdapi/bench"

func main() { bench.Main("net/http", bench.HandWritten) }
