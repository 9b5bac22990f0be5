// loadgen: a bounded HTTP load for the VM's living-within-limits proofs (LivingWithinLimitsIT).
//
// C workers, each one request at a time over its own keep-alive connection (a new one when the
// server closes it), cycle through the URLs for the length of the phases. A phase may start with a
// command (systemctl set-property … MemoryMax=48M): the load does not pause for it. Every request
// ends in exactly one outcome: its HTTP status code, or an error class (refused, reset, timeout, eof,
// other). While it runs, the largest value of each -sample file (memory.current) is kept per phase.
//
// Output, on stdout: one JSON object per second ("sec"), then one per phase ("phase"), then "total".
// Latencies are of answered requests (any status), from writing the request to the last body byte.
//
// Stdlib only (Debian's golang-go builds it offline, GO111MODULE=off), static (CGO_ENABLED=0): the
// guest has no Go and no network.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type phase struct {
	name     string
	duration time.Duration
	command  string
}

type phases []phase

func (p *phases) String() string { return fmt.Sprint(*p) }

// Set takes NAME:DURATION[:COMMAND], e.g. "low:40s:systemctl set-property --runtime x MemoryMax=48M".
func (p *phases) Set(v string) error {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) < 2 {
		return fmt.Errorf("phase [%s]: want NAME:DURATION[:COMMAND]", v)
	}
	d, err := time.ParseDuration(parts[1])
	if err != nil || d <= 0 {
		return fmt.Errorf("phase [%s]: duration [%s] is not a positive Go duration", v, parts[1])
	}
	ph := phase{name: parts[0], duration: d}
	if len(parts) == 3 {
		ph.command = parts[2]
	}
	*p = append(*p, ph)
	return nil
}

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// window counts the outcomes and latencies of one second or one phase.
type window struct {
	codes   map[string]uint64
	latency []float64 // ms, answered requests only
	samples map[string]int64
}

func newWindow() *window {
	return &window{codes: map[string]uint64{}, samples: map[string]int64{}}
}

func (w *window) add(outcome string, ms float64, answered bool) {
	w.codes[outcome]++
	if answered {
		w.latency = append(w.latency, ms)
	}
}

func (w *window) merge(o *window) {
	for k, v := range o.codes {
		w.codes[k] += v
	}
	w.latency = append(w.latency, o.latency...)
	for k, v := range o.samples {
		if v > w.samples[k] {
			w.samples[k] = v
		}
	}
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return sorted[i]
}

func (w *window) report(kind, name string, seconds float64) map[string]any {
	sort.Float64s(w.latency)
	var total uint64
	for _, v := range w.codes {
		total += v
	}
	out := map[string]any{"kind": kind, "name": name, "seconds": seconds, "requests": total, "outcomes": w.codes,
		"p50ms": round(percentile(w.latency, 50)), "p99ms": round(percentile(w.latency, 99)),
		"maxms": round(percentile(w.latency, 100))}
	if len(w.samples) > 0 {
		out["peak"] = w.samples
	}
	return out
}

func round(v float64) float64 { return math.Round(v*100) / 100 }

// classify names a failed request's error class.
func classify(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	default:
		return "other"
	}
}

func main() {
	var ph phases
	var urls, sampleFiles list
	concurrency := flag.Int("c", 2000, "concurrent connections, one request in flight on each")
	timeout := flag.Duration("timeout", 30*time.Second, "longest wait for one answer (then: timeout)")
	flag.Var(&ph, "phase", "NAME:DURATION[:COMMAND], repeatable, run in order")
	flag.Var(&urls, "url", "URL to GET, repeatable; workers cycle through them")
	flag.Var(&sampleFiles, "sample", "a file holding one integer (memory.current), read every 100 ms; repeatable")
	flag.Parse()
	if len(ph) == 0 || len(urls) == 0 || *concurrency < 1 {
		fmt.Fprintln(os.Stderr, "loadgen: need at least one -phase and one -url, and -c >= 1")
		os.Exit(2)
	}
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: *timeout}).DialContext,
		MaxIdleConns:        *concurrency,
		MaxIdleConnsPerHost: *concurrency,
		MaxConnsPerHost:     0,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: transport, Timeout: *timeout}

	var mu sync.Mutex
	sec, cur := newWindow(), newWindow()
	var reports []map[string]any
	enc := json.NewEncoder(os.Stdout)
	emit := func(r map[string]any) { _ = enc.Encode(r) } // the caller holds mu

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < *concurrency; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := i; ctx.Err() == nil; n++ {
				start := time.Now()
				outcome, answered := "", false
				resp, err := client.Get(urls[n%len(urls)])
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil {
					if ctx.Err() != nil {
						return // cut by the end of the run: not an outcome
					}
					outcome = classify(err)
				} else {
					outcome, answered = strconv.Itoa(resp.StatusCode), true
				}
				ms := float64(time.Since(start).Microseconds()) / 1000
				mu.Lock()
				sec.add(outcome, ms, answered)
				mu.Unlock()
			}
		}(i)
	}

	sampler := time.NewTicker(100 * time.Millisecond)
	ticker := time.NewTicker(time.Second)
	t0 := time.Now()
	total := newWindow()
	for _, p := range ph {
		if p.command != "" {
			out, err := exec.Command("sh", "-c", p.command).CombinedOutput()
			mu.Lock()
			emit(map[string]any{"kind": "command", "name": p.name, "at": round(time.Since(t0).Seconds()),
				"command": p.command, "ok": err == nil, "output": string(out)})
			mu.Unlock()
		}
		end := time.Now().Add(p.duration)
		for time.Now().Before(end) {
			select {
			case <-sampler.C:
				for _, f := range sampleFiles {
					if b, err := os.ReadFile(f); err == nil {
						if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil {
							mu.Lock()
							if v > sec.samples[f] {
								sec.samples[f] = v
							}
							mu.Unlock()
						}
					}
				}
			case <-ticker.C:
				mu.Lock()
				s := sec
				sec = newWindow()
				emit(s.report("sec", p.name, round(time.Since(t0).Seconds())))
				cur.merge(s)
				mu.Unlock()
			}
		}
		mu.Lock()
		cur.merge(sec)
		sec = newWindow()
		reports = append(reports, cur.report("phase", p.name, p.duration.Seconds()))
		total.merge(cur)
		cur = newWindow()
		mu.Unlock()
	}
	stop()
	transport.CloseIdleConnections()
	wg.Wait()
	mu.Lock()
	for _, r := range reports {
		emit(r)
	}
	emit(total.report("total", "all", round(time.Since(t0).Seconds())))
	mu.Unlock()
}
