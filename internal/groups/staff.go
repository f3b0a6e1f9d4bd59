package groups

import (
	"context"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
)

// Search returns one page of every group session matching f, for the staff
// admin, and the total.
func (s *Service) Search(ctx context.Context, caller *domain.User, f domain.GroupFilter, limit, offset int) ([]domain.GroupSession, int, error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, 0, err
	}
	return s.List(ctx, f, limit, offset)
}

// MayCancel reports whether the session can be cancelled now.
func MayCancel(g *domain.GroupSession) bool { return actCancel.allows(g) == nil }

// CancelFor cancels a session on its instructor's behalf: the same change,
// and the same e-mail to everyone holding a seat, as when the instructor
// cancels it. Staff do it, and it is recorded as theirs.
func (s *Service) CancelFor(ctx context.Context, caller *domain.User, id int64) (*domain.GroupSession, error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, err
	}
	return s.transitionThen(ctx, caller, id, actCancel, nil, func(q *store.Q, g *domain.GroupSession) error {
		return q.RecordStaffAction(ctx, domain.NewStaffAction(caller, domain.StaffCancelGroup, "group_session", g.ID, g.Title,
			"for the instructor, "+g.Creator.Username, s.clock.Now()))
	})
}
