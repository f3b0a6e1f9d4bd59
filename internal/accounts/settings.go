package accounts

import (
	"context"
	"errors"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// SettingsUpdate changes some switches; nil ones stay.
type SettingsUpdate struct {
	SessionRequested, SessionConfirmed, SessionCanceled, FifteenMinuteAlert, SixtyMinuteAlert *bool
}

// NotificationSettingsFor returns the settings of user userID, which only
// that user may read.
func (s *Service) NotificationSettingsFor(ctx context.Context, caller *domain.User, userID int64) (*domain.NotificationSettings, error) {
	n, err := s.store.NotificationSettingsOf(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.NotFound("settings_not_found", "")
	}
	if err != nil {
		return nil, err
	}
	if caller.ID != userID {
		return nil, errs.Forbidden("not_owner", "")
	}
	return n, nil
}

// UpdateNotificationSettings changes the caller's own switches.
func (s *Service) UpdateNotificationSettings(ctx context.Context, caller *domain.User, userID int64, in SettingsUpdate) (*domain.NotificationSettings, error) {
	n, err := s.NotificationSettingsFor(ctx, caller, userID)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ src, dst *bool }{
		{in.SessionRequested, &n.SessionRequested}, {in.SessionConfirmed, &n.SessionConfirmed},
		{in.SessionCanceled, &n.SessionCanceled}, {in.FifteenMinuteAlert, &n.FifteenMinuteAlert},
		{in.SixtyMinuteAlert, &n.SixtyMinuteAlert},
	} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	err = s.store.Tx(ctx, func(q *store.Q) error { return q.UpdateNotificationSettings(ctx, n) })
	return n, err
}
