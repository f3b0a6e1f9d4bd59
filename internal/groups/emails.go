package groups

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

func fullName(u *domain.User) string {
	switch {
	case u.FirstName != "" && u.LastName != "":
		return u.FirstName + " " + u.LastName
	case u.FirstName != "":
		return u.FirstName
	}
	return u.Username
}

// localTime shows an instant in the recipient's zone: "3:30 PM EST on
// Monday, November 20".
func localTime(t time.Time, u *domain.User) string {
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("3:04 PM MST on Monday, January 2")
}

// tellParticipants e-mails everyone holding a seat, inside the transaction
// that makes the change, each according to their own switch: a cancellation
// (or deletion) uses session_canceled, a new time session_confirmed.
func (s *Service) tellParticipants(ctx context.Context, q *store.Q, g *domain.GroupSession, what notice, oldStart *time.Time) error {
	parts, err := q.ParticipantsOf(ctx, g.ID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, p := range parts[g.ID] {
		u := &p.User
		if !u.IsActive || u.Email == "" {
			continue
		}
		n, err := q.NotificationSettingsOf(ctx, u.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var m notify.Message
		switch what {
		case kindCancelled:
			if n == nil || !n.SessionCanceled {
				continue
			}
			m = notify.Message{
				Subject: fmt.Sprintf("Session cancelled: %s", g.Title),
				Text: fmt.Sprintf("%s has cancelled \"%s\", which was to start at %s. Your seat is released; nothing else is needed from you.\n",
					fullName(&g.Creator), g.Title, localTime(g.Start, u)),
			}
		case kindMoved:
			if n == nil || !n.SessionConfirmed {
				continue
			}
			m = notify.Message{
				Subject: fmt.Sprintf("Session rescheduled: %s", g.Title),
				Text: fmt.Sprintf("%s has moved \"%s\" from %s to %s. You keep your seat; leave the session if the new time does not suit you.\n",
					fullName(&g.Creator), g.Title, localTime(*oldStart, u), localTime(g.Start, u)),
			}
		}
		m.To = []string{u.Email}
		if _, err := s.outbox.Email(ctx, q, now, m, notify.Options{}); err != nil {
			return err
		}
	}
	return nil
}

// KindReminder is the outbox job of a group-session reminder.
const KindReminder = "group_reminder"

type reminderJob struct {
	SessionID int64     `json:"session_id"`
	UserID    int64     `json:"user_id"`
	Minutes   int       `json:"minutes"`
	Start     time.Time `json:"start"`
}

// ScanReminders enqueues the 60- and 15-minute reminders now due for
// upcoming group sessions, to the creator and every participant whose own
// switch is on; like 1:1 reminders they are keyed by session, person and
// start, so each goes out once and follows a new time.
func (s *Service) ScanReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	due, err := s.store.UpcomingGroupsStartingIn(ctx, now, now.Add(reminderWindowLead))
	if err != nil || len(due) == 0 {
		return 0, err
	}
	ids := make([]int64, len(due))
	for i, g := range due {
		ids[i] = g.ID
	}
	parts, err := s.store.ParticipantsOf(ctx, ids...)
	if err != nil {
		return 0, err
	}
	added := 0
	err = s.store.Tx(ctx, func(q *store.Q) error {
		added = 0
		for _, g := range due {
			minutes := 60
			if !now.Before(g.Start.Add(-15 * time.Minute)) {
				minutes = 15
			}
			people := []int64{g.CreatorID}
			for _, p := range parts[g.ID] {
				people = append(people, p.UserID)
			}
			for _, uid := range people {
				n, err := q.NotificationSettingsOf(ctx, uid)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if (minutes == 60 && !n.SixtyMinuteAlert) || (minutes == 15 && !n.FifteenMinuteAlert) {
					continue
				}
				payload, _ := json.Marshal(reminderJob{SessionID: g.ID, UserID: uid, Minutes: minutes, Start: g.Start})
				key := "group-reminder:" + strconv.Itoa(minutes) + ":" + strconv.FormatInt(g.ID, 10) + ":" + strconv.FormatInt(uid, 10) +
					":" + strconv.FormatInt(g.Start.Unix(), 10)
				ok, err := s.outbox.Job(ctx, q, now, KindReminder, string(payload), notify.Options{DedupeKey: key})
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

// RenderReminder turns a reminder job into its message when it still holds:
// the session is still upcoming at the same time, the person still holds a
// seat (or created it) and still wants the reminder.
func (s *Service) RenderReminder(ctx context.Context, job store.Job) (*notify.Message, error) {
	var r reminderJob
	if err := json.Unmarshal([]byte(job.Payload), &r); err != nil {
		return nil, notify.Permanent(err)
	}
	g, err := s.store.GroupSessionByID(ctx, r.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if g.Status != domain.GroupUpcoming || !g.Start.Equal(r.Start) || !now.Before(g.Start) {
		return nil, nil
	}
	if r.UserID != g.CreatorID {
		if joined, err := s.store.IsParticipant(ctx, g.ID, r.UserID); err != nil || !joined {
			return nil, err
		}
	}
	n, err := s.store.NotificationSettingsOf(ctx, r.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if (r.Minutes == 60 && !n.SixtyMinuteAlert) || (r.Minutes == 15 && !n.FifteenMinuteAlert) {
		return nil, nil
	}
	u, err := s.store.UserByID(ctx, r.UserID)
	if err != nil || !u.IsActive || u.Email == "" {
		return nil, err
	}
	left := int(g.Start.Sub(now).Round(time.Minute) / time.Minute)
	return &notify.Message{
		To:      []string{u.Email},
		Subject: fmt.Sprintf("%s starts in %d minutes", g.Title, r.Minutes),
		Text: fmt.Sprintf("\"%s\" with %s starts at %s, in %d minutes.\n",
			g.Title, fullName(&g.Creator), localTime(g.Start, u), left),
	}, nil
}
