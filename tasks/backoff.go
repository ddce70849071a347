package tasks

import "time"

// Backoff computes the delay before a retry: Base doubled for each attempt
// after the first, capped at Max, then spread by Jitter so that jobs that
// failed together do not all come back at once.
type Backoff struct {
	// Base is the delay after the first attempt; zero means one second.
	Base time.Duration
	// Max caps every delay; zero means five minutes.
	Max time.Duration
	// Jitter is the fraction of the delay randomised in each direction: the
	// delay d becomes a value in [d*(1-Jitter), d*(1+Jitter)), still capped at
	// Max. Zero means 0.2; a negative value turns jitter off; values above 1
	// count as 1.
	Jitter float64
}

// Delay returns the delay after attempt (counted from 1) failed. rnd, in
// [0, 1), places the delay within the jitter range: 0 gives the shortest,
// 0.5 the unjittered delay.
func (b Backoff) Delay(attempt int, rnd float64) time.Duration {
	base, maxDelay, jitter := b.Base, b.Max, b.Jitter
	if base <= 0 {
		base = time.Second
	}
	if maxDelay <= 0 {
		maxDelay = 5 * time.Minute
	}
	switch {
	case jitter == 0:
		jitter = 0.2
	case jitter < 0:
		jitter = 0
	case jitter > 1:
		jitter = 1
	}
	d := min(base, maxDelay)
	for i := 1; i < attempt && d < maxDelay; i++ {
		if d > maxDelay/2 {
			d = maxDelay
			break
		}
		d *= 2
	}
	if jitter > 0 {
		// In float64 so that a delay near the int64 limit cannot overflow.
		f := float64(d) * (1 - jitter + 2*jitter*rnd)
		if f >= float64(maxDelay) {
			return maxDelay
		}
		d = time.Duration(f)
	}
	return d
}
