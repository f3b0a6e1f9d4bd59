package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// scenario is one stream of requests: request(i) builds the i-th request, or
// reports that the scenario has run out of work (every free slot booked).
type scenario struct {
	Key     string // its name on the command line
	Name    string
	Request func(i int) (*http.Request, bool)
	// Want is the status every request should get.
	Want int
	// Clients, when set, is its own concurrency.
	Clients int
	// Baseline marks a scenario served by the load kit itself.
	Baseline bool
}

type result struct {
	Key        string
	Baseline   bool
	Name       string
	Requests   int
	Unexpected int // responses with another status than Want
	Elapsed    time.Duration
	Bytes      int64
	P50, P99   time.Duration
	FirstError string
	ServerCPU  time.Duration // processor time mentord used during the run
}

func (r result) PerSecond() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// run sends sc's requests from concurrency clients for d, or until the
// scenario runs out of work, and measures each request from send to last
// body byte. A short warm-up opens the connections first.
func run(ctx context.Context, client *http.Client, sc scenario, concurrency int, d time.Duration) result {
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var unexpected, n int
	var bytes int64
	var firstErr string
	deadline := time.Now().Add(d)
	started := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			var bad, count int
			var got int64
			var errText string
			for time.Now().Before(deadline) && ctx.Err() == nil {
				req, ok := sc.Request(int(next.Add(1) - 1))
				if !ok {
					break
				}
				t0 := time.Now()
				res, err := client.Do(req.WithContext(ctx))
				if err != nil {
					bad++
					count++
					if errText == "" {
						errText = err.Error()
					}
					continue
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				local = append(local, time.Since(t0))
				got += int64(len(body))
				count++
				if res.StatusCode != sc.Want {
					bad++
					if errText == "" {
						errText = fmt.Sprintf("%d %.200s", res.StatusCode, body)
					}
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			unexpected += bad
			n += count
			bytes += got
			if firstErr == "" {
				firstErr = errText
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := result{Key: sc.Key, Baseline: sc.Baseline, Name: sc.Name, Requests: n, Unexpected: unexpected, Elapsed: time.Since(started), Bytes: bytes, FirstError: firstErr}
	slices.Sort(lat)
	if len(lat) > 0 {
		r.P50 = lat[len(lat)*50/100]
		r.P99 = lat[min(len(lat)*99/100, len(lat)-1)]
	}
	return r
}
