package groups

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

type notice int

const (
	kindCancelled notice = iota
	kindMoved
)

// localTime shows an instant in the recipient's zone: "3:30 PM EST on
// Monday, November 20".
func localTime(t time.Time, u *domain.User) string {
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("3:04 PM MST on Monday, January 2")
}

// wants reports whether u is to get an e-mail of the kind flag reads.
func wants(ctx context.Context, q *store.Q, u *domain.User, flag func(*domain.NotificationSettings) bool) (bool, error) {
	if !u.IsActive || u.Email == "" {
		return false, nil
	}
	n, err := q.NotificationSettingsOf(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return flag(n), nil
}

// flag is the switch a notice is sent under: a cancellation (or deletion)
// uses session_canceled, a new time session_confirmed.
func (what notice) flag(n *domain.NotificationSettings) bool {
	if what == kindCancelled {
		return n.SessionCanceled
	}
	return n.SessionConfirmed
}

// tellParticipants e-mails everyone holding a seat, inside the transaction
// that makes the change, each according to their own switch (notice.flag).
// When by, who made the change, is not the session's creator (staff acting
// for them), the creator is told too: it is their session.
func (s *Service) tellParticipants(ctx context.Context, q *store.Q, g *domain.GroupSession, by *domain.User, what notice, oldStart *time.Time) error {
	if by.ID != g.CreatorID {
		if err := s.tellCreator(ctx, q, g, by, what, oldStart); err != nil {
			return err
		}
	}
	parts, err := q.ParticipantsOf(ctx, g.ID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, p := range parts[g.ID] {
		u := &p.User
		ok, err := wants(ctx, q, u, what.flag)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		var m notify.Message
		switch what {
		case kindCancelled:
			m = notify.Message{
				Subject: fmt.Sprintf("Session cancelled: %s", g.Title),
				Text: fmt.Sprintf("%s has cancelled \"%s\", which was to start at %s. Your seat is released; nothing else is needed from you.\n",
					g.Creator.FullName(), g.Title, localTime(g.Start, u)),
			}
		case kindMoved:
			m = notify.Message{
				Subject: fmt.Sprintf("Session rescheduled: %s", g.Title),
				Text: fmt.Sprintf("%s has moved \"%s\" from %s to %s. You keep your seat; leave the session if the new time does not suit you.\n",
					g.Creator.FullName(), g.Title, localTime(*oldStart, u), localTime(g.Start, u)),
			}
		}
		m.Text += notify.GroupLine(ctx, g.ID)
		m.To = []string{u.Email}
		if _, err := s.outbox.Email(ctx, q, now, m, notify.Options{}); err != nil {
			return err
		}
	}
	return nil
}

// tellCreator e-mails the creator of g that by, someone else, cancelled or
// moved it, under the same switch as the seat holders' notice.
func (s *Service) tellCreator(ctx context.Context, q *store.Q, g *domain.GroupSession, by *domain.User, what notice, oldStart *time.Time) error {
	u := &g.Creator
	if ok, err := wants(ctx, q, u, what.flag); err != nil || !ok {
		return err
	}
	m := notify.Message{To: []string{u.Email}}
	switch what {
	case kindCancelled:
		m.Subject = fmt.Sprintf("Session cancelled: %s", g.Title)
		m.Text = fmt.Sprintf("%s, of the staff, has cancelled your session \"%s\", which was to start at %s. Those holding a seat have been told.\n",
			by.FullName(), g.Title, localTime(g.Start, u))
	case kindMoved:
		m.Subject = fmt.Sprintf("Session rescheduled: %s", g.Title)
		m.Text = fmt.Sprintf("%s, of the staff, has moved your session \"%s\" from %s to %s. Those holding a seat have been told.\n",
			by.FullName(), g.Title, localTime(*oldStart, u), localTime(g.Start, u))
	}
	m.Text += notify.GroupLine(ctx, g.ID)
	_, err := s.outbox.Email(ctx, q, s.clock.Now(), m, notify.Options{})
	return err
}

// Leaving tells those holding a seat in, or waiting for, each session u
// created that has not started that it will not happen, as a cancellation
// would: u's account is being deleted, and the sessions with it. It runs
// in the deleting transaction, before the delete.
func (s *Service) Leaving(ctx context.Context, q *store.Q, u *domain.User) error {
	ctx = notify.NoPages(ctx) // the sessions go, and their pages with them
	list, err := q.GroupSessionsOf(ctx, u.ID)
	if err != nil {
		return err
	}
	for i := range list {
		g := &list[i]
		if g.Status != domain.GroupUpcoming || !s.clock.Now().Before(g.Start) {
			continue
		}
		if err := s.tellParticipants(ctx, q, g, u, kindCancelled, nil); err != nil {
			return err
		}
		if err := s.tellWaiters(ctx, q, g); err != nil {
			return err
		}
	}
	return nil
}

// KindReminder is the outbox job of a group-session reminder.
const KindReminder = "group_reminder"

// reminder is the reminder policy applied to upcoming group sessions.
var reminder = notify.Reminder{Kind: KindReminder, Prefix: "group-reminder", Leads: notify.SessionLeads}

// ScanReminders enqueues the reminders of upcoming group sessions that are
// due now, to the creator and every participant (notify.Reminder says which
// is due, to whom it is wanted, and keys it like the 1:1 reminders, so each
// goes out once and follows a new time).
func (s *Service) ScanReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	from, to := reminder.Window(now)
	sessions, err := s.store.UpcomingGroupsStartingIn(ctx, from, to)
	if err != nil || len(sessions) == 0 {
		return 0, err
	}
	ids := make([]int64, len(sessions))
	for i, g := range sessions {
		ids[i] = g.ID
	}
	parts, err := s.store.ParticipantsOf(ctx, ids...)
	if err != nil {
		return 0, err
	}
	due := make([]notify.Due, len(sessions))
	for i, g := range sessions {
		// Reminders of this start are possible from when it was set (the
		// session made or moved: its creator has just seen it), and a
		// seat's from when it was taken, as a 1:1 session's from its
		// confirmation at its time.
		people := []int64{g.CreatorID}
		since := map[int64]time.Time{g.CreatorID: g.TimedAt}
		for _, p := range parts[g.ID] {
			people = append(people, p.UserID)
			since[p.UserID] = later(p.JoinedAt, g.TimedAt)
		}
		due[i] = notify.Due{Subject: g.ID, At: g.Start, People: people, Since: since}
	}
	return reminder.Scan(ctx, s.store, s.outbox, now, due, notify.SessionPayload)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// RenderReminder turns a reminder job into its message when it still holds:
// the session is still upcoming at the same time, the person still wants
// the reminder and still holds a seat (or created the session).
func (s *Service) RenderReminder(ctx context.Context, job store.Job) (*notify.Message, error) {
	r, g, ok, err := notify.Load(ctx, job, func(ctx context.Context, r notify.SessionJob) (*domain.GroupSession, error) {
		return s.store.GroupSessionByID(ctx, r.SessionID)
	})
	if !ok {
		return nil, err
	}
	now := s.clock.Now()
	if ok, err := reminder.Holds(ctx, s.store.Q, now, r.Pending(), g.Status == domain.GroupUpcoming, g.Start); err != nil || !ok {
		return nil, err
	}
	if r.UserID != g.CreatorID {
		if joined, err := s.store.IsParticipant(ctx, g.ID, r.UserID); err != nil || !joined {
			return nil, err
		}
	}
	u, err := s.store.UserByID(ctx, r.UserID)
	if err != nil || !u.IsActive || u.Email == "" {
		return nil, err
	}
	left := notify.MinutesLeft(now, g.Start)
	return &notify.Message{
		To:      []string{u.Email},
		Subject: fmt.Sprintf("%s starts in %s", g.Title, notify.InMinutes(left, "minute")), // the time really left, not the lead's
		Text: fmt.Sprintf("\"%s\" with %s starts at %s, in %s.\n", g.Title, g.Creator.FullName(), localTime(g.Start, u), notify.InMinutes(left, "minute")) +
			notify.GroupLine(ctx, g.ID),
	}, nil
}
