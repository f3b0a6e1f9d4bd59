package store

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// LiveSpansOfPeople lists, in one query, the live (Pending or Confirmed)
// sessions other than except in which any of the users takes part, as
// mentor or mentee, that overlap [from, to), by start.
func (q *Q) LiveSpansOfPeople(ctx context.Context, userIDs []int64, from, to time.Time, except int64) ([]domain.SessionSpan, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	ids := make([]any, len(userIDs))
	for i, id := range userIDs {
		ids[i] = id
	}
	in := placeholders(len(ids))
	args := append(append(append([]any{}, ids...), ids...), to, from, except)
	rows, err := q.query(ctx, `SELECT mentor_id, start_time, end_time, status FROM sessions
		WHERE status IN ('Pending', 'Confirmed') AND (mentor_id IN (`+in+`) OR mentee_id IN (`+in+`))
		AND start_time < ? AND end_time > ? AND id <> ? ORDER BY start_time`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.SessionSpan
	for rows.Next() {
		var sp domain.SessionSpan
		if err := rows.Scan(&sp.MentorID, scanTime(&sp.Start), scanTime(&sp.End), &sp.Status); err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

// DeleteInviteeSlots removes an invitee's answer, to be given anew.
func (q *Q) DeleteInviteeSlots(ctx context.Context, invitationID int64) error {
	_, err := q.exec(ctx, "DELETE FROM invitee_slots WHERE invitation_id = ?", invitationID)
	return err
}
