package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/store"
)

// Handler turns a job into the message to send, or nil when there is nothing
// to send any more (the session was cancelled, the flag was switched off).
// It runs when the job is due, so it sees the current state.
type Handler func(ctx context.Context, job store.Job) (*Message, error)

// Worker delivers due jobs. Several workers, in one process or many sharing a
// PostgreSQL database, may run at once: each job is leased to one of them.
type Worker struct {
	store    *store.Store
	clock    clock.Clock
	sender   Sender
	log      *slog.Logger
	wake     chan struct{}
	id       string
	handlers map[string]Handler
	scanners []Scanner
	sweeps   []func(context.Context) error

	// Lease is how long a claimed job stays with this worker before another
	// may take it (a crash between send and record means one redelivery).
	// A send is given at most half of it.
	Lease time.Duration
	// Poll is how often the worker looks for due jobs when not woken.
	Poll time.Duration
	// GiveUpAfter bounds how long a job is retried.
	GiveUpAfter time.Duration
	// Retention is how long a job stays in the outbox once done; failed
	// jobs stay until someone handles them.
	Retention time.Duration
	// OnSent, when set, is told about every delivered message (metrics).
	OnSent func(job store.Job, at time.Time)

	sent, failed atomic.Int64
	lastRun      atomic.Int64 // unix nanos of the last completed pass
	lastSweep    time.Time    // by the clock; under mu
	mu           sync.Mutex
}

// NewWorker returns a worker that takes its wake-ups from outbox.
func NewWorker(s *store.Store, c clock.Clock, sender Sender, outbox *Outbox, log *slog.Logger) *Worker {
	var b [6]byte
	rand.Read(b[:])
	w := &Worker{
		store: s, clock: c, sender: sender, log: log, wake: outbox.wake,
		id:          hex.EncodeToString(b[:]),
		handlers:    map[string]Handler{},
		Lease:       2 * time.Minute,
		Poll:        time.Second,
		GiveUpAfter: 3 * 24 * time.Hour,
		Retention:   30 * 24 * time.Hour,
	}
	w.Register(KindEmail, func(_ context.Context, j store.Job) (*Message, error) {
		payload, err := outbox.open(j.Payload)
		if err != nil {
			return nil, err
		}
		var m Message
		if err := json.Unmarshal(payload, &m); err != nil {
			return nil, Permanent(err)
		}
		return &m, nil
	})
	return w
}

// Register sets the handler for a job kind.
func (w *Worker) Register(kind string, h Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[kind] = h
}

// Scanner enqueues jobs that have become due (such as reminders); it runs at
// the start of every pass and returns how many jobs it added.
type Scanner func(ctx context.Context) (int, error)

// AddScanner adds a scanner to every pass.
func (w *Worker) AddScanner(sc Scanner) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.scanners = append(w.scanners, sc)
}

// AddSweep adds housekeeping to the hourly sweep (expired sign-ins, say).
func (w *Worker) AddSweep(fn func(context.Context) error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sweeps = append(w.sweeps, fn)
}

// Sent and Failed count the messages delivered and given up on.
func (w *Worker) Sent() int64   { return w.sent.Load() }
func (w *Worker) Failed() int64 { return w.failed.Load() }

// LastRun is when the worker last finished a pass (zero before the first),
// for readiness checks.
func (w *Worker) LastRun() time.Time {
	if n := w.lastRun.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Run delivers jobs until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	scan := true
	for {
		for {
			n, err := w.pass(ctx, scan)
			if err != nil {
				if ctx.Err() == nil {
					w.log.Warn("outbox pass failed", "err", err)
				}
				break
			}
			scan = false
			if n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
			// A write queued jobs: deliver them. What the scanners look for
			// comes due with time, and the next tick scans for it.
		case <-t.C:
			scan = true
		}
	}
}

// RunOnce runs the scanners, then claims the jobs due now and processes
// them; it returns how many it processed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	return w.pass(ctx, true)
}

// pass is RunOnce, with the scanners only when scan is set.
func (w *Worker) pass(ctx context.Context, scan bool) (int, error) {
	defer w.lastRun.Store(time.Now().UnixNano())
	w.mu.Lock()
	scanners := w.scanners
	w.mu.Unlock()
	for _, sc := range scanners {
		if !scan {
			break
		}
		if _, err := sc(ctx); err != nil {
			return 0, fmt.Errorf("scanning: %w", err)
		}
	}
	now := w.clock.Now()
	w.mu.Lock()
	due := now.Sub(w.lastSweep) >= sweepEvery
	if due {
		w.lastSweep = now
	}
	w.mu.Unlock()
	if due {
		w.sweep(ctx, now)
	}
	jobs, err := w.store.ClaimJobs(ctx, w.clock.Now(), w.Lease, w.id, 20)
	if err != nil {
		return 0, err
	}
	// What was sent is recorded even when a shutdown cancels ctx midway:
	// a delivery left unrecorded would be sent again after its lease.
	record, cancel := recordContext(ctx)
	defer cancel()
	var c completions
	processed := 0
	for _, j := range jobs {
		if ctx.Err() != nil {
			// Shutting down: the jobs not started stay claimed and are
			// taken again after their lease, never sent twice.
			break
		}
		if c.since != (time.Time{}) && time.Since(c.since) > completeWithin {
			w.complete(record, &c)
		}
		w.process(ctx, record, j, &c)
		processed++
	}
	w.complete(record, &c)
	return processed, nil
}

// recordTimeout bounds how long a shutting-down worker may take to record
// the outcome of what it has already sent.
const recordTimeout = 5 * time.Second

// recordContext is the context outcomes are recorded under: ctx's values,
// but not its cancellation, until recordTimeout after ctx ends.
func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	record, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		time.AfterFunc(recordTimeout, cancel)
	})
	return record, func() { stop(); cancel() }
}

// completeWithin bounds how long a delivered job of a pass waits to be
// recorded while the pass sends the others: the deliveries of a pass are
// recorded together, in one statement (a crash before it means those few
// are sent again, as after a crash between one send and its record), but
// a slow transport must not keep a job unrecorded for long.
const completeWithin = time.Second

// completions are the jobs of a pass delivered or skipped and not yet
// recorded.
type completions struct {
	sent, skipped []int64
	since         time.Time // when the first of them was done
}

func (c *completions) add(list *[]int64, id int64) {
	if len(c.sent)+len(c.skipped) == 0 {
		c.since = time.Now()
	}
	*list = append(*list, id)
}

// complete records c's jobs as done.
func (w *Worker) complete(ctx context.Context, c *completions) {
	now := w.clock.Now()
	if err := w.store.CompleteJobs(ctx, c.skipped, w.id, now, "skipped"); err != nil {
		w.log.Error("recording skipped jobs", "jobs", c.skipped, "err", err)
	}
	if err := w.store.CompleteJobs(ctx, c.sent, w.id, now, ""); err != nil {
		w.log.Error("recording delivery", "jobs", c.sent, "err", err)
	}
	*c = completions{}
}

// process sends j under ctx and records a failure or a retry under record.
func (w *Worker) process(ctx, record context.Context, j store.Job, c *completions) {
	w.mu.Lock()
	h := w.handlers[j.Kind]
	w.mu.Unlock()
	log := w.log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	if h == nil {
		w.fail(record, j, log, fmt.Errorf("no handler for kind %q", j.Kind))
		return
	}
	msg, err := h(ctx, j)
	if err == nil && msg == nil {
		c.add(&c.skipped, j.ID)
		return
	}
	if err == nil {
		if msg.MessageID == "" {
			msg.MessageID = fmt.Sprintf("outbox-%d-%s@mentord", j.ID, j.CreatedAt.UTC().Format("20060102150405"))
		}
		sendCtx, cancel := context.WithTimeout(ctx, w.Lease/2)
		err = w.sender.Send(sendCtx, msg)
		cancel()
	}
	if err != nil {
		var perm permanentError
		if errors.As(err, &perm) || w.clock.Now().Sub(j.CreatedAt) > w.GiveUpAfter {
			w.fail(record, j, log, err)
			return
		}
		next := w.clock.Now().Add(backoff(j.Attempts))
		log.Warn("delivery failed; will retry", "err", err, "next", next)
		if err := w.store.RetryJob(record, j.ID, w.id, next, err.Error()); err != nil {
			log.Error("recording retry", "err", err)
		}
		return
	}
	w.sent.Add(1)
	if w.OnSent != nil {
		w.OnSent(j, w.clock.Now())
	}
	c.add(&c.sent, j.ID)
}

func (w *Worker) fail(ctx context.Context, j store.Job, log *slog.Logger, cause error) {
	w.failed.Add(1)
	log.Error("giving up on job", "err", cause)
	if err := w.store.FailJob(ctx, j.ID, w.id, w.clock.Now(), cause.Error()); err != nil {
		log.Error("recording failure", "err", err)
	}
}

// sweepEvery is how often a worker deletes old jobs and reports failed ones.
const sweepEvery = time.Hour

// sweep deletes the jobs done longer ago than Retention, a batch at a time,
// and reminds the log of the failed ones waiting for someone.
func (w *Worker) sweep(ctx context.Context, now time.Time) {
	var purged int64
	for {
		n, err := w.store.PurgeDoneJobs(ctx, now.Add(-w.Retention), 500)
		if err != nil {
			w.log.Warn("purging the outbox", "err", err)
			break
		}
		purged += n
		if n < 500 {
			break
		}
	}
	if purged > 0 {
		w.log.Info("purged delivered e-mails", "count", purged, "older_than", w.Retention.String())
	}
	w.mu.Lock()
	sweeps := w.sweeps
	w.mu.Unlock()
	for _, fn := range sweeps {
		if err := fn(ctx); err != nil {
			w.log.Warn("housekeeping failed", "err", err)
		}
	}
	if st, err := w.store.OutboxStats(ctx, now); err == nil && st.Failed > 0 {
		w.log.Warn("e-mails failed and wait to be retried or dropped", "failed", st.Failed)
	}
}

// backoff grows from 5 s to at most 10 min.
func backoff(attempts int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempts && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}
