package notify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// Desk is the outbox as staff see it: what is queued, sent, skipped or
// failed, and a retry of a failed e-mail. It shows who an e-mail is to and
// its subject, never its text: a waiting e-mail may hold a secret link.
type Desk struct {
	store  *store.Store
	clock  clock.Clock
	outbox *Outbox
}

// NewDesk returns the staff's view of the outbox.
func NewDesk(st *store.Store, clk clock.Clock, o *Outbox) *Desk {
	return &Desk{store: st, clock: clk, outbox: o}
}

// Outbox states (see store.JobQueued and the others).
const (
	StateQueued  = store.JobQueued
	StateSent    = store.JobSent
	StateSkipped = store.JobSkipped
	StateFailed  = store.JobFailed
)

// Entry is one job of the outbox, with no secret part.
type Entry struct {
	ID        int64
	Kind      string
	State     string
	To        []string // an e-mail's recipients; empty for other jobs
	Subject   string   // an e-mail's subject, or what the job is
	Attempts  int
	DueAt     time.Time
	CreatedAt time.Time
	DoneAt    *time.Time
	FailedAt  *time.Time
	LastError string
	// Retryable: failed, and its message is still there to send (a
	// message holding a secret link is wiped when it fails).
	Retryable bool
}

// Codes of the desk's refusals.
const (
	CodeNotFailed  = "not_failed"
	CodeWiped      = "wiped"
	MsgNotFailed   = "Only a failed e-mail can be retried; this one is not failed (any more)."
	MsgWipedSecret = "This e-mail held a single-use link, which was wiped when it failed, so it cannot be sent again: send a new one instead (for a password reset, from the user's page)."
)

var kindLabels = map[string]string{
	"session_reminder":  "Reminder of a 1:1 session",
	"group_reminder":    "Reminder of a group session",
	"calendar_reminder": "Reminder to answer a meeting calendar",
}

func (d *Desk) entry(j *store.JobRow) Entry {
	e := Entry{ID: j.ID, Kind: j.Kind, State: j.State, Attempts: j.Attempts, DueAt: j.DueAt, CreatedAt: j.CreatedAt,
		DoneAt: j.DoneAt, FailedAt: j.FailedAt, LastError: j.LastError}
	if e.State == StateSkipped && e.LastError == "skipped" {
		e.LastError = "nothing to send any more"
	}
	if j.Kind != KindEmail {
		e.Subject = kindLabels[j.Kind]
		if e.Subject == "" {
			e.Subject = j.Kind
		}
		e.Retryable = e.State == StateFailed
		return e
	}
	if j.Payload == "" {
		e.Subject = "(wiped once done: it held a single-use link)"
		return e
	}
	plain, err := d.outbox.open(j.Payload)
	var m Message
	if err != nil || json.Unmarshal(plain, &m) != nil {
		e.Subject = "(cannot be read with this SECRET_KEY)"
		return e
	}
	e.To, e.Subject = m.To, m.Subject
	e.Retryable = e.State == StateFailed
	return e
}

// List returns one page of the outbox in a state ("" for every state),
// newest first, and the total.
func (d *Desk) List(ctx context.Context, caller *domain.User, state string, limit, offset int) ([]Entry, int, error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, 0, err
	}
	switch state {
	case "", StateQueued, StateSent, StateSkipped, StateFailed:
	default:
		return nil, 0, errs.Generic("state", errs.CodeInvalidChoice, state)
	}
	rows, total, err := d.store.ListJobs(ctx, state, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Entry, len(rows))
	for i := range rows {
		out[i] = d.entry(&rows[i])
	}
	return out, total, nil
}

// Retry makes a failed job due now, with its attempts counted afresh: the
// worker sends it at once and, on a passing error, retries it as usual
// while the job is younger than the worker's GiveUpAfter (an older one gets
// this one attempt). Staff do it, and it is recorded as theirs.
func (d *Desk) Retry(ctx context.Context, caller *domain.User, id int64) (*Entry, error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, err
	}
	var out Entry
	err := d.store.Tx(ctx, func(q *store.Q) error {
		j, err := q.JobByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return errs.NotFound("not_found", "")
		}
		if err != nil {
			return err
		}
		e := d.entry(j)
		if e.State != StateFailed {
			return errs.BadRequest(CodeNotFailed, MsgNotFailed)
		}
		if !e.Retryable {
			return errs.BadRequest(CodeWiped, MsgWipedSecret)
		}
		now := d.clock.Now()
		ok, err := q.RequeueFailedJob(ctx, id, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.BadRequest(CodeNotFailed, MsgNotFailed)
		}
		label := e.Subject
		if len(e.To) > 0 {
			label += " to " + strings.Join(e.To, ", ")
		}
		if err := q.RecordStaffAction(ctx, domain.NewStaffAction(caller, domain.StaffRetry, "outbox", id, label, "last error: "+e.LastError, now)); err != nil {
			return err
		}
		if j, err = q.JobByID(ctx, id); err != nil {
			return err
		}
		out = d.entry(j)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.outbox.Kick()
	return &out, nil
}
