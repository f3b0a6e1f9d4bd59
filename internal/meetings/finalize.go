package meetings

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/scheduling"
	"github.com/mentord/mentord/internal/store"
)

// Proposed is one meeting of a suggested schedule.
type Proposed struct {
	Contact    domain.Contact
	Start, End time.Time
	Score      int
}

// Suggestion is a suggested schedule: its meetings by start time, and the
// invitees it leaves out (those who have not answered always are).
type Suggestion struct {
	Meetings    []Proposed
	Unscheduled []domain.Contact
	Score       int
}

// Proposal is what the owner needs to finalize a calendar.
type Proposal struct {
	*View
	Suggestions []Suggestion
}

// CodeAlreadyFinalized is the code of the refusal to propose for or
// finalize a calendar that is finalized.
const CodeAlreadyFinalized = "already_finalized"

var errAlreadyFinalized = errs.NotFound(CodeAlreadyFinalized, "Calendar is already finalized")

// finalizable loads a calendar that the owner may propose for or finalize:
// theirs (someone else's is 403) and not finalized yet (404).
func finalizable(ctx context.Context, q *store.Q, owner *domain.User, id int64, lock bool) (*domain.Calendar, error) {
	c, err := ownCalendar(ctx, q, owner, id, lock, true)
	if err == nil && c.Finalized {
		return nil, errAlreadyFinalized
	}
	return c, err
}

// CheckFinalize reports why the owner may not finalize the calendar, or nil:
// the checks Finalize makes before it looks at the schedule.
func (s *Service) CheckFinalize(ctx context.Context, owner *domain.User, id int64) error {
	_, err := finalizable(ctx, s.store.Q, owner, id, false)
	return err
}

// Propose computes the best schedules for a calendar that is not finalized:
// the owner's slots cut into meeting_length blocks, each given to at most
// one invitee who answered and whose answer holds it, the most invitees
// scheduled, then the best preferences, then the earliest times.
func (s *Service) Propose(ctx context.Context, owner *domain.User, id int64) (*Proposal, error) {
	c, err := finalizable(ctx, s.store.Q, owner, id, false)
	if err != nil {
		return nil, err
	}
	v, err := s.view(ctx, s.store.Q, c)
	if err != nil {
		return nil, err
	}
	var ownerSlots []scheduling.Slot
	for _, sl := range v.OwnerSlots {
		ownerSlots = append(ownerSlots, scheduling.Slot{Start: sl.Start, End: sl.End, Pref: sl.Preference})
	}
	cands := scheduling.Candidates(ownerSlots, time.Duration(c.MeetingLength)*time.Minute)
	// Everyone reads and answers this calendar in its wall-clock times, so a
	// meeting is only offered when its start and end have wall-clock times
	// of their own (not in the hour repeated when clocks go back).
	cands = slices.DeleteFunc(cands, func(c scheduling.Candidate) bool {
		return !nameable(c.Start, v.Location) || !nameable(c.End, v.Location)
	})
	var answered []domain.Invitation
	var answers [][]scheduling.Slot
	var silent []domain.Contact
	for _, inv := range v.Invitations {
		if !inv.Responded {
			silent = append(silent, inv.Contact)
			continue
		}
		var slots []scheduling.Slot
		for _, sl := range v.Answers[inv.ID] {
			slots = append(slots, scheduling.Slot{Start: sl.Start, End: sl.End, Pref: sl.Preference})
		}
		answered = append(answered, inv)
		answers = append(answers, slots)
	}
	p := &Proposal{View: v}
	for _, sug := range scheduling.Suggest(cands, answers, s.Suggestions) {
		out := Suggestion{Score: sug.Score}
		placed := map[int]bool{}
		for _, m := range sug.Meetings {
			placed[m.Invitee] = true
			cand := cands[m.Candidate]
			out.Meetings = append(out.Meetings, Proposed{Contact: answered[m.Invitee].Contact, Start: cand.Start, End: cand.End, Score: m.Score})
		}
		for i, inv := range answered {
			if !placed[i] {
				out.Unscheduled = append(out.Unscheduled, inv.Contact)
			}
		}
		out.Unscheduled = append(out.Unscheduled, silent...)
		sort.Slice(out.Unscheduled, func(i, j int) bool { return out.Unscheduled[i].ID < out.Unscheduled[j].ID })
		p.Suggestions = append(p.Suggestions, out)
	}
	return p, nil
}

// When is a time the owner typed: a wall-clock time in the calendar's zone,
// or an instant (when the text carried an offset).
type When struct {
	Civil *Civil
	At    time.Time
}

func (w When) in(loc *time.Location) time.Time {
	if w.Civil != nil {
		return w.Civil.In(loc)
	}
	return w.At.UTC()
}

// FinalItem is one meeting the owner chose.
type FinalItem struct {
	ContactID  int64
	Start, End When
}

type chosen struct {
	ContactID  int64
	Start, End time.Time
}

func finalErr(msg string) error { return errs.BadRequest("invalid_schedule", msg) }

// Finalize checks the chosen schedule, stores its meetings, makes the
// calendar read-only (its links stop working), and sends every scheduled
// invitee a calendar invitation and the owner a summary, through the
// outbox. Only one finalize of a calendar can succeed.
func (s *Service) Finalize(ctx context.Context, owner *domain.User, id int64, in []FinalItem) ([]domain.Meeting, error) {
	var out []domain.Meeting
	err := s.store.Tx(ctx, func(q *store.Q) error {
		c, err := finalizable(ctx, q, owner, id, true)
		if err != nil {
			return err
		}
		v, err := s.view(ctx, q, c)
		if err != nil {
			return err
		}
		items := make([]chosen, len(in))
		for i, it := range in {
			items[i] = chosen{it.ContactID, it.Start.in(v.Location), it.End.in(v.Location)}
		}
		byContact := map[int64]*domain.Invitation{}
		for i := range v.Invitations {
			byContact[v.Invitations[i].ContactID] = &v.Invitations[i]
		}
		seen := map[int64]bool{}
		for _, it := range items {
			k, err := q.ContactByID(ctx, it.ContactID)
			if err != nil || k.OwnerID != owner.ID {
				return finalErr("Invalid contact id")
			}
			inv := byContact[it.ContactID]
			if inv == nil {
				return finalErr("Contact not invited to calendar")
			}
			if seen[it.ContactID] {
				return finalErr(fmt.Sprintf("Contact scheduled more than once: %d", it.ContactID))
			}
			seen[it.ContactID] = true
			if !it.End.After(it.Start) {
				return finalErr(fmt.Sprintf("Invalid meeting time for contact: %d", it.ContactID))
			}
		}
		spans := make([]scheduling.Interval, len(items))
		for i, it := range items {
			spans[i] = scheduling.Interval{Start: it.Start, End: it.End}
		}
		if scheduling.Overlapping(spans) {
			return finalErr("Meeting times overlap")
		}
		for i, it := range items {
			if !inside(spans[i], v.OwnerSlots) {
				return finalErr(fmt.Sprintf("Meeting time outside your availability for contact: %d", it.ContactID))
			}
			if inv := byContact[it.ContactID]; inv.Responded && !inside(spans[i], v.Answers[inv.ID]) {
				return finalErr(fmt.Sprintf("Invalid meeting time for contact: %d", it.ContactID))
			}
		}
		now := s.clock.Now()
		if ok, err := q.FinalizeCalendar(ctx, c.ID, now); err != nil {
			return err
		} else if !ok {
			return errAlreadyFinalized
		}
		c.Finalized, c.FinalizedAt = true, &now
		// The meetings are stored in the order of their times.
		sort.Slice(items, func(i, j int) bool { return items[i].Start.Before(items[j].Start) })
		for _, it := range items {
			m := domain.Meeting{CalendarID: c.ID, ContactID: it.ContactID, Start: it.Start, End: it.End, CreatedAt: now, Contact: byContact[it.ContactID].Contact}
			if err := q.CreateMeeting(ctx, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return s.mailFinalized(ctx, q, owner, c, out)
	})
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return out, nil
}

// inside reports whether span lies within one of the slots.
func inside(span scheduling.Interval, slots []domain.WallSlot) bool {
	for _, sl := range slots {
		if spanOf(sl).Contains(span) {
			return true
		}
	}
	return false
}

// spanOf is the time a slot covers.
func spanOf(sl domain.WallSlot) scheduling.Interval {
	return scheduling.Interval{Start: sl.Start, End: sl.End}
}

// mailFinalized sends each scheduled invitee an invitation and the owner
// the whole schedule.
func (s *Service) mailFinalized(ctx context.Context, q *store.Q, owner *domain.User, c *domain.Calendar, list []domain.Meeting) error {
	now := s.clock.Now()
	loc := s.location(c.Timezone)
	ownerName := s.ownerName(owner)
	var events []notify.Event
	var lines []string
	for _, m := range list {
		k := m.Contact
		ev := s.meetingEvent(owner, c, &m, now)
		events = append(events, ev)
		st, en := m.Start.In(loc), m.End.In(loc)
		lines = append(lines, fmt.Sprintf("- %s: %s, %s", fullName(k.FirstName, k.LastName), st.Format("Monday, January 2, 2006"), clockSpan(st, en)))
		text := fmt.Sprintf("Hello %s,\n\nYou have a meeting scheduled with %s on %s from %s.\n\nMeeting: %s\n%s\n\nBest,\n%s Team\n",
			fullName(k.FirstName, k.LastName), ownerName, st.Format("2006-01-02"), mailSpan(st, en), c.Name, c.Description, s.SiteName)
		if _, err := s.outbox.Email(ctx, q, now, notify.Message{To: []string{k.Email}, Subject: "Meeting Scheduled", Text: text,
			Attachments: []notify.Attachment{notify.Invite(ev)}}, notify.Options{}); err != nil {
			return err
		}
	}
	if owner.Email == "" {
		return nil
	}
	var scheduled string
	switch len(list) {
	case 0:
		scheduled = "no meetings."
	case 1:
		scheduled = "one meeting:\n\n" + lines[0]
	default:
		scheduled = fmt.Sprintf("%d meetings:\n\n%s", len(list), strings.Join(lines, "\n"))
	}
	summary := fmt.Sprintf("Hello %s,\n\n\"%s\" is finalized with %s\n\nBest,\n%s Team\n", ownerName, c.Name, scheduled, s.SiteName)
	m := notify.Message{To: []string{owner.Email}, Subject: "Meetings scheduled: " + c.Name, Text: summary}
	if len(events) > 0 {
		m.Attachments = []notify.Attachment{notify.Invites(events...)}
	}
	_, err := s.outbox.Email(ctx, q, now, m, notify.Options{})
	return err
}

// mailSpan is a meeting's times as its invitee's e-mails give them: "13:00
// to 14:00 (EDT)", or "01:00 (EST) to 03:00 (EDT)" across a clock change.
func mailSpan(start, end time.Time) string {
	if start.Format("MST") != end.Format("MST") {
		return start.Format("15:04 (MST)") + " to " + end.Format("15:04 (MST)")
	}
	return start.Format("15:04") + " to " + end.Format("15:04") + " (" + start.Format("MST") + ")"
}

// clockSpan is "13:00 to 14:00 EDT", or "01:00 EST to 03:00 EDT" for a
// meeting across a clock change, whose ends have different zone names
// (naming only the start's said 03:00 EST, an hour late).
func clockSpan(start, end time.Time) string {
	if start.Format("MST") != end.Format("MST") {
		return start.Format("15:04 MST") + " to " + end.Format("15:04 MST")
	}
	return start.Format("15:04") + " to " + end.Format("15:04 MST")
}

// meetingEvent is the calendar event of a meeting, as its invitation
// carries it and as its cancellation names it.
func (s *Service) meetingEvent(owner *domain.User, c *domain.Calendar, m *domain.Meeting, now time.Time) notify.Event {
	k := m.Contact
	return notify.Event{
		UID: fmt.Sprintf("meeting-%d@%s", m.ID, s.SiteName), Start: m.Start, End: m.End, Stamp: now,
		Summary:     fmt.Sprintf("%s: %s and %s", c.Name, s.ownerName(owner), fullName(k.FirstName, k.LastName)),
		Description: c.Description,
		Organizer:   notify.Person{Name: s.ownerName(owner), Email: owner.Email},
		Attendees:   []notify.Person{{Name: fullName(k.FirstName, k.LastName), Email: k.Email}},
	}
}

// mailMeetingsCancelled tells a contact that their meetings still ahead
// are off (the contact is being deleted, and the meetings with it), with
// a cancellation of each calendar event their invitation carried.
func (s *Service) mailMeetingsCancelled(ctx context.Context, q *store.Q, owner *domain.User, k *domain.Contact) error {
	list, err := q.MeetingsOfContact(ctx, k.ID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, m := range list {
		if !now.Before(m.Start) {
			continue
		}
		c, err := q.CalendarByID(ctx, m.CalendarID, false)
		if err != nil {
			return err
		}
		ev := s.meetingEvent(owner, c, &m, now)
		ev.Cancel, ev.Sequence = true, 1
		loc := s.location(c.Timezone)
		st, en := m.Start.In(loc), m.End.In(loc)
		text := fmt.Sprintf("Hello %s,\n\nYour meeting with %s on %s from %s is cancelled.\n\nMeeting: %s\n\nBest,\n%s Team\n",
			fullName(k.FirstName, k.LastName), s.ownerName(owner), st.Format("2006-01-02"), mailSpan(st, en), c.Name, s.SiteName)
		if _, err := s.outbox.Email(ctx, q, now, notify.Message{To: []string{k.Email}, Subject: "Meeting Cancelled", Text: text,
			Attachments: []notify.Attachment{notify.Invite(ev)}}, notify.Options{}); err != nil {
			return err
		}
	}
	return nil
}
