package meetings

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/scheduling"
	"github.com/mentord/mentord/internal/store"
)

// Civil is a wall-clock date and time, read in a calendar's time zone.
type Civil struct {
	Year           int
	Month          time.Month
	Day            int
	Hour, Min, Sec int
}

// In is the instant the wall-clock time stands for in loc, read as weekly
// hours are (scheduling.Date.At): a time that a spring-forward change skips
// is the end of the gap. (time.Date reads it an hour early, which put a slot
// starting at 02:00 on such a night at 01:00.)
func (c Civil) In(loc *time.Location) time.Time {
	d := scheduling.Date{Year: c.Year, Month: c.Month, Day: c.Day}
	return d.At(time.Duration(c.Hour)*time.Hour+time.Duration(c.Min)*time.Minute+time.Duration(c.Sec)*time.Second, loc)
}

// Date is the YYYY-MM-DD part.
func (c Civil) Date() string { return fmt.Sprintf("%04d-%02d-%02d", c.Year, c.Month, c.Day) }

// Clock is the HH:MM:SS part.
func (c Civil) Clock() string { return fmt.Sprintf("%02d:%02d:%02d", c.Hour, c.Min, c.Sec) }

// SlotInput is an owner slot: a day, a start and end clock time, and a
// preference 1-3.
type SlotInput struct {
	Start, End Civil // same day
	Pref       int
}

// CalendarInput is a new calendar; nil fields were not sent.
type CalendarInput struct {
	Name, Description *string
	Deadline          *time.Time
	Invitees          []int64 // nil when not sent
	Slots             []SlotInput
	MeetingLength     *int
	Timezone          *string
	Unread            *errs.Invalid // the surface's reading problems, reported with these checks (errs.Begin)
}

// CalendarChange is an update; nil and empty fields change nothing.
type CalendarChange struct {
	Name, Description *string
	Deadline          *time.Time
	MeetingLength     *int
	AddInvitees       []int64
	RemoveInvitees    []int64
	AddSlots          []SlotInput
	RemoveSlots       []int64
	Unread            *errs.Invalid // see CalendarInput.Unread
}

// Empty reports whether the change asks for nothing.
func (c CalendarChange) Empty() bool {
	return c.Name == nil && c.Description == nil && c.Deadline == nil && c.MeetingLength == nil && c.AddInvitees == nil &&
		c.RemoveInvitees == nil && c.AddSlots == nil && c.RemoveSlots == nil && c.Unread.Empty()
}

// View is a calendar with its slots, invitations and answers.
type View struct {
	Calendar    domain.Calendar
	Location    *time.Location
	OwnerSlots  []domain.WallSlot
	Invitations []domain.Invitation
	Answers     map[int64][]domain.WallSlot // by invitation id
}

// Messages of the document.
const (
	MsgPastDate      = "Available date cannot be in the past."
	MsgEndAfterStart = "End time must be after start time."
	MsgPreference    = "Preference level must be either 1, 2, or 3 (3 being highest preference)."
	MsgSlotsOverlap  = "Availability slots may not overlap."
	MsgPastDeadline  = "Deadline cannot be in the past."
	MsgNoContact     = "Contact does not exist."
	MsgFinalized     = "Calendar has been finalized and can no longer be changed."
)

func (s *Service) location(name string) *time.Location { return zone(name) }

func zone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Location is the time zone of the calendar's wall-clock times.
func Location(c *domain.Calendar) *time.Location { return zone(c.Timezone) }

// WallLayout writes a wall-clock time of a calendar's zone without a zone
// suffix, as the scheduler's original API did.
const WallLayout = "2006-01-02T15:04:05"

// CivilOf is the wall-clock time of t in loc.
func CivilOf(t time.Time, loc *time.Location) Civil {
	l := t.In(loc)
	return Civil{l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second()}
}

// nameable reports whether the wall-clock time of t in loc stands for t
// alone: not so in the hour repeated when clocks go back, whose wall-clock
// times stand for the earlier instant.
func nameable(t time.Time, loc *time.Location) bool { return CivilOf(t, loc).In(loc).Equal(t) }

// toSlots checks owner slots (in loc) and turns them into stored slots.
func (s *Service) toSlots(v *errs.Invalid, field string, in []SlotInput, loc *time.Location) []domain.WallSlot {
	if v.Has(field) {
		return nil
	}
	today := s.clock.Now().In(loc)
	todayDate := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var out []domain.WallSlot
	for _, si := range in {
		day := time.Date(si.Start.Year, si.Start.Month, si.Start.Day, 0, 0, 0, 0, time.UTC)
		start, end := si.Start.In(loc), si.End.In(loc)
		switch {
		case day.Before(todayDate):
			v.Add(field, "past_date", MsgPastDate)
		case !end.After(start):
			v.Add(field, "end_before_start", MsgEndAfterStart)
		case si.Pref < 1 || si.Pref > 3:
			v.Add(field, "preference", MsgPreference)
		default:
			out = append(out, domain.WallSlot{Day: si.Start.Date(), StartClock: si.Start.Clock(), EndClock: si.End.Clock(), Preference: si.Pref, Start: start, End: end})
			continue
		}
		return nil
	}
	return out
}

// overlapping reports whether any two of the slots overlap.
func overlapping(slots []domain.WallSlot) bool {
	spans := make([]scheduling.Interval, len(slots))
	for i, sl := range slots {
		spans[i] = spanOf(sl)
	}
	return scheduling.Overlapping(spans)
}

func (s *Service) checkFields(v *errs.Invalid, c *domain.Calendar, name, description *string, deadline *time.Time, length *int) {
	if name != nil {
		if n := checkName(v, "name", name, true); !v.Has("name") {
			c.Name = n
		}
	}
	if description != nil && !v.Has("description") {
		d := strings.TrimSpace(*description)
		switch {
		case d == "":
			v.FieldArg("description", errs.CodeBlank, nil)
		case utf8.RuneCountInString(d) > MaxDescription:
			v.FieldArg("description", errs.CodeMaxLength, MaxDescription)
		default:
			c.Description = d
		}
	}
	if deadline != nil && !v.Has("deadline") {
		if !deadline.After(s.clock.Now()) {
			v.Add("deadline", "past", MsgPastDeadline)
		} else {
			c.Deadline = *deadline
		}
	}
	if length != nil && !v.Has("meeting_length") {
		if *length < MinMeeting || *length > MaxMeeting {
			v.Add("meeting_length", "range", fmt.Sprintf("Meeting length must be between %d and %d minutes.", MinMeeting, MaxMeeting))
		} else {
			c.MeetingLength = *length
		}
	}
}

// checkInvitees validates contact ids for a calendar of owner.
func checkInvitees(ctx context.Context, q *store.Q, v *errs.Invalid, field string, owner *domain.User, ids []int64, foreign string) []domain.Contact {
	if v.Has(field) {
		return nil
	}
	var out []domain.Contact
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		k, err := q.ContactByID(ctx, id)
		switch {
		case err != nil:
			v.Add(field, "does_not_exist", MsgNoContact)
		case k.OwnerID != owner.ID:
			v.Add(field, "foreign", foreign)
		default:
			out = append(out, *k)
			continue
		}
		return nil
	}
	return out
}

// CreateCalendar makes a calendar with the owner's slots and invites the
// contacts: each gets an e-mail with a private link to answer, through the
// outbox, in the same transaction.
// linkPattern is the response link of its invitations (see
// domain.Calendar.LinkBase).
func (s *Service) CreateCalendar(ctx context.Context, owner *domain.User, in CalendarInput, linkPattern string) (*View, error) {
	v := errs.Begin(in.Unread)
	for _, req := range []struct {
		name string
		ok   bool
	}{{"name", in.Name != nil}, {"description", in.Description != nil}, {"deadline", in.Deadline != nil}, {"available_slots", in.Slots != nil}} {
		if !req.ok && !v.Has(req.name) {
			v.FieldArg(req.name, errs.CodeRequired, nil)
		}
	}
	tz := owner.Timezone
	if in.Timezone != nil && !v.Has("timezone") {
		tz = strings.TrimSpace(*in.Timezone)
		if !accounts.ValidTimezone(tz) {
			v.FieldArg("timezone", errs.CodeInvalidChoice, *in.Timezone)
		}
	}
	if !accounts.ValidTimezone(tz) {
		tz = "UTC"
	}
	now := s.clock.Now()
	c := &domain.Calendar{OwnerID: owner.ID, MeetingLength: 60, Timezone: tz, LinkBase: linkPattern, CreatedAt: now, UpdatedAt: now}
	s.checkFields(v, c, in.Name, in.Description, in.Deadline, in.MeetingLength)
	loc := s.location(tz)
	slots := s.toSlots(v, "available_slots", in.Slots, loc)
	if !v.Has("available_slots") && overlapping(slots) {
		v.Add("available_slots", "overlap", MsgSlotsOverlap)
	}
	var view *View
	err := s.store.Tx(ctx, func(q *store.Q) error {
		invitees := checkInvitees(ctx, q, v, "invitees", owner, in.Invitees, "Invalid contact id.")
		if err := v.Err(); err != nil {
			return err
		}
		if err := q.CreateCalendar(ctx, c); err != nil {
			return err
		}
		if err := s.addSlotsAndInvite(ctx, q, owner, c, slots, invitees); err != nil {
			return err
		}
		var err error
		view, err = s.view(ctx, q, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return view, nil
}

// addSlotsAndInvite stores new owner slots of a calendar and invites new
// contacts.
func (s *Service) addSlotsAndInvite(ctx context.Context, q *store.Q, owner *domain.User, c *domain.Calendar, slots []domain.WallSlot, invitees []domain.Contact) error {
	for i := range slots {
		if err := q.AddOwnerSlot(ctx, c.ID, &slots[i]); err != nil {
			return err
		}
	}
	for _, k := range invitees {
		if err := s.invite(ctx, q, owner, c, k); err != nil {
			return err
		}
	}
	return nil
}

// invite creates an invitation and enqueues its e-mail.
func (s *Service) invite(ctx context.Context, q *store.Q, owner *domain.User, c *domain.Calendar, k domain.Contact) error {
	inv := s.newInvitation(c.ID, k.ID)
	if err := q.CreateInvitation(ctx, inv); err != nil {
		return err
	}
	inv.Contact = k
	_, err := s.outbox.Email(ctx, q, s.clock.Now(), s.invitationMail(owner, c, inv), notify.Options{Sensitive: true})
	return err
}

func (s *Service) view(ctx context.Context, q *store.Q, c *domain.Calendar) (*View, error) {
	v := &View{Calendar: *c, Location: s.location(c.Timezone)}
	var err error
	if v.OwnerSlots, err = q.OwnerSlotsOf(ctx, c.ID); err != nil {
		return nil, err
	}
	if v.Invitations, err = q.InvitationsOf(ctx, c.ID); err != nil {
		return nil, err
	}
	if v.Answers, err = q.InviteeSlotsOf(ctx, c.ID); err != nil {
		return nil, err
	}
	return v, nil
}

// ownCalendar loads a calendar that must be the owner's. Someone else's is
// reported as missing (404) or, with forbid, as forbidden (403).
func ownCalendar(ctx context.Context, q *store.Q, owner *domain.User, id int64, lock, forbid bool) (*domain.Calendar, error) {
	c, err := q.CalendarByID(ctx, id, lock)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if c.OwnerID != owner.ID {
		if forbid {
			return nil, errs.Forbidden("not_owner", "")
		}
		return nil, errNotFound
	}
	return c, nil
}

// CalendarMeetings returns one of the owner's calendars with its meetings
// (none until it is finalized), by start.
func (s *Service) CalendarMeetings(ctx context.Context, owner *domain.User, id int64) (*domain.Calendar, []domain.Meeting, error) {
	c, err := ownCalendar(ctx, s.store.Q, owner, id, false, false)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.store.MeetingsOf(ctx, c.ID)
	return c, list, err
}

// Calendar returns one of the owner's calendars in full.
func (s *Service) Calendar(ctx context.Context, owner *domain.User, id int64) (*View, error) {
	c, err := ownCalendar(ctx, s.store.Q, owner, id, false, false)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, s.store.Q, c)
}

// CheckEdit reports why the owner may not edit the calendar, or nil: the
// check UpdateCalendar makes before it looks at the change (someone else's
// calendar is missing to them, as on reading it).
func (s *Service) CheckEdit(ctx context.Context, owner *domain.User, id int64) error {
	_, err := ownCalendar(ctx, s.store.Q, owner, id, false, false)
	return err
}

// UpdateCalendar changes a calendar that is not finalized. New invitees are
// e-mailed; removing invitees or slots that are not there is ignored.
func (s *Service) UpdateCalendar(ctx context.Context, owner *domain.User, id int64, ch CalendarChange) (*View, error) {
	var view *View
	err := s.store.Tx(ctx, func(q *store.Q) error {
		c, err := ownCalendar(ctx, q, owner, id, true, false)
		if err != nil {
			return err
		}
		if ch.Empty() {
			return errs.NonField("no_input", "No input.")
		}
		if c.Finalized {
			return errs.BadRequest("finalized", MsgFinalized)
		}
		v := errs.Begin(ch.Unread)
		s.checkFields(v, c, ch.Name, ch.Description, ch.Deadline, ch.MeetingLength)
		loc := s.location(c.Timezone)
		added := s.toSlots(v, "add_availabilities", ch.AddSlots, loc)
		invitations, err := q.InvitationsOf(ctx, c.ID)
		if err != nil {
			return err
		}
		invited := map[int64]bool{}
		for _, inv := range invitations {
			invited[inv.ContactID] = true
		}
		for _, id := range ch.RemoveInvitees {
			invited[id] = false
		}
		newInvitees := checkInvitees(ctx, q, v, "add_invitees", owner, ch.AddInvitees, "You do not have permission to add this contact.")
		for _, k := range newInvitees {
			if invited[k.ID] {
				v.Add("add_invitees", "already_invited", "This contact is already invited.")
				break
			}
		}
		if !v.Has("add_availabilities") && len(added) > 0 {
			existing, err := q.OwnerSlotsOf(ctx, c.ID)
			if err != nil {
				return err
			}
			removed := map[int64]bool{}
			for _, id := range ch.RemoveSlots {
				removed[id] = true
			}
			all := added
			for _, sl := range existing {
				if !removed[sl.ID] {
					all = append(all, sl)
				}
			}
			if overlapping(all) {
				v.Add("add_availabilities", "overlap", MsgSlotsOverlap)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		c.UpdatedAt = s.clock.Now()
		if ok, err := q.UpdateCalendar(ctx, c); err != nil {
			return err
		} else if !ok {
			return errs.BadRequest("finalized", MsgFinalized)
		}
		if err := q.RemoveInvitations(ctx, c.ID, ch.RemoveInvitees); err != nil {
			return err
		}
		if err := q.RemoveOwnerSlots(ctx, c.ID, ch.RemoveSlots); err != nil {
			return err
		}
		if err := s.addSlotsAndInvite(ctx, q, owner, c, added, newInvitees); err != nil {
			return err
		}
		view, err = s.view(ctx, q, c)
		return err
	})
	if errs.Violated(err, domain.RuleOneInvitation) {
		return nil, errs.Field("add_invitees", "already_invited", "This contact is already invited.")
	}
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return view, nil
}

// Home lists the owner's calendars with the meetings of the finalized ones.
func (s *Service) Home(ctx context.Context, owner *domain.User) ([]domain.Calendar, map[int64][]domain.Meeting, error) {
	cals, err := s.store.CalendarsOf(ctx, owner.ID)
	if err != nil {
		return nil, nil, err
	}
	var ids []int64
	for _, c := range cals {
		if c.Finalized {
			ids = append(ids, c.ID)
		}
	}
	list, err := s.store.MeetingsOf(ctx, ids...)
	if err != nil {
		return nil, nil, err
	}
	byCal := map[int64][]domain.Meeting{}
	for _, m := range list {
		byCal[m.CalendarID] = append(byCal[m.CalendarID], m)
	}
	return cals, byCal, nil
}

// Remind e-mails an invitee who has not answered yet; it returns the
// document's message for either case.
func (s *Service) Remind(ctx context.Context, owner *domain.User, calendarID, contactID int64) (string, error) {
	var msg string
	err := s.store.Tx(ctx, func(q *store.Q) error {
		c, err := ownCalendar(ctx, q, owner, calendarID, false, true)
		if err != nil {
			return err
		}
		if c.Finalized {
			return errs.BadRequest("finalized", "Calendar is already finalized")
		}
		k, err := q.ContactByID(ctx, contactID)
		if err != nil || k.OwnerID != owner.ID {
			return errs.NotFound("contact_not_found", "Contact not found.")
		}
		invs, err := q.InvitationsOf(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, inv := range invs {
			if inv.ContactID != contactID {
				continue
			}
			name := fullName(k.FirstName, k.LastName)
			if inv.Responded {
				msg = name + " has already responded"
				return nil
			}
			msg = "Reminder email successfully sent to " + name
			_, err := s.outbox.Email(ctx, q, s.clock.Now(), s.reminderMail(owner, c, &inv), notify.Options{Sensitive: true})
			return err
		}
		return errs.NotFound("not_invitee", "Contact is not an invitee.")
	})
	if err == nil {
		s.outbox.Kick()
	}
	return msg, err
}
