package store

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

const contactColumns = "k.id, k.owner_id, k.first_name, k.last_name, k.email, k.created_at, k.updated_at"

func contactDest(k *domain.Contact) []any {
	return []any{&k.ID, &k.OwnerID, &k.FirstName, &k.LastName, &k.Email, scanTime(&k.CreatedAt), scanTime(&k.UpdatedAt)}
}

func (q *Q) contacts(ctx context.Context, where string, args ...any) ([]domain.Contact, error) {
	return list(ctx, q, contactDest, "SELECT "+contactColumns+" FROM contacts k WHERE "+where+" ORDER BY k.id", args...)
}

// ContactsOf lists an owner's contacts by id.
func (q *Q) ContactsOf(ctx context.Context, ownerID int64) ([]domain.Contact, error) {
	return q.contacts(ctx, "k.owner_id = ?", ownerID)
}

// ContactByID returns a contact.
func (q *Q) ContactByID(ctx context.Context, id int64) (*domain.Contact, error) {
	return first(q.contacts(ctx, "k.id = ?", id))
}

// ContactEmailTaken reports whether the owner has another contact with the
// e-mail address (ignoring case).
func (q *Q) ContactEmailTaken(ctx context.Context, ownerID int64, email string, exceptID int64) (bool, error) {
	return q.exists(ctx, "SELECT 1 FROM contacts WHERE owner_id = ? AND lower(email) = lower(?) AND id <> ?", ownerID, email, exceptID)
}

// CreateContact inserts a contact and sets its id.
func (q *Q) CreateContact(ctx context.Context, k *domain.Contact) error {
	return q.row(ctx, "INSERT INTO contacts (owner_id, first_name, last_name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		k.OwnerID, k.FirstName, k.LastName, k.Email, k.CreatedAt, k.UpdatedAt).Scan(&k.ID)
}

// UpdateContact writes a contact's fields.
func (q *Q) UpdateContact(ctx context.Context, k *domain.Contact) error {
	_, err := q.exec(ctx, "UPDATE contacts SET first_name = ?, last_name = ?, email = ?, updated_at = ? WHERE id = ?",
		k.FirstName, k.LastName, k.Email, k.UpdatedAt, k.ID)
	return err
}

// DeleteContact removes a contact, its invitations and its meetings.
func (q *Q) DeleteContact(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, "DELETE FROM contacts WHERE id = ?", id)
	return err
}

const calendarColumns = `c.id, c.owner_id, c.name, c.description, c.deadline, c.meeting_length, c.timezone, c.link_base,
	c.finalized, c.finalized_at, c.created_at, c.updated_at`

func calendarDest(c *domain.Calendar) []any {
	return []any{&c.ID, &c.OwnerID, &c.Name, &c.Description, scanTime(&c.Deadline), &c.MeetingLength, &c.Timezone, &c.LinkBase,
		&c.Finalized, scanNullTime(&c.FinalizedAt), scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt)}
}

func (q *Q) calendars(ctx context.Context, where string, args ...any) ([]domain.Calendar, error) {
	return list(ctx, q, calendarDest, "SELECT "+calendarColumns+" FROM calendars c WHERE "+where+" ORDER BY c.id", args...)
}

// CalendarByID returns a calendar; with lock, its row stays locked until the
// transaction ends (PostgreSQL).
func (q *Q) CalendarByID(ctx context.Context, id int64, lock bool) (*domain.Calendar, error) {
	query := "SELECT " + calendarColumns + " FROM calendars c WHERE c.id = ?"
	if lock && q.s.engine == Postgres {
		query += " FOR UPDATE"
	}
	return get(ctx, q, calendarDest, query, id)
}

// CalendarsOf lists an owner's calendars by id.
func (q *Q) CalendarsOf(ctx context.Context, ownerID int64) ([]domain.Calendar, error) {
	return q.calendars(ctx, "c.owner_id = ?", ownerID)
}

// CreateCalendar inserts a calendar and sets its id.
func (q *Q) CreateCalendar(ctx context.Context, c *domain.Calendar) error {
	return q.row(ctx, `INSERT INTO calendars (owner_id, name, description, deadline, meeting_length, timezone, link_base, finalized,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.OwnerID, c.Name, c.Description, c.Deadline, c.MeetingLength, c.Timezone, c.LinkBase, false, c.CreatedAt, c.UpdatedAt).Scan(&c.ID)
}

// UpdateCalendar writes a calendar's editable fields, only while it is not
// finalized; it reports whether it wrote.
func (q *Q) UpdateCalendar(ctx context.Context, c *domain.Calendar) (bool, error) {
	n, err := q.affected(ctx, `UPDATE calendars SET name = ?, description = ?, deadline = ?, meeting_length = ?, updated_at = ?
		WHERE id = ? AND finalized = ?`, c.Name, c.Description, c.Deadline, c.MeetingLength, c.UpdatedAt, c.ID, false)
	return n == 1, err
}

// FinalizeCalendar marks a calendar finalized, only if it was not
// (compare-and-swap); it reports whether this call did it.
func (q *Q) FinalizeCalendar(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.affected(ctx, "UPDATE calendars SET finalized = ?, finalized_at = ?, updated_at = ? WHERE id = ? AND finalized = ?",
		true, now, now, id, false)
	return n == 1, err
}

// OpenCalendarsWithDeadlineIn lists calendars not finalized whose deadline
// falls in (from, to].
func (q *Q) OpenCalendarsWithDeadlineIn(ctx context.Context, from, to time.Time) ([]domain.Calendar, error) {
	return q.calendars(ctx, "c.finalized = ? AND c.deadline > ? AND c.deadline <= ?", false, from, to)
}

func wallDest(s *domain.WallSlot) []any {
	return []any{&s.ID, &s.Day, &s.StartClock, &s.EndClock, &s.Preference, scanTime(&s.Start), scanTime(&s.End)}
}

// OwnerSlotsOf lists a calendar's owner slots by start.
func (q *Q) OwnerSlotsOf(ctx context.Context, calendarID int64) ([]domain.WallSlot, error) {
	return list(ctx, q, wallDest, `SELECT id, day, start_clock, end_clock, preference, start_time, end_time FROM owner_slots
		WHERE calendar_id = ? ORDER BY start_time, id`, calendarID)
}

// AddOwnerSlot inserts an owner slot and sets its id.
func (q *Q) AddOwnerSlot(ctx context.Context, calendarID int64, s *domain.WallSlot) error {
	return q.row(ctx, `INSERT INTO owner_slots (calendar_id, day, start_clock, end_clock, preference, start_time, end_time)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, calendarID, s.Day, s.StartClock, s.EndClock, s.Preference, s.Start, s.End).Scan(&s.ID)
}

// RemoveOwnerSlots deletes the calendar's owner slots with these ids; other
// ids are ignored.
func (q *Q) RemoveOwnerSlots(ctx context.Context, calendarID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.exec(ctx, "DELETE FROM owner_slots WHERE calendar_id = ? AND id IN ("+placeholders(len(ids))+")", append([]any{calendarID}, anys(ids...)...)...)
	return err
}

func invitationDest(v *domain.Invitation) []any {
	return append([]any{&v.ID, &v.CalendarID, &v.ContactID, &v.TokenHash, &v.TokenSeed, &v.Responded, scanNullTime(&v.RespondedAt),
		scanTime(&v.CreatedAt)}, contactDest(&v.Contact)...)
}

func (q *Q) invitations(ctx context.Context, where string, args ...any) ([]domain.Invitation, error) {
	return list(ctx, q, invitationDest, `SELECT i.id, i.calendar_id, i.contact_id, i.token_hash, i.token_seed, i.responded, i.responded_at, i.created_at, `+
		contactColumns+` FROM invitations i JOIN contacts k ON k.id = i.contact_id WHERE `+where+" ORDER BY i.contact_id", args...)
}

// InvitationsOf lists a calendar's invitations, by contact id.
func (q *Q) InvitationsOf(ctx context.Context, calendarID int64) ([]domain.Invitation, error) {
	return q.invitations(ctx, "i.calendar_id = ?", calendarID)
}

// InvitationByTokenHash finds an invitation by the hash of its token.
func (q *Q) InvitationByTokenHash(ctx context.Context, hash string) (*domain.Invitation, error) {
	return first(q.invitations(ctx, "i.token_hash = ?", hash))
}

// InvitationByID returns an invitation.
func (q *Q) InvitationByID(ctx context.Context, id int64) (*domain.Invitation, error) {
	return first(q.invitations(ctx, "i.id = ?", id))
}

// CreateInvitation inserts an invitation and sets its id.
func (q *Q) CreateInvitation(ctx context.Context, v *domain.Invitation) error {
	return q.row(ctx, `INSERT INTO invitations (calendar_id, contact_id, token_hash, token_seed, responded, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, v.CalendarID, v.ContactID, v.TokenHash, v.TokenSeed, false, v.CreatedAt).Scan(&v.ID)
}

// RemoveInvitations deletes the calendar's invitations of these contacts
// (with their answers); others are ignored.
func (q *Q) RemoveInvitations(ctx context.Context, calendarID int64, contactIDs []int64) error {
	if len(contactIDs) == 0 {
		return nil
	}
	_, err := q.exec(ctx, "DELETE FROM invitations WHERE calendar_id = ? AND contact_id IN ("+placeholders(len(contactIDs))+")",
		append([]any{calendarID}, anys(contactIDs...)...)...)
	return err
}

// MarkResponded records an answer, only once (compare-and-swap).
func (q *Q) MarkResponded(ctx context.Context, invitationID int64, now time.Time) (bool, error) {
	n, err := q.affected(ctx, "UPDATE invitations SET responded = ?, responded_at = ? WHERE id = ? AND responded = ?", true, now, invitationID, false)
	return n == 1, err
}

// AddInviteeSlot stores one slot of an answer.
func (q *Q) AddInviteeSlot(ctx context.Context, invitationID int64, s *domain.WallSlot) error {
	return q.row(ctx, `INSERT INTO invitee_slots (invitation_id, day, start_clock, end_clock, preference, start_time, end_time)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, invitationID, s.Day, s.StartClock, s.EndClock, s.Preference, s.Start, s.End).Scan(&s.ID)
}

// InviteeSlotsOf returns the answers of a calendar's invitations, by
// invitation id, in one query.
func (q *Q) InviteeSlotsOf(ctx context.Context, calendarID int64) (map[int64][]domain.WallSlot, error) {
	out := map[int64][]domain.WallSlot{}
	err := q.each(ctx, func(sc scanner) error {
		var inv int64
		var s domain.WallSlot
		if err := sc.Scan(append([]any{&inv}, wallDest(&s)...)...); err != nil {
			return err
		}
		out[inv] = append(out[inv], s)
		return nil
	}, `SELECT s.invitation_id, s.id, s.day, s.start_clock, s.end_clock, s.preference, s.start_time, s.end_time
		FROM invitee_slots s JOIN invitations i ON i.id = s.invitation_id WHERE i.calendar_id = ? ORDER BY s.start_time, s.id`, calendarID)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateMeeting inserts a meeting and sets its id.
func (q *Q) CreateMeeting(ctx context.Context, m *domain.Meeting) error {
	return q.row(ctx, "INSERT INTO meetings (calendar_id, contact_id, start_time, end_time, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		m.CalendarID, m.ContactID, m.Start, m.End, m.CreatedAt).Scan(&m.ID)
}

// MeetingsOf lists meetings of the calendars (by start), in one query.
func (q *Q) MeetingsOf(ctx context.Context, calendarIDs ...int64) ([]domain.Meeting, error) {
	if len(calendarIDs) == 0 {
		return nil, nil
	}
	return list(ctx, q, meetingDest, "SELECT m.id, m.calendar_id, m.contact_id, m.start_time, m.end_time, m.created_at, "+contactColumns+
		" FROM meetings m JOIN contacts k ON k.id = m.contact_id WHERE m.calendar_id IN ("+placeholders(len(calendarIDs))+") ORDER BY m.start_time, m.id",
		anys(calendarIDs...)...)
}

// MeetingsOfContact lists a contact's meetings (by start).
func (q *Q) MeetingsOfContact(ctx context.Context, contactID int64) ([]domain.Meeting, error) {
	return list(ctx, q, meetingDest, "SELECT m.id, m.calendar_id, m.contact_id, m.start_time, m.end_time, m.created_at, "+contactColumns+
		" FROM meetings m JOIN contacts k ON k.id = m.contact_id WHERE m.contact_id = ? ORDER BY m.start_time, m.id", contactID)
}

func meetingDest(m *domain.Meeting) []any {
	return append([]any{&m.ID, &m.CalendarID, &m.ContactID, scanTime(&m.Start), scanTime(&m.End), scanTime(&m.CreatedAt)}, contactDest(&m.Contact)...)
}
