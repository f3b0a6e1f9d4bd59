package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
)

// translate is the store's error boundary: every error from the driver
// passes through it on its way up, so that nothing above the store sees a
// driver's error type or a constraint's name. A refused write becomes an
// *errs.Violation naming the rule it broke; an unreachable database becomes
// a KindUnavailable error. Both keep the driver's error as their cause, for
// logs. Anything else passes unchanged (sql.ErrNoRows among them: one maps
// it to ErrNotFound).
func translate(err error) error {
	if err == nil {
		return nil
	}
	if name, ok := constraint(err); ok {
		return &errs.Violation{Rule: string(rules[name]), Err: err}
	}
	if unavailable(err) {
		return errs.UnavailableCause(err)
	}
	return err
}

// ruleConstraints lists the constraints behind each domain rule, under each
// engine's name for them (see constraint): PostgreSQL's first, then
// SQLite's where it differs. A constraint not listed still becomes a
// Violation, of no named rule.
var ruleConstraints = map[domain.Rule][]string{
	domain.RuleUniqueUsername:     {"users_username_key", "users.username"},
	domain.RuleUniqueEmail:        {"users_email_key"}, // on lower(email): SQLite names the index too
	domain.RuleUniquePhone:        {"users_phone_number_key", "users.phone_number"},
	domain.RuleOneMentorProfile:   {"mentors_pkey", "mentors.user_id"},
	domain.RuleOneMenteeProfile:   {"mentees_pkey", "mentees.user_id"},
	domain.RuleOneSeat:            {"group_participants_session_id_user_id_key", "group_participants.session_id, group_participants.user_id"},
	domain.RuleOneWaitlistPlace:   {"group_waitlist_session_id_user_id_key", "group_waitlist.session_id, group_waitlist.user_id"},
	domain.RuleOneInvitation:      {"invitations_calendar_id_contact_id_key", "invitations.calendar_id, invitations.contact_id"},
	domain.RuleUniqueContactEmail: {"contacts_owner_id_email_key"}, // on lower(email)
	// Exclusion constraints, on PostgreSQL only.
	domain.RuleNoAvailabilityOverlap:   {"availabilities_no_overlap"},
	domain.RuleNoMentorSessionsOverlap: {"sessions_mentor_no_overlap"},
	domain.RuleNoMenteeSessionsOverlap: {"sessions_mentee_no_overlap"},
}

// rules is ruleConstraints by constraint name.
var rules = func() map[string]domain.Rule {
	m := map[string]domain.Rule{}
	for rule, names := range ruleConstraints {
		for _, n := range names {
			m[n] = rule
		}
	}
	return m
}()

// constraint reports whether err is a unique-key or exclusion violation, and
// names the constraint as the engine does: PostgreSQL by the constraint's or
// index's name; SQLite, in its message, by the index's name for an index on
// expressions and by its columns ("users.username") otherwise.
func constraint(err error) (string, bool) {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.ConstraintName, pg.Code == "23505" || pg.Code == "23P01" // unique_violation, exclusion_violation
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		if se.Code() != 2067 && se.Code() != 1555 { // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
			return "", false
		}
		msg := se.Error()
		i := strings.LastIndex(msg, "constraint failed: ")
		if i < 0 {
			return "", true
		}
		name, _, _ := strings.Cut(msg[i+len("constraint failed: "):], " (")
		if index, ok := strings.CutPrefix(name, "index '"); ok {
			return strings.TrimSuffix(index, "'"), true
		}
		return name, true
	}
	return "", false
}

// transient reports whether err is a conflict between transactions (deadlock,
// serialization failure, SQLite busy) that running the transaction again clears.
func transient(err error) bool {
	if errors.Is(err, errBatchUndone) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff
		return code == 5 || code == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return false
}

// unavailable reports whether err means the database cannot be reached
// (refused or dropped connections, a server shutting down), as opposed to a
// problem with the query: the request may succeed later.
func unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// admin shutdown, crash shutdown, cannot connect now, too many connections
		return pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || pg.Code == "53300" || strings.HasPrefix(pg.Code, "08")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var op *net.OpError
	return errors.As(err, &ce) || errors.As(err, &op) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}
