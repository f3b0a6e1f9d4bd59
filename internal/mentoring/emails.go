package mentoring

import (
	"context"
	"fmt"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// people are a session's participants as the e-mails need them.
type people struct {
	mentor, mentee                 *domain.User
	mentorSettings, menteeSettings *domain.NotificationSettings
	team                           int // the mentee's team number
}

func loadPeople(ctx context.Context, q *store.Q, sess *domain.Session) (*people, error) {
	all, err := q.Participants(ctx, sess.MentorID, sess.MenteeID)
	if err != nil {
		return nil, err
	}
	return peopleFrom(all, sess)
}

// peopleFrom picks the session's participants out of what Participants read.
func peopleFrom(all map[int64]*domain.SessionPerson, sess *domain.Session) (*people, error) {
	mentor, mentee := all[sess.MentorID], all[sess.MenteeID]
	if mentor == nil || mentee == nil {
		return nil, store.ErrNotFound
	}
	return &people{mentor: &mentor.User, mentee: &mentee.User, mentorSettings: &mentor.Settings,
		menteeSettings: &mentee.Settings, team: mentee.Team}, nil
}

func firstName(u *domain.User) string {
	if u.FirstName != "" {
		return u.FirstName
	}
	return u.Username
}

// when formats an instant for a recipient: "3:30 PM EST" and
// "Monday, November 20", in the recipient's own time zone.
func when(t time.Time, u *domain.User) (clock, date string) {
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	return lt.Format("3:04 PM MST"), lt.Format("Monday, January 2")
}

// invite is the calendar event of a session.
func (s *Service) invite(sess *domain.Session, p *people, cancel bool, now time.Time) notify.Attachment {
	link := ""
	if sess.MeetingLink != nil {
		link = *sess.MeetingLink
	}
	return notify.Invite(notify.Event{
		UID:         fmt.Sprintf("session-%d@%s", sess.ID, s.SiteName),
		Sequence:    sess.ICSSequence,
		Cancel:      cancel,
		Start:       sess.Start,
		End:         sess.End,
		Summary:     fmt.Sprintf("Mentoring session: %s and %s", p.mentee.FullName(), p.mentor.FullName()),
		Description: fmt.Sprintf("A %d-minute mentoring session.", sess.Length),
		Location:    link,
		Organizer:   notify.Person{Name: p.mentor.FullName(), Email: p.mentor.Email},
		Attendees:   []notify.Person{{Name: p.mentee.FullName(), Email: p.mentee.Email}},
		Stamp:       now,
	})
}

func (s *Service) send(ctx context.Context, q *store.Q, to *domain.User, m notify.Message) error {
	if to.Email == "" || !to.IsActive {
		return nil
	}
	m.To = []string{to.Email}
	_, err := s.outbox.Email(ctx, q, s.clock.Now(), m, notify.Options{})
	return err
}

// emailRequested tells the mentor about a new request.
func (s *Service) emailRequested(ctx context.Context, q *store.Q, sess *domain.Session, p *people) error {
	if !p.mentorSettings.SessionRequested {
		return nil
	}
	t, d := when(sess.Start, p.mentor)
	return s.send(ctx, q, p.mentor, notify.Message{
		Subject: fmt.Sprintf("%s has requested your help", p.mentee.FullName()),
		Text: fmt.Sprintf("%s from Team %d has requested a %d-min mentoring session with you at %s on %s.\n\n"+
			"Confirm or cancel it on your sessions page.\n", p.mentee.FullName(), p.team, sess.Length, t, d) +
			notify.RequestLine(ctx),
	})
}

// emailConfirmed tells both participants, with the meeting link and a
// calendar invitation.
func (s *Service) emailConfirmed(ctx context.Context, q *store.Q, sess *domain.Session) error {
	p, err := loadPeople(ctx, q, sess)
	if err != nil {
		return err
	}
	invite := s.invite(sess, p, false, s.clock.Now())
	for _, to := range []struct {
		user *domain.User
		on   bool
	}{{p.mentee, p.menteeSettings.SessionConfirmed}, {p.mentor, p.mentorSettings.SessionConfirmed}} {
		if !to.on {
			continue
		}
		t, d := when(sess.Start, to.user)
		err := s.send(ctx, q, to.user, notify.Message{
			Subject: "Mentor Session Confirmed",
			Text: fmt.Sprintf("A session with %s and %s has been confirmed for a %d-minute mentoring session at %s on %s. "+
				"Here is the link to your session: %s\n", firstName(p.mentee), firstName(p.mentor), sess.Length, t, d, deref(sess.MeetingLink)) +
				notify.SessionLine(ctx, sess.ID),
			Attachments: []notify.Attachment{invite},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// emailCanceled tells the participant who did not cancel. A session that had
// been confirmed also gets its calendar event cancelled.
func (s *Service) emailCanceled(ctx context.Context, q *store.Q, sess *domain.Session, from string, actorID int64, reason string) error {
	p, err := loadPeople(ctx, q, sess)
	if err != nil {
		return err
	}
	var m notify.Message
	var to *domain.User
	if actorID == sess.MenteeID {
		if !p.mentorSettings.SessionCanceled {
			return nil
		}
		to = p.mentor
		t, d := when(sess.Start, to)
		m = notify.Message{
			Subject: fmt.Sprintf("%s has canceled their session", p.mentee.FullName()),
			Text: fmt.Sprintf("%s from Team %d has canceled their %d-minute mentoring session with you at %s on %s.\n",
				p.mentee.FullName(), p.team, sess.Length, t, d),
		}
	} else {
		if !p.menteeSettings.SessionCanceled {
			return nil
		}
		to = p.mentee
		t, d := when(sess.Start, to)
		m = notify.Message{
			Subject: fmt.Sprintf("%s has canceled your session", p.mentor.FullName()),
			Text:    fmt.Sprintf("%s has canceled the %d-minute mentoring session with you at %s on %s.\n", p.mentor.FullName(), sess.Length, t, d),
		}
	}
	if reason != "" {
		m.Text += "\nThe reason given: " + reason + "\n"
	}
	m.Text += notify.SessionLine(ctx, sess.ID)
	if from == domain.StatusConfirmed {
		m.Attachments = []notify.Attachment{s.invite(sess, p, true, s.clock.Now())}
	}
	return s.send(ctx, q, to, m)
}

// Leaving tells the other participant of each of u's sessions still
// ahead that it is off, as a cancellation by u would (the calendar event
// of a confirmed one cancelled too): u's account is being deleted, and the
// sessions with it. It runs in the deleting transaction, before the delete.
func (s *Service) Leaving(ctx context.Context, q *store.Q, u *domain.User) error {
	ctx = notify.NoPages(ctx) // the sessions go, and their pages with them
	now := s.clock.Now()
	list, err := q.ListSessions(ctx, store.SessionFilter{UserID: u.ID, StartAtLeast: &now})
	if err != nil {
		return err
	}
	for i := range list {
		sess := &list[i]
		if !sess.Live() || !now.Before(sess.Start) {
			continue
		}
		sess.ICSSequence++ // the cancellation outdates the invitation
		if err := s.emailCanceled(ctx, q, sess, sess.Status, u.ID, ""); err != nil {
			return err
		}
	}
	return nil
}

// emailRescheduled tells the other participant about a new time. A session
// that stays confirmed sends both participants an updated invitation; one
// that goes back to Pending (moved by the mentee) cancels the old event.
func (s *Service) emailRescheduled(ctx context.Context, q *store.Q, before, after *domain.Session, actorID int64) error {
	p, err := loadPeople(ctx, q, after)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	actor, other := p.mentor, p.mentee
	otherOn := p.menteeSettings.SessionConfirmed
	actorOn := p.mentorSettings.SessionConfirmed
	if actorID == after.MenteeID {
		actor, other = p.mentee, p.mentor
		otherOn, actorOn = p.mentorSettings.SessionRequested, p.menteeSettings.SessionConfirmed
	}
	text := func(u *domain.User) string {
		ot, od := when(before.Start, u)
		nt, nd := when(after.Start, u)
		msg := fmt.Sprintf("%s has moved the mentoring session of %s on %s to a %d-minute session at %s on %s.",
			actor.FullName(), ot, od, after.Length, nt, nd)
		if after.Status == domain.StatusPending && before.Status == domain.StatusConfirmed {
			msg += " The mentor needs to confirm the new time."
		}
		return msg + "\n" + notify.SessionLine(ctx, after.ID)
	}
	var atts []notify.Attachment
	switch {
	case before.Status == domain.StatusConfirmed && after.Status == domain.StatusConfirmed:
		atts = []notify.Attachment{s.invite(after, p, false, now)}
	case before.Status == domain.StatusConfirmed:
		// The cancellation is of the event as calendars hold it: the old
		// time, under the new SEQUENCE.
		old := *before
		old.ICSSequence = after.ICSSequence
		atts = []notify.Attachment{s.invite(&old, p, true, now)}
	}
	if otherOn {
		if err := s.send(ctx, q, other, notify.Message{Subject: "Mentor Session Rescheduled", Text: text(other), Attachments: atts}); err != nil {
			return err
		}
	}
	if actorOn && len(atts) > 0 {
		return s.send(ctx, q, actor, notify.Message{Subject: "Mentor Session Rescheduled", Text: text(actor), Attachments: atts})
	}
	return nil
}

// KindReminder is the outbox job of a 60- or 15-minute reminder.
const KindReminder = "session_reminder"

// reminder is the reminder policy applied to confirmed sessions.
var reminder = notify.Reminder{Kind: KindReminder, Prefix: "reminder", Leads: notify.SessionLeads}

// ScanReminders enqueues the reminders of confirmed sessions that are due
// now, to both participants (notify.Reminder says which is due, to whom it
// is wanted, and keys it by session, person and start time, so it is
// enqueued once and a rescheduled session gets reminders for its new time).
// It returns how many it enqueued.
func (s *Service) ScanReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	from, to := reminder.Window(now)
	sessions, err := s.store.ConfirmedStartingIn(ctx, from, to)
	if err != nil || len(sessions) == 0 {
		return 0, err
	}
	due := make([]notify.Due, len(sessions))
	for i, sess := range sessions {
		// Reminders are possible from when the session was confirmed at its
		// time: the last change of a confirmed session is that.
		since := map[int64]time.Time{sess.MentorID: sess.ModifiedAt, sess.MenteeID: sess.ModifiedAt}
		due[i] = notify.Due{Subject: sess.ID, At: sess.Start, People: []int64{sess.MentorID, sess.MenteeID}, Since: since}
	}
	return reminder.Scan(ctx, s.store, s.outbox, now, due, notify.SessionPayload)
}

// RenderReminder turns a reminder job into its message when it still
// holds: the session is still confirmed, at the same time, not yet started,
// and the recipient still wants the reminder.
func (s *Service) RenderReminder(ctx context.Context, job store.Job) (*notify.Message, error) {
	r, sess, ok, err := notify.Load(ctx, job, func(ctx context.Context, r notify.SessionJob) (*domain.Session, error) {
		return s.store.SessionByID(ctx, r.SessionID)
	})
	if !ok {
		return nil, err
	}
	now := s.clock.Now()
	if ok, err := reminder.Holds(ctx, s.store.Q, now, r.Pending(), sess.Status == domain.StatusConfirmed, sess.Start); err != nil || !ok {
		return nil, err
	}
	p, err := loadPeople(ctx, s.store.Q, sess)
	if err != nil {
		return nil, err
	}
	to := p.mentor
	if r.UserID == sess.MenteeID {
		to = p.mentee
	}
	if to.Email == "" || !to.IsActive {
		return nil, nil
	}
	t, _ := when(sess.Start, to)
	left := notify.MinutesLeft(now, sess.Start)
	return &notify.Message{
		To:      []string{to.Email},
		Subject: "Mentor Session in " + notify.InMinutes(left, "Minute"), // the time really left, not the lead's
		Text: fmt.Sprintf("Your %d-minute session with %s and %s at %s is coming up in %s.\n\nHere is the link to your session: %s\n",
			sess.Length, firstName(p.mentee), firstName(p.mentor), t, notify.InMinutes(left, "minute"), deref(sess.MeetingLink)) +
			notify.SessionLine(ctx, sess.ID),
	}, nil
}

// SessionCalendar is the calendar event (.ics) of one of the caller's
// sessions, the same event its e-mails carry; a session no longer live is
// a cancellation of it.
func (s *Service) SessionCalendar(ctx context.Context, caller *domain.User, id int64) (notify.Attachment, error) {
	sess, err := s.SessionFor(ctx, caller, id)
	if err != nil {
		return notify.Attachment{}, err
	}
	p, err := loadPeople(ctx, s.store.Q, sess)
	if err != nil {
		return notify.Attachment{}, err
	}
	return s.invite(sess, p, !sess.Live(), s.clock.Now()), nil
}
