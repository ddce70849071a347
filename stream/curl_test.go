package stream_test

import (
	"bufio"
	"context"
	"errors"
	"iter"
	"os/exec"
	"testing"

	"github.com/stdapi/stdapi/stream"
)

// curl -N prints a JSON Lines item while the stream is still open, and
// exits with 18 (a truncated transfer) after an error mid-stream.
func TestLinesWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	checkLeaks(t)
	quiet(t)
	seen := make(chan struct{})
	srv := serve(t, stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Tick, error] {
		return func(yield func(Tick, error) bool) {
			if !yield(Tick{N: 1}, nil) {
				return
			}
			select {
			case <-seen: // curl printed the first item
			case <-ctx.Done():
				return
			}
			yield(Tick{}, errors.New("lost"))
		}
	}))
	cmd := exec.Command(curl, "-sS", "-N", srv.URL)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	first, err := r.ReadString('\n')
	if err != nil || first != `{"n":1,"text":""}`+"\n" {
		t.Errorf("first line %q, %v", first, err)
	}
	close(seen)
	last, _ := r.ReadString('\n')
	if want := `{"error":{"type":"about:blank","title":"Internal Server Error","status":500}}` + "\n"; last != want {
		t.Errorf("last line %q, want %q", last, want)
	}
	var exit *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exit) || exit.ExitCode() != 18 {
		t.Errorf("curl: %v, want exit status 18", err)
	}
}
