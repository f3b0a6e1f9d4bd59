package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/calfeed"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
)

// photoBody is the largest photo upload: the domain takes photos up to
// 5 MB, and the form around one is small.
const photoBody = 6 << 20

// commonZones are offered as the time zone field's suggestions; any IANA
// name is accepted (the domain checks it).
var commonZones = []string{
	"UTC",
	"America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Phoenix", "America/Chicago",
	"America/New_York", "America/Toronto", "America/Vancouver", "America/Halifax", "America/Mexico_City",
	"America/Bogota", "America/Lima", "America/Santiago", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Istanbul",
	"Europe/Kyiv", "Europe/Moscow", "Africa/Lagos", "Africa/Cairo", "Africa/Nairobi", "Africa/Johannesburg",
	"Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore",
	"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Manila", "Asia/Seoul", "Asia/Tokyo", "Australia/Perth",
	"Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland", "Pacific/Honolulu",
}

// profileView is the profile page: the person as stored, and one form
// state for each of its forms, so that a message shows next to the field
// of the form that was sent.
type profileView struct {
	Me       *domain.User
	PhotoURL string
	Zones    []string
	Details  *formState
	Photo    *formState
	Password *formState
}

// detailsOf is the details form filled with the stored values.
func detailsOf(u *domain.User) *formState {
	v := url.Values{"first_name": {u.FirstName}, "last_name": {u.LastName}, "email": {u.Email}, "timezone": {u.Timezone}}
	if u.PhoneNumber != nil {
		v.Set("phone_number", *u.PhoneNumber)
	}
	if u.IsMentor {
		v.Set("is_mentor", "on")
	}
	if u.IsMentee {
		v.Set("is_mentee", "on")
	}
	return &formState{Values: v, Errors: map[string][]string{}}
}

// showProfile renders the profile page; the forms not given are filled
// from the stored profile.
func (a *App) showProfile(w http.ResponseWriter, r *http.Request, u *domain.User, status int, pv profileView) {
	// Read afresh: the signed-in record comes through a cache and may be a
	// second old, and a change was perhaps just made.
	me, err := a.Accounts.User(r.Context(), u.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	pv.Me, pv.Zones = me, commonZones
	if me.ProfilePhoto != nil {
		// As the Momentors API names the photo.
		pv.PhotoURL = httpapi.BaseURL(r, a.PublicURL) + "/media/" + *me.ProfilePhoto
	}
	if pv.Details == nil {
		pv.Details = detailsOf(me)
	}
	a.render(w, r, status, "profile-edit", &view{Title: "Your profile", Nav: "profile", User: me, Data: pv})
}

func (a *App) profilePage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	a.showProfile(w, r, u, http.StatusOK, profileView{})
}

func (a *App) saveProfile(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	f := newForm(r)
	// Unchecked boxes are not sent: both roles are given explicitly.
	mentor, mentee := r.PostForm.Get("is_mentor") != "", r.PostForm.Get("is_mentee") != ""
	_, err := a.Accounts.UpdateProfile(r.Context(), u.ID, accounts.ProfileUpdate{
		FirstName: opt(r, "first_name"), LastName: opt(r, "last_name"), Email: opt(r, "email"),
		PhoneNumber: opt(r, "phone_number"), Timezone: opt(r, "timezone"), IsMentor: &mentor, IsMentee: &mentee,
	})
	if a.refused(w, r, f, err, func() { a.showProfile(w, r, u, http.StatusBadRequest, profileView{Details: f}) }) {
		return
	}
	a.flash(w, r, "Your profile is saved.")
	a.redirect(w, r, "/profile")
}

func (a *App) uploadPhoto(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f := &formState{Values: url.Values{}, Errors: map[string][]string{}}
	r.Body = http.MaxBytesReader(w, r.Body, photoBody)
	err := r.ParseMultipartForm(photoBody)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		f.Errors["profile_photo"] = []string{accounts.MsgImageTooBig}
		a.showProfile(w, r, u, http.StatusRequestEntityTooLarge, profileView{Photo: f})
		return
	}
	if err != nil {
		a.errorPage(w, r, http.StatusBadRequest, "The photo could not be read. Choose the file again and send it.")
		return
	}
	file, _, err := r.FormFile("profile_photo")
	if err != nil {
		f.Errors["profile_photo"] = []string{"Choose a photo first."}
		a.showProfile(w, r, u, http.StatusBadRequest, profileView{Photo: f})
		return
	}
	defer file.Close()
	_, err = a.Accounts.UpdateProfile(r.Context(), u.ID, accounts.ProfileUpdate{Photo: file})
	if a.refused(w, r, f, err, func() { a.showProfile(w, r, u, http.StatusBadRequest, profileView{Photo: f}) }) {
		return
	}
	a.flash(w, r, "Your new photo is saved.")
	a.redirect(w, r, "/profile")
}

func (a *App) removePhoto(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if _, err := a.Accounts.UpdateProfile(r.Context(), u.ID, accounts.ProfileUpdate{RemovePhoto: true}); err != nil {
		a.fail(w, r, err)
		return
	}
	a.flash(w, r, "Your photo is removed.")
	a.redirect(w, r, "/profile")
}

func (a *App) changePassword(w http.ResponseWriter, r *http.Request, u *domain.User) {
	// Counted with the log-ins to this account: the current password can
	// be guessed here too.
	if !a.readForm(w, r, formBody) || !a.limited(w, r, a.Limits.LoginAccount, accounts.AccountLimitKey(u.ID)) {
		return
	}
	f := newForm(r)
	err := a.Accounts.ChangePassword(r.Context(), u, accounts.PasswordChange{
		Current: opt(r, "current_password"), New: opt(r, "new_password"), Confirm: opt(r, "re_new_password"),
	})
	if a.refused(w, r, f, err, func() { a.showProfile(w, r, u, http.StatusBadRequest, profileView{Password: f}) }) {
		return
	}
	// The change ended every web sign-in, this one too: a new one keeps
	// this browser signed in.
	if err := a.signIn(w, r, u); err != nil {
		a.fail(w, r, err)
		return
	}
	a.flash(w, r, "Your password is changed. You are still signed in here, and signed out everywhere else.")
	a.redirect(w, r, "/profile")
}

// notificationSwitches are the settings' form fields with their labels, in
// the page's order.
var notificationSwitches = []struct{ Name, Label string }{
	{"session_requested", "When a mentee asks for a session with me, or moves one"},
	{"session_confirmed", "When a session of mine is confirmed or moved, or a seat in a full group session becomes mine"},
	{"session_canceled", "When a session of mine, or a group session I joined or wait for, is canceled"},
	{"sixty_minute_alert", "60 minutes before a session starts, as a reminder"},
	{"fifteen_minute_alert", "15 minutes before a session starts, as a reminder"},
}

// switchView is one checkbox of the notification settings.
type switchView struct {
	Name, Label string
	On          bool
}

func (a *App) notificationsPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	n, err := a.Accounts.NotificationSettingsFor(r.Context(), u, u.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	on := map[string]bool{"session_requested": n.SessionRequested, "session_confirmed": n.SessionConfirmed,
		"session_canceled": n.SessionCanceled, "sixty_minute_alert": n.SixtyMinuteAlert, "fifteen_minute_alert": n.FifteenMinuteAlert}
	list := make([]switchView, len(notificationSwitches))
	for i, s := range notificationSwitches {
		list[i] = switchView{s.Name, s.Label, on[s.Name]}
	}
	nv := notificationsView{Switches: list}
	feed, err := a.Feeds.Of(r.Context(), u)
	switch {
	case err == nil:
		link := httpapi.BaseURL(r, a.PublicURL) + feed.Path()
		nv.Feed = &feedView{URL: link, Webcal: template.URL(calfeed.Webcal(link)), Since: feed.CreatedAt}
	case !errors.Is(err, calfeed.ErrNoFeed):
		a.fail(w, r, err)
		return
	}
	nv.Zone = userZone(u)
	a.render(w, r, http.StatusOK, "profile-notifications", &view{Title: "E-mail notifications", Nav: "profile", Data: nv})
}

// notificationsView is the notifications page: the e-mail switches and the
// calendar feed (nil: none yet).
type notificationsView struct {
	Switches []switchView
	Feed     *feedView
	Zone     *time.Location
}

// feedView is a calendar feed as its page shows it.
type feedView struct {
	URL    string
	Webcal template.URL // html/template would refuse the webcal scheme
	Since  time.Time
}

// newCalendarFeed makes the user's feed, or gives it a new address.
func (a *App) newCalendarFeed(w http.ResponseWriter, r *http.Request, u *domain.User) {
	_, had := a.Feeds.Of(r.Context(), u)
	if _, err := a.Feeds.Rotate(r.Context(), u); err != nil {
		a.fail(w, r, err)
		return
	}
	if had == nil {
		a.flash(w, r, "Your calendar feed has a new address. The old one no longer works: subscribe again with the new one.")
	} else {
		a.flash(w, r, "Your calendar feed is ready. Copy its address into your calendar app.")
	}
	a.redirect(w, r, "/profile/notifications#calendar-feed")
}

// revokeCalendarFeed turns the user's feed off.
func (a *App) revokeCalendarFeed(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if err := a.Feeds.Revoke(r.Context(), u); err != nil && !errors.Is(err, calfeed.ErrNoFeed) {
		a.fail(w, r, err)
		return
	}
	a.flash(w, r, "Your calendar feed is turned off. Its address no longer works.")
	a.redirect(w, r, "/profile/notifications#calendar-feed")
}

func (a *App) saveNotifications(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	// An unchecked box is absent from the form, so every switch is sent,
	// off when absent.
	on := func(name string) *bool { v := strings.TrimSpace(r.PostForm.Get(name)) != ""; return &v }
	_, err := a.Accounts.UpdateNotificationSettings(r.Context(), u, u.ID, accounts.SettingsUpdate{
		SessionRequested: on("session_requested"), SessionConfirmed: on("session_confirmed"), SessionCanceled: on("session_canceled"),
		FifteenMinuteAlert: on("fifteen_minute_alert"), SixtyMinuteAlert: on("sixty_minute_alert"),
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.flash(w, r, "Your notification settings are saved.")
	a.redirect(w, r, "/profile/notifications")
}
