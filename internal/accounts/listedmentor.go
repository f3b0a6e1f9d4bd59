package accounts

import (
	"context"
	"errors"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// ListedMentor returns one mentor of the directory (FindMentors): an active
// user flagged as mentor, with their profile when they have one. Anyone
// else is not found, as they are not in the directory either.
func (s *Service) ListedMentor(ctx context.Context, id int64) (*domain.MentorListing, error) {
	notListed := errs.NotFound("mentor_not_found", "")
	u, err := s.store.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (!u.IsMentor || !u.IsActive) {
		return nil, notListed
	}
	if err != nil {
		return nil, err
	}
	l := &domain.MentorListing{User: *u}
	m, err := s.store.MentorOf(ctx, id)
	switch {
	case err == nil:
		l.Mentor = m
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return l, nil
}
