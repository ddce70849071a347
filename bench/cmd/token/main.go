// Command token prints a bearer token for the benchmark's protected
// endpoints (subject alice, scope "me", valid for an hour), for bench/run's
// wrk scenario.
package main

import (
	"fmt"
	"time"

	"github.com/stdapi/stdapi/bench"
)

func main() { fmt.Println(bench.Token("alice", "me", time.Now().Add(time.Hour))) }
