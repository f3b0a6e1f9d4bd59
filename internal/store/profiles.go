package store

import (
	"context"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// CreateMentor inserts a mentor profile with its skills.
func (q *Q) CreateMentor(ctx context.Context, m *domain.Mentor) error {
	if _, err := q.exec(ctx, "INSERT INTO mentors (user_id, about_me, team_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		m.UserID, m.AboutMe, m.TeamNumber, m.CreatedAt, m.UpdatedAt); err != nil {
		return err
	}
	return q.putSkills(ctx, m.UserID, m.Skills)
}

// UpdateMentor writes a mentor profile and replaces its skills.
func (q *Q) UpdateMentor(ctx context.Context, m *domain.Mentor) error {
	if _, err := q.exec(ctx, "UPDATE mentors SET about_me = ?, team_number = ?, updated_at = ? WHERE user_id = ?",
		m.AboutMe, m.TeamNumber, m.UpdatedAt, m.UserID); err != nil {
		return err
	}
	if _, err := q.exec(ctx, "DELETE FROM mentor_skills WHERE mentor_id = ?", m.UserID); err != nil {
		return err
	}
	return q.putSkills(ctx, m.UserID, m.Skills)
}

func (q *Q) putSkills(ctx context.Context, mentorID int64, skills []string) error {
	if len(skills) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO mentor_skills (mentor_id, position, name, name_key) VALUES ")
	args := make([]any, 0, 4*len(skills))
	for i, s := range skills {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
		args = append(args, mentorID, i, s, domain.SkillKey(s))
	}
	_, err := q.exec(ctx, b.String(), args...)
	return err
}

// DeleteMentor removes a mentor profile.
func (q *Q) DeleteMentor(ctx context.Context, userID int64) (bool, error) {
	n, err := q.affected(ctx, "DELETE FROM mentors WHERE user_id = ?", userID)
	return n > 0, err
}

// MentorOf returns the mentor profile of a user.
func (q *Q) MentorOf(ctx context.Context, userID int64) (*domain.Mentor, error) {
	m, err := get(ctx, q, func(m *domain.Mentor) []any {
		return []any{&m.UserID, &m.AboutMe, &m.TeamNumber, scanTime(&m.CreatedAt), scanTime(&m.UpdatedAt)}
	}, "SELECT user_id, about_me, team_number, created_at, updated_at FROM mentors WHERE user_id = ?", userID)
	if err != nil {
		return nil, err
	}
	skills, err := q.skillsWhere(ctx, "ms.mentor_id = ?", userID)
	if err != nil {
		return nil, err
	}
	m.Skills = skills[userID]
	return m, nil
}

// skillsWhere loads the skills of the mentors selected by cond, in order.
func (q *Q) skillsWhere(ctx context.Context, cond string, args ...any) (map[int64][]string, error) {
	out := map[int64][]string{}
	err := q.each(ctx, func(sc scanner) error {
		var id int64
		var name string
		if err := sc.Scan(&id, &name); err != nil {
			return err
		}
		out[id] = append(out[id], name)
		return nil
	}, "SELECT ms.mentor_id, ms.name FROM mentor_skills ms WHERE "+cond+" ORDER BY ms.mentor_id, ms.position", args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListMentors returns the active users flagged as mentors, by id, with their
// profiles. When skillKeys is not empty, only mentors with a profile holding
// every one of those skills (matched on whole, lower-cased names) are listed.
// It always takes two queries, however many mentors there are.
func (q *Q) ListMentors(ctx context.Context, skillKeys []string) ([]domain.MentorListing, error) {
	cond := "u.is_mentor = ? AND u.is_active = ?"
	args := []any{true, true}
	if len(skillKeys) > 0 {
		cond += " AND u.id IN (SELECT mentor_id FROM mentor_skills WHERE name_key IN (" + placeholders(len(skillKeys)) +
			") GROUP BY mentor_id HAVING COUNT(*) = ?)"
		args = append(append(args, anys(skillKeys...)...), len(skillKeys))
	}
	// The rows are closed before the skills are read: a transaction has
	// one connection.
	var out []domain.MentorListing
	err := q.each(ctx, func(sc scanner) error {
		var l domain.MentorListing
		var mid *int64
		var about *string
		var team *int
		var created, updated *time.Time
		if err := scanUser(sc, &l.User, &mid, &about, &team, scanNullTime(&created), scanNullTime(&updated)); err != nil {
			return err
		}
		if mid != nil {
			l.Mentor = &domain.Mentor{UserID: *mid, AboutMe: *about, TeamNumber: *team, CreatedAt: *created, UpdatedAt: *updated}
		}
		out = append(out, l)
		return nil
	}, "SELECT "+userColumns+`, m.user_id, m.about_me, m.team_number, m.created_at, m.updated_at
		FROM users u LEFT JOIN mentors m ON m.user_id = u.id WHERE `+cond+" ORDER BY u.id", args...)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	skills, err := q.skillsWhere(ctx, "ms.mentor_id IN (SELECT u.id FROM users u WHERE "+cond+")", args...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Mentor != nil {
			out[i].Mentor.Skills = skills[out[i].User.ID]
		}
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// CreateMentee inserts a mentee profile.
func (q *Q) CreateMentee(ctx context.Context, m *domain.Mentee) error {
	_, err := q.exec(ctx, "INSERT INTO mentees (user_id, team_number, created_at, updated_at) VALUES (?, ?, ?, ?)",
		m.UserID, m.TeamNumber, m.CreatedAt, m.UpdatedAt)
	return err
}

// UpdateMentee writes a mentee profile.
func (q *Q) UpdateMentee(ctx context.Context, m *domain.Mentee) error {
	_, err := q.exec(ctx, "UPDATE mentees SET team_number = ?, updated_at = ? WHERE user_id = ?", m.TeamNumber, m.UpdatedAt, m.UserID)
	return err
}

// DeleteMentee removes a mentee profile.
func (q *Q) DeleteMentee(ctx context.Context, userID int64) (bool, error) {
	n, err := q.affected(ctx, "DELETE FROM mentees WHERE user_id = ?", userID)
	return n > 0, err
}

// MenteeOf returns the mentee profile of a user.
func (q *Q) MenteeOf(ctx context.Context, userID int64) (*domain.Mentee, error) {
	return get(ctx, q, func(m *domain.Mentee) []any {
		return []any{&m.UserID, &m.TeamNumber, scanTime(&m.CreatedAt), scanTime(&m.UpdatedAt)}
	}, "SELECT user_id, team_number, created_at, updated_at FROM mentees WHERE user_id = ?", userID)
}

// ListMentees returns the active users flagged as mentees, by id, in one query.
func (q *Q) ListMentees(ctx context.Context) ([]domain.MenteeListing, error) {
	var out []domain.MenteeListing
	err := q.each(ctx, func(sc scanner) error {
		var l domain.MenteeListing
		var mid *int64
		var team *int
		if err := scanUser(sc, &l.User, &mid, &team); err != nil {
			return err
		}
		if mid != nil {
			l.Mentee = &domain.Mentee{UserID: *mid, TeamNumber: *team}
		}
		out = append(out, l)
		return nil
	}, "SELECT "+userColumns+`, m.user_id, m.team_number
		FROM users u LEFT JOIN mentees m ON m.user_id = u.id WHERE u.is_mentee = ? AND u.is_active = ? ORDER BY u.id`, true, true)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Participants reads, in one query, the users with ids, each with their
// notification settings and mentee team; a user who does not exist is left
// out.
func (q *Q) Participants(ctx context.Context, ids ...int64) (map[int64]*domain.SessionPerson, error) {
	out := make(map[int64]*domain.SessionPerson, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	return out, q.each(ctx, func(sc scanner) error { return scanPerson(sc, out) },
		"SELECT "+personColumns+" FROM "+personTables+" WHERE u.id IN ("+placeholders(len(ids))+")", anys(ids...)...)
}

// personColumns, from personTables, are what Participants reads of each
// user: the user, their notification settings and their mentee team.
var personColumns = userColumns + `, n.session_requested, n.session_confirmed, n.session_canceled, n.fifteen_minute_alert,
		n.sixty_minute_alert, m.team_number`

const personTables = "users u JOIN notification_settings n ON n.user_id = u.id LEFT JOIN mentees m ON m.user_id = u.id"

// scanPerson reads personColumns, after the columns that dest receives,
// into out.
func scanPerson(sc scanner, out map[int64]*domain.SessionPerson, dest ...any) error {
	p := &domain.SessionPerson{}
	n := &p.Settings
	var team *int
	if err := sc.Scan(append(append(dest, userDest(&p.User)...), &n.SessionRequested, &n.SessionConfirmed, &n.SessionCanceled,
		&n.FifteenMinuteAlert, &n.SixtyMinuteAlert, &team)...); err != nil {
		return err
	}
	n.UserID = p.User.ID
	if team != nil {
		p.Team = *team
	}
	out[p.User.ID] = p
	return nil
}

// AvailabilityWithPeople is AvailabilityByID of availID, with Participants
// of its mentor and of menteeID. It is one statement, each person joined
// to the availability by primary key: PostgreSQL plans it with index
// lookups, where Participants' query with the mentor's id as a subquery
// read the settings and mentee tables whole into hash joins, at about
// twice the CPU (docs/benchmarks.md).
func (q *Q) AvailabilityWithPeople(ctx context.Context, availID, menteeID int64) (*domain.Availability, map[int64]*domain.SessionPerson, error) {
	var a *domain.Availability
	people := map[int64]*domain.SessionPerson{}
	err := q.each(ctx, func(sc scanner) error {
		a = new(domain.Availability)
		return scanPerson(sc, people, availabilityDest(a)...)
	}, "SELECT "+availabilityColumns+", "+personColumns+" FROM availabilities a JOIN ("+personTables+
		") ON u.id IN (a.mentor_id, ?) WHERE a.id = ?", menteeID, availID)
	if err != nil {
		return nil, nil, err
	}
	if a == nil {
		// No row: no such availability or (never in practice, every user
		// has settings) neither person.
		if a, err = q.AvailabilityByID(ctx, availID); err != nil {
			return nil, nil, err
		}
	}
	return a, people, nil
}

// NotificationSettingsOf returns a user's settings.
func (q *Q) NotificationSettingsOf(ctx context.Context, userID int64) (*domain.NotificationSettings, error) {
	n := &domain.NotificationSettings{}
	err := q.row(ctx, `SELECT user_id, session_requested, session_confirmed, session_canceled, fifteen_minute_alert,
		sixty_minute_alert FROM notification_settings WHERE user_id = ?`, userID).
		Scan(&n.UserID, &n.SessionRequested, &n.SessionConfirmed, &n.SessionCanceled, &n.FifteenMinuteAlert, &n.SixtyMinuteAlert)
	return n, one(err)
}

// UpdateNotificationSettings writes a user's settings.
func (q *Q) UpdateNotificationSettings(ctx context.Context, n *domain.NotificationSettings) error {
	_, err := q.exec(ctx, `UPDATE notification_settings SET session_requested = ?, session_confirmed = ?,
		session_canceled = ?, fifteen_minute_alert = ?, sixty_minute_alert = ? WHERE user_id = ?`,
		n.SessionRequested, n.SessionConfirmed, n.SessionCanceled, n.FifteenMinuteAlert, n.SixtyMinuteAlert, n.UserID)
	return err
}
