package notify

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mentord/mentord/internal/store"
)

// KindEmail is a job whose payload is a ready Message.
const KindEmail = "email"

// Outbox writes jobs for the worker. Enqueue inside the transaction that makes
// the change; call Kick after it commits so the worker starts at once.
type Outbox struct {
	wake chan struct{}
}

// NewOutbox returns an outbox with no worker attached yet.
func NewOutbox() *Outbox { return &Outbox{wake: make(chan struct{}, 1)} }

// Options tune one job.
type Options struct {
	DedupeKey string    // at most one job with this key is ever enqueued
	DueAt     time.Time // zero means now
	Sensitive bool      // wipe the payload once delivered (it holds a secret)
}

// Email enqueues a message. It reports whether it was enqueued (false when
// a job with the same dedupe key exists).
func (o *Outbox) Email(ctx context.Context, q *store.Q, now time.Time, m Message, opt Options) (bool, error) {
	payload, err := json.Marshal(m)
	if err != nil {
		return false, err
	}
	return o.Job(ctx, q, now, KindEmail, string(payload), opt)
}

// Job enqueues a job of any registered kind.
func (o *Outbox) Job(ctx context.Context, q *store.Q, now time.Time, kind, payload string, opt Options) (bool, error) {
	due := opt.DueAt
	if due.IsZero() {
		due = now
	}
	var key *string
	if opt.DedupeKey != "" {
		key = &opt.DedupeKey
	}
	return q.EnqueueJob(ctx, store.Job{Kind: kind, DedupeKey: key, Payload: payload, Sensitive: opt.Sensitive, DueAt: due, CreatedAt: now})
}

// Kick wakes the worker; it never blocks.
func (o *Outbox) Kick() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}
