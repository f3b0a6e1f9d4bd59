package accounts

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/errs"
)

// TestHashingIsBounded: no more password hashes run at once than there are
// slots; the others wait, and give up when their request ends.
func TestHashingIsBounded(t *testing.T) {
	s := &Service{}
	s.SetHashesAtOnce(3)
	var running, most atomic.Int32
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.hashing(context.Background(), func() {
				n := running.Add(1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				running.Add(-1)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if most.Load() != 3 {
		t.Fatalf("%d hashes ran at once, want 3", most.Load())
	}
	// All slots taken: a request that ends while waiting is turned away.
	hold := make(chan struct{})
	for range 3 {
		go s.hashing(context.Background(), func() { <-hold })
	}
	for len(s.hashSlots) < 3 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := s.hashing(ctx, func() { t.Error("ran without a slot") })
	close(hold)
	if errs.KindOf(err) != errs.KindUnavailable || !errors.Is(err, errBusy) {
		t.Fatalf("waiting past the request's end: %v", err)
	}
}
