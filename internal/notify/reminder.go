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

// Which returns the reminder due at now of a time at: the shortest lead
// whose moment has come, while at is still ahead. A worker that was down
// thus sends, when it comes back, only the reminder whose window is open.
func (r Reminder) Which(now, at time.Time) (Lead, bool) {
	if !now.Before(at) {
		return Lead{}, false
	}
	for i := len(r.Leads) - 1; i >= 0; i-- {
		if !now.Before(at.Add(-r.Leads[i].Before)) {
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
			l, ok := r.Which(now, d.At)
			if !ok {
				continue
			}
			people := d.People
			if len(people) == 0 {
				people = []int64{0}
			}
			for _, person := range people {
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
				ok, err := o.Job(ctx, q, now, r.Kind, string(data), Options{DedupeKey: r.Key(l, d.Subject, person, d.At)})
				if err != nil {
					return err
				}
				if ok {
					added++
				}
			}
		}
		return nil
	})
	return added, err
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

// MinutesLeft is how many whole minutes (rounded) remain until at, for a
// reminder's text to say how long is really left.
func MinutesLeft(now, at time.Time) int { return int(at.Sub(now).Round(time.Minute) / time.Minute) }

// Decode reads a job's payload into v; a payload that cannot be read never
// will be, so the error is permanent.
func Decode(job store.Job, v any) error {
	if err := json.Unmarshal([]byte(job.Payload), v); err != nil {
		return Permanent(err)
	}
	return nil
}
