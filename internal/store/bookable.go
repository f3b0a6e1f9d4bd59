package store

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// LiveSpansOfPeople lists, in one query, the live (Pending or Confirmed)
// sessions other than except in which any of the users takes part, as
// mentor or mentee, that overlap [from, to), by start. No session lasts
// longer than longest, which bounds the index scan on both sides: without
// it, every past session of the person would be read.
func (q *Q) LiveSpansOfPeople(ctx context.Context, userIDs []int64, from, to time.Time, except int64, longest time.Duration) ([]domain.SessionSpan, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	ids := anys(userIDs...)
	in := placeholders(len(ids))
	args := append(append(append([]any{}, ids...), ids...), to, from.Add(-longest), from, except)
	return list(ctx, q, spanDest, `SELECT mentor_id, start_time, end_time, status FROM sessions
		WHERE status IN ('Pending', 'Confirmed') AND (mentor_id IN (`+in+`) OR mentee_id IN (`+in+`))
		AND start_time < ? AND start_time > ? AND end_time > ? AND id <> ? ORDER BY start_time`, args...)
}

// DeleteInviteeSlots removes an invitee's answer, to be given anew.
func (q *Q) DeleteInviteeSlots(ctx context.Context, invitationID int64) error {
	_, err := q.exec(ctx, "DELETE FROM invitee_slots WHERE invitation_id = ?", invitationID)
	return err
}
