package notify

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
)

// Reminder is one kind of reminder sent ahead of a time: a session's start,
// a calendar's deadline. Its methods are the reminder policy, the same for
// every kind: which reminder is due, whether the person wants it, the
// dedupe key that has it enqueued once, and whether it still holds when it
// is sent. The domain package of a kind says only which subjects are near
// their time, who is reminded of them, and what the message says; a change
// of policy is made here.
type Reminder struct {
	Kind   string // the outbox job kind, which the domain package renders
	Prefix string // the first part of every dedupe key
	Leads  []Lead // the reminders of one time, the longest lead first
}

// Lead is one reminder of a kind: due Before the time it reminds of, under
// the person's own Switch (a lead without one is always wanted).
type Lead struct {
	Before time.Duration
	Switch func(*domain.NotificationSettings) bool
}

// Minutes is the lead in minutes.
func (l Lead) Minutes() int { return int(l.Before / time.Minute) }

// SessionLeads are the reminders of a session, 1:1 or group: one from an
// hour before the start until a quarter of an hour before, then one until
// the start, each under its own switch of the person's settings.
var SessionLeads = []Lead{
	{Before: time.Hour, Switch: func(n *domain.NotificationSettings) bool { return n.SixtyMinuteAlert }},
	{Before: 15 * time.Minute, Switch: func(n *domain.NotificationSettings) bool { return n.FifteenMinuteAlert }},
}

// Window is where a scan at now looks for times to remind of: after now,
// up to the longest lead ahead.
func (r Reminder) Window(now time.Time) (from, to time.Time) {
	return now, now.Add(r.Leads[0].Before)
}

// Spacing is the least time between two reminders of one time to one
// person: a session confirmed late, or a worker back after an outage, must
// not send one reminder on the heels of another.
const Spacing = 10 * time.Minute

// Which returns the reminder due at now of a time at: the shortest lead
// whose moment has come, while at is still ahead, unless that moment had
// passed already when the reminder became possible (since: the session was
// confirmed, the seat taken), in which case none is due until the next
// lead's moment. A worker that was down thus sends, when it comes back,
// only the reminder whose window is open, and a session confirmed 20
// minutes before its start gets only the 15-minute reminder.
func (r Reminder) Which(now, at, since time.Time) (Lead, bool) {
	if !now.Before(at) {
		return Lead{}, false
	}
	for i := len(r.Leads) - 1; i >= 0; i-- {
		mark := at.Add(-r.Leads[i].Before)
		if !now.Before(mark) {
			if since.After(mark) {
				return Lead{}, false
			}
			return r.Leads[i], true
		}
	}
	return Lead{}, false
}

// lead returns the lead a job names by its minutes; a kind with one lead
// does not name it.
func (r Reminder) lead(minutes int) (Lead, bool) {
	for _, l := range r.Leads {
		if len(r.Leads) == 1 || l.Minutes() == minutes {
			return l, true
		}
	}
	return Lead{}, false
}

// Key is the dedupe key of a reminder: the prefix, the lead's minutes (in a
// kind with several leads), the subject, the person (unless the subject is
// the one reminded) and the time reminded of, so that a reminder is
// enqueued once however many workers scan, and a new time gets its own.
func (r Reminder) Key(l Lead, subject, person int64, at time.Time) string {
	key := r.Prefix
	if len(r.Leads) > 1 {
		key += ":" + strconv.Itoa(l.Minutes())
	}
	key += ":" + strconv.FormatInt(subject, 10)
	if person != 0 {
		key += ":" + strconv.FormatInt(person, 10)
	}
	return key + ":" + strconv.FormatInt(at.Unix(), 10)
}

// Due is a subject whose time lies in a scan's window, with the people to
// remind of it.
type Due struct {
	Subject int64     // a session, an invitation
	At      time.Time // the time it reminds of
	People  []int64   // the users to remind; none when the subject is itself the one reminded (an invitation)
	// Since is when each person's reminder became possible (the session
	// was confirmed, the seat taken); a person not in it has no such
	// moment.
	Since map[int64]time.Time
}

// Scan enqueues, in one transaction, the reminder due at now of each
// subject to each of its people who want it; payload is the job as the
// kind's renderer reads it. It returns how many jobs it enqueued (those
// enqueued before are not counted).
func (r Reminder) Scan(ctx context.Context, st *store.Store, o *Outbox, now time.Time, due []Due, payload func(d Due, person int64, l Lead) any) (int, error) {
	added := 0
	err := st.Tx(ctx, func(q *store.Q) error {
		added = 0
		for _, d := range due {
			people := d.People
			if len(people) == 0 {
				people = []int64{0}
			}
			for _, person := range people {
				l, ok := r.Which(now, d.At, d.Since[person])
				if !ok {
					continue
				}
				if ok, err := r.spaced(ctx, q, now, l, d, person); err != nil || !ok {
					if err != nil {
						return err
					}
					continue
				}
				want, err := wants(ctx, q, person, l)
				if err != nil {
					return err
				}
				if !want {
					continue
				}
				data, err := json.Marshal(payload(d, person, l))
				if err != nil {
					return err
				}
				enqueued, err := o.Job(ctx, q, now, r.Kind, string(data), Options{DedupeKey: r.Key(l, d.Subject, person, d.At)})
				if err != nil {
					return err
				}
				if enqueued {
					added++
				}
			}
		}
		return nil
	})
	return added, err
}

// spaced reports whether the reminder of lead l may be enqueued now: not
// already enqueued, and no other reminder of the same time to the same
// person less than Spacing ago.
func (r Reminder) spaced(ctx context.Context, q *store.Q, now time.Time, l Lead, d Due, person int64) (bool, error) {
	if len(r.Leads) == 1 {
		return true, nil // the dedupe key alone keeps it to one
	}
	own := r.Key(l, d.Subject, person, d.At)
	keys := make([]string, len(r.Leads))
	for i, other := range r.Leads {
		keys[i] = r.Key(other, d.Subject, person, d.At)
	}
	sent, err := q.JobsCreated(ctx, keys)
	if err != nil {
		return false, err
	}
	if _, done := sent[own]; done {
		return false, nil
	}
	for _, at := range sent {
		if now.Sub(at) < Spacing {
			return false, nil
		}
	}
	return true, nil
}

// SessionJob is the job of a session's reminder (1:1 or group): the
// session, the person and the lead, and the start it reminds of.
type SessionJob struct {
	SessionID int64     `json:"session_id"`
	UserID    int64     `json:"user_id"`
	Minutes   int       `json:"minutes"`
	Start     time.Time `json:"start"`
}

// SessionPayload is the payload function of Scan for session reminders.
func SessionPayload(d Due, person int64, l Lead) any {
	return SessionJob{SessionID: d.Subject, UserID: person, Minutes: l.Minutes(), Start: d.At}
}

// Pending is what the job recorded, for Holds.
func (j SessionJob) Pending() Pending {
	return Pending{Person: j.UserID, Minutes: j.Minutes, At: j.Start}
}

// Pending is a reminder as its job recorded it.
type Pending struct {
	Person  int64     // the user reminded; 0 when the subject is the one reminded
	Minutes int       // its lead (a kind with one lead need not say)
	At      time.Time // the time it reminds of, as it was when enqueued
}

// Holds reports, as a reminder job is about to be sent, whether it still
// holds: its subject is still live (as its domain judges), its time is
// still the same and still ahead, and the person still wants the reminder.
func (r Reminder) Holds(ctx context.Context, q *store.Q, now time.Time, p Pending, live bool, at time.Time) (bool, error) {
	if !live || !at.Equal(p.At) || !now.Before(at) {
		return false, nil
	}
	l, ok := r.lead(p.Minutes)
	if !ok {
		return false, nil
	}
	return wants(ctx, q, p.Person, l)
}

// wants reports whether the person wants the reminder of lead l by their
// settings as q reads them; someone without settings wants none that has a
// switch.
func wants(ctx context.Context, q *store.Q, person int64, l Lead) (bool, error) {
	if l.Switch == nil {
		return true, nil
	}
	n, err := q.NotificationSettingsOf(ctx, person)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return l.Switch(n), nil
}

// MinutesLeft is how many whole minutes (rounded, and at least one: the
// time is still ahead) remain until at, for a reminder's text to say how
// long is really left.
func MinutesLeft(now, at time.Time) int {
	return max(1, int(at.Sub(now).Round(time.Minute)/time.Minute))
}

// InMinutes words n minutes with unit, the singular or plural word as
// written ("Minute" or "minute"): "1 minute", "15 minutes".
func InMinutes(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// Decode reads a job's payload into v; a payload that cannot be read never
// will be, so the error is permanent.
func Decode(job store.Job, v any) error {
	if err := json.Unmarshal([]byte(job.Payload), v); err != nil {
		return Permanent(err)
	}
	return nil
}

// Load decodes a reminder job and reads what it reminds of; ok is false
// when that is gone (the reminder is dropped without a message) or on err.
func Load[J, T any](ctx context.Context, job store.Job, read func(context.Context, J) (T, error)) (j J, t T, ok bool, err error) {
	if err = Decode(job, &j); err != nil {
		return j, t, false, err
	}
	t, err = read(ctx, j)
	if errors.Is(err, store.ErrNotFound) {
		return j, t, false, nil
	}
	return j, t, err == nil, err
}
