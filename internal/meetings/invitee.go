package meetings

import (
	"context"
	"errors"
	"fmt"
	"html"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// AnswerInput is one slot of an invitee's answer, in the calendar's zone.
type AnswerInput struct {
	Start, End Civil
	Pref       int
}

// InviteeView is what an invitee sees through their link.
type InviteeView struct {
	*View
	Owner      *domain.User
	Invitation *domain.Invitation
	Meeting    *domain.Meeting // the invitee's, once finalized (OpenAny)
}

var errBadLink = errs.NotFound("not_found", "")

// Open resolves a response link: the token must be one the server issued,
// for this calendar, and the calendar not finalized. Anything else is 404,
// whatever was wrong, so a guess learns nothing.
func (s *Service) Open(ctx context.Context, calendarID int64, token string) (*InviteeView, error) {
	iv, err := s.OpenAny(ctx, calendarID, token)
	if err == nil && iv.Calendar.Finalized {
		return nil, errBadLink
	}
	return iv, err
}

// OpenAny resolves a response link as Open does, except that the link of a
// finalized calendar still opens, read-only, with the invitee's meeting
// (nil when they got none): a person who follows it learns when to come.
func (s *Service) OpenAny(ctx context.Context, calendarID int64, token string) (*InviteeView, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, errBadLink
	}
	inv, err := s.store.InvitationByTokenHash(ctx, tokenHash(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && inv.CalendarID != calendarID) {
		return nil, errBadLink
	}
	if err != nil {
		return nil, err
	}
	c, err := s.store.CalendarByID(ctx, calendarID, false)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errBadLink
	}
	if err != nil {
		return nil, err
	}
	v, err := s.view(ctx, s.store.Q, c)
	if err != nil {
		return nil, err
	}
	owner, err := s.store.UserByID(ctx, c.OwnerID)
	if err != nil {
		return nil, err
	}
	iv := &InviteeView{View: v, Owner: owner, Invitation: inv}
	if c.Finalized {
		meetings, err := s.store.MeetingsOf(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for i := range meetings {
			if meetings[i].ContactID == inv.ContactID {
				iv.Meeting = &meetings[i]
			}
		}
	}
	return iv, nil
}

// Answer records an invitee's availability, once, before the deadline.
func (s *Service) Answer(ctx context.Context, calendarID int64, token string, in []AnswerInput) ([]domain.WallSlot, error) {
	return s.answer(ctx, calendarID, token, in, false)
}

// ReviseAnswer records an invitee's availability, replacing the answer
// they gave, as long as the calendar is open and its deadline ahead (the
// web app lets an invitee come back with the same link).
func (s *Service) ReviseAnswer(ctx context.Context, calendarID int64, token string, in []AnswerInput) ([]domain.WallSlot, error) {
	return s.answer(ctx, calendarID, token, in, true)
}

func (s *Service) answer(ctx context.Context, calendarID int64, token string, in []AnswerInput, revise bool) ([]domain.WallSlot, error) {
	iv, err := s.Open(ctx, calendarID, token)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if !s.Answerable(iv) {
		return nil, errs.BadRequest("deadline_passed", "Deadline has passed")
	}
	if iv.Invitation.Responded && !revise {
		return nil, errs.BadRequest("already_responded", "Already responded")
	}
	var slots []domain.WallSlot
	for _, a := range in {
		if err := CheckAnswer(a, iv.Location); err != nil {
			return nil, err
		}
		start, end := a.Start.In(iv.Location), a.End.In(iv.Location)
		slots = append(slots, domain.WallSlot{Day: a.Start.Date(), StartClock: a.Start.Clock(), EndClock: a.End.Clock(), Preference: a.Pref, Start: start, End: end})
	}
	err = s.store.Tx(ctx, func(q *store.Q) error {
		if revise {
			// Under the calendar's lock, as Finalize reads the answers.
			c, err := q.CalendarByID(ctx, calendarID, true)
			if err != nil {
				return err
			}
			if c.Finalized {
				return errBadLink
			}
			if err := q.DeleteInviteeSlots(ctx, iv.Invitation.ID); err != nil {
				return err
			}
			if _, err := q.MarkResponded(ctx, iv.Invitation.ID, now); err != nil {
				return err
			}
		} else if ok, err := q.MarkResponded(ctx, iv.Invitation.ID, now); err != nil {
			return err
		} else if !ok {
			return errs.BadRequest("already_responded", "Already responded")
		}
		for i := range slots {
			if err := q.AddInviteeSlot(ctx, iv.Invitation.ID, &slots[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return slots, err
}

// --- e-mails ---

func (s *Service) ownerName(owner *domain.User) string {
	if n := fullName(owner.FirstName, owner.LastName); n != "" {
		return n
	}
	return owner.Username
}

func (s *Service) invitationMail(owner *domain.User, c *domain.Calendar, inv *domain.Invitation) notify.Message {
	k := inv.Contact
	link := s.ResponseLink(c, inv)
	deadline := c.Deadline.In(s.location(c.Timezone)).Format("Monday, January 2, 2006 at 3:04 PM MST")
	text := fmt.Sprintf("Dear %s,\n\nYou are invited to the following meeting with %s:\n\nMeeting name: %s\nMeeting description: %s\n\n"+
		"Please respond by %s using the link below:\n%s\n\nBest,\n%s Team\n",
		fullName(k.FirstName, k.LastName), s.ownerName(owner), c.Name, c.Description, deadline, link, s.SiteName)
	html := fmt.Sprintf(`<p>Dear %s,</p><p>You are invited to the following meeting with %s:</p><ul><li><b>Meeting name:</b> %s</li>`+
		`<li><b>Meeting description:</b> %s</li></ul><p>Please respond by %s using the link below:</p><p><a href="%s">Response link</a></p><p>Best,<br>%s Team</p>`,
		esc(fullName(k.FirstName, k.LastName)), esc(s.ownerName(owner)), esc(c.Name), esc(c.Description), esc(deadline), esc(link), esc(s.SiteName))
	return notify.Message{To: []string{k.Email}, Subject: "Meeting invitation", Text: text, HTML: html}
}

func (s *Service) reminderMail(owner *domain.User, c *domain.Calendar, inv *domain.Invitation) notify.Message {
	k := inv.Contact
	dl := c.Deadline.In(s.location(c.Timezone))
	text := fmt.Sprintf("Hello %s,\n\nDon't forget to fill out your availability for your %s meeting with %s by %s at %s.\n\n%s\n\nRegards,\n%s Team\n",
		fullName(k.FirstName, k.LastName), c.Name, s.ownerName(owner), dl.Format("2006-01-02"), dl.Format("15:04 MST"), s.ResponseLink(c, inv), s.SiteName)
	return notify.Message{To: []string{k.Email}, Subject: "Meeting Reminder", Text: text}
}

// KindDeadlineReminder is the outbox job of the automatic reminder sent 24
// hours before a calendar's deadline to those who have not answered.
const KindDeadlineReminder = "calendar_reminder"

// deadlineReminder is the reminder policy applied to calendars' deadlines:
// one reminder, from 24 hours before, to each invitee (no switch: invitees
// are contacts, not users).
var deadlineReminder = notify.Reminder{Kind: KindDeadlineReminder, Prefix: "calendar-reminder", Leads: []notify.Lead{{Before: 24 * time.Hour}}}

type reminderJob struct {
	InvitationID int64     `json:"invitation_id"`
	Deadline     time.Time `json:"deadline"`
}

// ScanDeadlineReminders enqueues, once per invitation and deadline, a
// reminder for every invitee who has not answered a calendar whose deadline
// is within 24 hours.
func (s *Service) ScanDeadlineReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	from, to := deadlineReminder.Window(now)
	cals, err := s.store.OpenCalendarsWithDeadlineIn(ctx, from, to)
	if err != nil || len(cals) == 0 {
		return 0, err
	}
	var due []notify.Due
	for _, c := range cals {
		invs, err := s.store.InvitationsOf(ctx, c.ID)
		if err != nil {
			return 0, err
		}
		for _, inv := range invs {
			if !inv.Responded {
				// The reminder is possible from the invitation on: one sent
				// within 24 hours of the deadline already carries it, and
				// a reminder on its heels would only repeat it.
				due = append(due, notify.Due{Subject: inv.ID, At: c.Deadline, Since: map[int64]time.Time{0: inv.CreatedAt}})
			}
		}
	}
	return deadlineReminder.Scan(ctx, s.store, s.outbox, now, due, func(d notify.Due, _ int64, _ notify.Lead) any {
		return reminderJob{InvitationID: d.Subject, Deadline: d.At}
	})
}

// RenderDeadlineReminder builds the reminder when it is still due: no
// answer yet, calendar open, same deadline, not passed.
func (s *Service) RenderDeadlineReminder(ctx context.Context, job store.Job) (*notify.Message, error) {
	var inv *domain.Invitation
	r, c, ok, err := notify.Load(ctx, job, func(ctx context.Context, r reminderJob) (c *domain.Calendar, err error) {
		if inv, err = s.store.InvitationByID(ctx, r.InvitationID); err != nil {
			return nil, err
		}
		return s.store.CalendarByID(ctx, inv.CalendarID, false)
	})
	if !ok {
		return nil, err
	}
	live := !inv.Responded && !c.Finalized
	if ok, err := deadlineReminder.Holds(ctx, s.store.Q, s.clock.Now(), notify.Pending{At: r.Deadline}, live, c.Deadline); err != nil || !ok {
		return nil, err
	}
	owner, err := s.store.UserByID(ctx, c.OwnerID)
	if err != nil {
		return nil, err
	}
	m := s.reminderMail(owner, c, inv)
	return &m, nil
}

var esc = html.EscapeString
