//go:build !unix

package bench_test

import "time"

// cpuTime is not measured on this system: cpu-ns/op is not reported.
func cpuTime() time.Duration { return 0 }
