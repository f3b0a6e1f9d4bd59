package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
)

// userPage is a page that needs to know who is asking.
type userPage = func(w http.ResponseWriter, r *http.Request, u *domain.User)

// routes lists every page of the app, by area. Who may open a page is its
// wrapper: signedIn (anyone with an account), mentorOnly, staffOnly, or
// none (the public pages: sign-up, log in, password reset and the invitee's
// link, which carries its own token).
func (a *App) routes() {
	pages := []struct {
		pattern string
		h       http.HandlerFunc
	}{
		{"GET ", a.home},

		// Accounts.
		{"GET /signup", a.signupPage},
		{"POST /signup", a.signup},
		{"GET /login", a.loginPage},
		{"POST /login", a.login},
		{"POST /logout", a.logout},
		{"GET /password/forgot", a.forgotPage},
		{"POST /password/forgot", a.forgot},
		{"GET /password/reset/{uid}/{token}", a.resetPage},
		{"POST /password/reset/{uid}/{token}", a.reset},

		// The profile, notification settings and the calendar feed.
		{"GET /profile", a.signedIn(a.profilePage)},
		{"POST /profile", a.signedIn(a.saveProfile)},
		{"POST /profile/photo", a.signedIn(a.uploadPhoto)},
		{"POST /profile/photo/remove", a.signedIn(a.removePhoto)},
		{"POST /profile/password", a.signedIn(a.changePassword)},
		{"GET /profile/notifications", a.signedIn(a.notificationsPage)},
		{"POST /profile/notifications", a.signedIn(a.saveNotifications)},
		{"POST /profile/calendar", a.signedIn(a.newCalendarFeed)},
		{"POST /profile/calendar/revoke", a.signedIn(a.revokeCalendarFeed)},

		// 1:1 mentoring: the directory, a mentor's open times, sessions.
		{"GET /mentors", a.signedIn(a.mentorDirectory)},
		{"GET /mentors/{id}", a.signedIn(a.mentorPage)},
		{"POST /mentors/{id}/request", a.signedIn(a.requestSession)},
		{"GET /sessions", a.signedIn(a.sessionsPage)},
		{"GET /sessions/archive", a.signedIn(a.archivePage)},
		{"GET /sessions/{file}", a.signedIn(a.sessionFile)}, // "12" or "12.ics"
		{"POST /sessions/{id}/status", a.signedIn(a.changeSession)},

		// A mentor's own: profile, availability, weekly hours, booking rules.
		{"GET /mentor/profile", a.mentorOnly(a.mentorProfilePage)},
		{"POST /mentor/profile", a.mentorOnly(a.saveMentorProfile)},
		{"GET /availability", a.mentorOnly(a.availabilityPage)},
		{"POST /availability", a.mentorOnly(a.addAvailability)},
		{"POST /availability/{id}/delete", a.mentorOnly(a.deleteAvailability)},
		{"GET /mentor/weekly", a.mentorOnly(a.weeklyPage)},
		{"POST /mentor/weekly", a.mentorOnly(a.saveWeekly)},
		{"POST /mentor/weekly/exceptions", a.mentorOnly(a.addException)},
		{"POST /mentor/weekly/exceptions/{date}/delete", a.mentorOnly(a.deleteException)},
		{"GET /mentor/rules", a.mentorOnly(a.bookingRulesPage)},
		{"POST /mentor/rules", a.mentorOnly(a.saveBookingRules)},

		// Group sessions; the instructor's form is for mentors.
		{"GET /groups", a.signedIn(a.groupList)},
		{"GET /groups/new", a.mentorOnly(a.newGroupPage)},
		{"POST /groups", a.mentorOnly(a.createGroup)},
		{"GET /groups/{id}", a.signedIn(a.groupPage)},
		{"GET /groups/{id}/edit", a.signedIn(a.editGroupPage)},
		{"POST /groups/{id}/edit", a.signedIn(a.saveGroup)},
		{"POST /groups/{id}/{action}", a.signedIn(a.groupAction)},

		// The meeting scheduler: the owner's pages, and the invitee's link.
		{"GET /meetings", a.signedIn(a.calendarList)},
		{"GET /meetings/contacts", a.signedIn(a.contactList)},
		{"POST /meetings/contacts", a.signedIn(a.addContact)},
		{"GET /meetings/contacts/{id}/edit", a.signedIn(a.editContactPage)},
		{"POST /meetings/contacts/{id}/edit", a.signedIn(a.saveContact)},
		{"POST /meetings/contacts/{id}/delete", a.signedIn(a.deleteContact)},
		{"GET /meetings/new", a.signedIn(a.newCalendarPage)},
		{"POST /meetings/new", a.signedIn(a.createCalendar)},
		{"GET /meetings/calendars/{id}", a.signedIn(a.calendarPage)},
		{"POST /meetings/calendars/{id}/remind/{contact}", a.signedIn(a.remind)},
		{"GET /meetings/calendars/{id}/suggestions", a.signedIn(a.suggestionsPage)},
		{"POST /meetings/calendars/{id}/finalize", a.signedIn(a.finalize)},
		{"GET /respond/{calendar}/{token}", a.inviteePage},
		{"POST /respond/{calendar}/{token}", a.inviteeAnswer},

		// The staff admin.
		{"GET /staff", a.staffOnly(func(w http.ResponseWriter, r *http.Request, _ *domain.User) { a.redirect(w, r, "/staff/users") })},
		{"GET /staff/users", a.staffOnly(a.staffUsers)},
		{"GET /staff/users/{id}", a.staffOnly(a.staffUser)},
		{"POST /staff/users/{id}/{action}", a.staffOnly(a.staffUserAction)},
		{"GET /staff/sessions", a.staffOnly(a.staffSessions)},
		{"GET /staff/sessions/{id}", a.staffOnly(a.staffSession)},
		{"POST /staff/sessions/{id}/cancel", a.staffOnly(a.staffCancelSession)},
		{"GET /staff/groups", a.staffOnly(a.staffGroups)},
		{"GET /staff/groups/{id}", a.staffOnly(a.staffGroup)},
		{"POST /staff/groups/{id}/cancel", a.staffOnly(a.staffCancelGroup)},
		{"GET /staff/outbox", a.staffOnly(a.staffOutbox)},
		{"POST /staff/outbox/{id}/retry", a.staffOnly(a.staffRetry)},
		{"GET /staff/log", a.staffOnly(a.staffLog)},
	}
	for _, p := range pages {
		method, path, _ := strings.Cut(p.pattern, " ")
		a.mux.HandleFunc(method+" "+Prefix+path, p.h)
	}
	a.mux.HandleFunc(Prefix+"/{path...}", a.notFound)
}

// signedIn wraps a page that needs a signed-in user: others are sent to
// the login page, and come back after.
func (a *App) signedIn(h userPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		if u == nil {
			a.redirect(w, r, "/login?next="+url.QueryEscape(comeBackTo(r)))
			return
		}
		h(w, r, u)
	}
}

// comeBackTo is where the login page sends someone back to: the page asked
// for, or for a form posted after the sign-in ended (a button's address has
// no page: it was a 404), the page the form was on.
func comeBackTo(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, Prefix+"/") {
		return ref.RequestURI()
	}
	return Prefix
}

// mentorOnly wraps a page for mentors; to anyone else it does not exist.
func (a *App) mentorOnly(h userPage) http.HandlerFunc {
	return a.only(func(u *domain.User) bool { return u.IsMentor }, h)
}

// staffOnly wraps a page for staff; to anyone else it does not exist.
func (a *App) staffOnly(h userPage) http.HandlerFunc {
	return a.only((*domain.User).ActiveStaff, h)
}

// only wraps a page for the users who pass may; to anyone else it is 404.
func (a *App) only(may func(*domain.User) bool, h userPage) http.HandlerFunc {
	return a.signedIn(func(w http.ResponseWriter, r *http.Request, u *domain.User) {
		if !may(u) {
			a.notFound(w, r)
			return
		}
		h(w, r, u)
	})
}

// pathOf is the {id} of a page's path; a path whose id is not a positive
// integer is the 404 page (ok is false: the page has answered).
func (a *App) pathOf(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := httpapi.PathID(r, "id")
	if !ok {
		a.notFound(w, r)
	}
	return id, ok
}
