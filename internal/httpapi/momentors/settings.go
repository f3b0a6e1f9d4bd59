package momentors

import (
	"net/http"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
)

// /notificationsettings/<pk>/: pk is the user id, and only that user may
// read or change the settings.
func (s *Surface) notificationSettings(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := httpapi.PathID(r, "pk")
	if !ok {
		s.notFound(w, r)
		return
	}
	var (
		n   *domain.NotificationSettings
		err error
	)
	if r.Method == http.MethodGet {
		n, err = s.Accounts.NotificationSettingsFor(r.Context(), u, id)
	} else {
		// Check access before reading the body, so a stranger learns nothing
		// from validation messages.
		if _, err = s.Accounts.NotificationSettingsFor(r.Context(), u, id); err == nil {
			f, ok := s.Object(w, r)
			if !ok {
				return
			}
			in := accounts.SettingsUpdate{
				SessionRequested:   f.Bool("session_requested", false),
				SessionConfirmed:   f.Bool("session_confirmed", false),
				SessionCanceled:    f.Bool("session_canceled", false),
				FifteenMinuteAlert: f.Bool("fifteen_minute_alert", false),
				SixtyMinuteAlert:   f.Bool("sixty_minute_alert", false),
			}
			if err = f.Err(); err == nil {
				n, err = s.Accounts.UpdateNotificationSettings(r.Context(), u, id, in)
			}
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, notificationOut{n.UserID, n.UserID, n.SessionRequested, n.SessionConfirmed,
		n.SessionCanceled, n.FifteenMinuteAlert, n.SixtyMinuteAlert})
}
