package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// TestBatchedWritesUndoOnlyTheirOwn queues transactions behind a busy
// writer so that they run as one batch, and checks that each one's outcome
// is its own: the failed, panicking, refused and canceled ones leave
// nothing behind, the others are all committed, in one transaction.
func TestBatchedWritesUndoOnlyTheirOwn(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Tx(ctx, func(q *Q) error {
		_, err := q.exec(ctx, "CREATE TABLE batch_probe (k TEXT PRIMARY KEY)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	insert := func(q *Q, k string) error {
		_, err := q.exec(ctx, "INSERT INTO batch_probe (k) VALUES (?)", k)
		return err
	}

	started, release := make(chan struct{}), make(chan struct{})
	go s.Tx(ctx, func(q *Q) error {
		close(started)
		<-release
		return insert(q, "first")
	})
	<-started

	var mu sync.Mutex
	txs := map[*sql.Tx]int{}
	outcome := map[string]any{}
	var wg sync.WaitGroup
	run := func(name string, ctx context.Context, fn func(q *Q) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					outcome[name] = p
					mu.Unlock()
				}
			}()
			err := s.Tx(ctx, func(q *Q) error {
				mu.Lock()
				txs[q.tx]++
				mu.Unlock()
				return fn(q)
			})
			mu.Lock()
			outcome[name] = err
			mu.Unlock()
		}()
	}
	for _, k := range []string{"ok1", "ok2", "ok3", "ok4"} {
		run(k, ctx, func(q *Q) error { return insert(q, k) })
	}
	refused := errors.New("refused")
	run("fails", ctx, func(q *Q) error {
		if err := insert(q, "fails"); err != nil {
			return err
		}
		return refused
	})
	run("panics", ctx, func(q *Q) error {
		if err := insert(q, "panics"); err != nil {
			return err
		}
		panic("boom")
	})
	run("duplicate", ctx, func(q *Q) error {
		if err := insert(q, "duplicate"); err != nil {
			return err
		}
		return insert(q, "first") // committed by the first transaction
	})
	gone, cancel := context.WithCancel(ctx)
	cancel()
	run("canceled", gone, func(q *Q) error { return insert(q, "canceled") })

	deadline := time.Now().Add(10 * time.Second)
	for {
		s.writes.mu.Lock()
		n := len(s.writes.queue)
		s.writes.mu.Unlock()
		if n == 8 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d transactions queued, want 8", n)
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()

	for _, k := range []string{"ok1", "ok2", "ok3", "ok4"} {
		if outcome[k] != nil {
			t.Errorf("%s: %v", k, outcome[k])
		}
	}
	if outcome["fails"] != refused {
		t.Errorf("fails: %v, want its own error", outcome["fails"])
	}
	if outcome["panics"] != "boom" {
		t.Errorf("panics: %v, want the panic raised in its caller", outcome["panics"])
	}
	if err, _ := outcome["duplicate"].(error); err == nil {
		t.Errorf("duplicate: no error")
	}
	if err, _ := outcome["canceled"].(error); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", outcome["canceled"])
	}
	if len(txs) != 1 {
		t.Errorf("the queued transactions ran in %d database transactions, want 1 batch", len(txs))
	}
	var got []string
	if err := s.each(ctx, func(sc scanner) error {
		var k string
		got = append(got, k)
		return sc.Scan(&got[len(got)-1])
	}, "SELECT k FROM batch_probe"); err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	want := []string{"first", "ok1", "ok2", "ok3", "ok4"}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("rows %v, want %v", got, want)
		}
	}
}
