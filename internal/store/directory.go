package store

import (
	"context"
	"strings"

	"github.com/mentord/mentord/internal/domain"
)

// MentorSearch selects mentors for one page of the directory.
type MentorSearch struct {
	Text          string // in the first and last name or the username, any case
	SkillKey      string // a whole skill (domain.SkillKey); "" for any
	Limit, Offset int
}

// SearchMentors returns one page of the active mentors that match, by
// name, with their profiles and skills, and how many match in all: three
// queries, whatever the page size.
func (q *Q) SearchMentors(ctx context.Context, f MentorSearch) ([]domain.MentorListing, int, error) {
	cond := "u.is_mentor = ? AND u.is_active = ?"
	args := []any{true, true}
	if strings.TrimSpace(f.Text) != "" {
		cond += ` AND (lower(u.first_name || ' ' || u.last_name) LIKE ? ESCAPE '\' OR u.username LIKE ? ESCAPE '\')`
		like := likeAny(f.Text)
		args = append(args, like, like)
	}
	if f.SkillKey != "" {
		cond += " AND u.id IN (SELECT mentor_id FROM mentor_skills WHERE name_key = ?)"
		args = append(args, f.SkillKey)
	}
	var total int
	if err := q.row(ctx, "SELECT COUNT(*) FROM users u WHERE "+cond, args...).Scan(&total); err != nil || total == 0 {
		return nil, total, err
	}
	rows, err := q.query(ctx, "SELECT "+userColumns+`, m.about_me, m.team_number, m.user_id IS NOT NULL
		FROM users u LEFT JOIN mentors m ON m.user_id = u.id WHERE `+cond+`
		ORDER BY lower(u.first_name), lower(u.last_name), u.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	var out []domain.MentorListing
	var ids []any
	for rows.Next() {
		var l domain.MentorListing
		var about *string
		var team *int
		var has bool
		if err := scanUser(rows, &l.User, &about, &team, &has); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if has {
			l.Mentor = &domain.Mentor{UserID: l.User.ID, AboutMe: *about, TeamNumber: *team}
		}
		out = append(out, l)
		ids = append(ids, l.User.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return out, total, err
	}
	skills, err := q.skillsWhere(ctx, "ms.mentor_id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		if out[i].Mentor != nil {
			out[i].Mentor.Skills = skills[out[i].User.ID]
		}
	}
	return out, total, nil
}

// SkillsInUse lists the skill names active mentors have, once each, by name.
func (q *Q) SkillsInUse(ctx context.Context) ([]string, error) {
	rows, err := q.query(ctx, `SELECT MIN(ms.name) FROM mentor_skills ms JOIN users u ON u.id = ms.mentor_id
		WHERE u.is_mentor = ? AND u.is_active = ? GROUP BY ms.name_key ORDER BY ms.name_key`, true, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
