package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/groups"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/notify"
)

// staffPerPage is the length of a page of the staff lists.
const staffPerPage = 25

// staffList is what every staff list page has: its tab, the search form as
// sent, and the pages around.
type staffList struct {
	Tab         string
	Total       int
	Page, Pages int
	Prev, Next  string
	Rows        any   // a slice of pointers, so that row templates can call pointer methods
	Choice      field // the list's select (a status, a state), if it has one
}

// query is the form of a staff list as sent (a GET), for the fields named.
func queryForm(r *http.Request, names ...string) *formState {
	f := &formState{Values: url.Values{}, Errors: map[string][]string{}}
	qs := r.URL.Query()
	for _, n := range names {
		if v := strings.TrimSpace(qs.Get(n)); v != "" {
			f.Values.Set(n, v)
		}
	}
	return f
}

// paged fills the page links of a list at path, keeping the form's values.
func (l *staffList) paged(path string, f *formState, page, total int) {
	l.Page, l.Total, l.Pages = page, total, (total+staffPerPage-1)/staffPerPage
	l.Prev, l.Next = pageLinks(page, l.Pages, func(p int) string { return pageAddr(Prefix+path, f.Values, p) })
}

func (a *App) staffRender(w http.ResponseWriter, r *http.Request, status int, name, title string, f *formState, data any) {
	a.render(w, r, status, name, &view{Title: "Staff: " + title, Nav: "staff", Form: f, Data: data})
}

// staffDone logs a staff action that succeeded (the domain recorded it)
// and tells the staff member.
func (a *App) staffDone(w http.ResponseWriter, r *http.Request, u *domain.User, action, target, msg, next string) {
	a.Log.Info("staff action", "request_id", httpapi.RequestID(r.Context()), "staff_id", u.ID, "staff", u.Username, "action", action, "target", target)
	a.flash(w, r, msg)
	a.redirect(w, r, next)
}

// Users.

func (a *App) staffUsers(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f := queryForm(r, "q")
	page := pageNumber(r)
	users, total, err := a.Accounts.SearchUsers(r.Context(), u, f.Val("q"), staffPerPage, (page-1)*staffPerPage)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	l := &staffList{Tab: "users", Rows: pointers(users)}
	l.paged("/staff/users", f, page, total)
	a.staffRender(w, r, http.StatusOK, "staff-users", "users", f, l)
}

// staffUserView is one account, with what staff may do to it.
type staffUserView struct {
	Tab    string
	Person *domain.User
	Self   bool
	// The buttons the viewer may use, by the domain's rules.
	Manage, ChangeStaff bool
}

func (a *App) staffUser(w http.ResponseWriter, r *http.Request, u *domain.User) {
	a.showStaffUser(w, r, u, http.StatusOK, nil)
}

func (a *App) showStaffUser(w http.ResponseWriter, r *http.Request, u *domain.User, status int, f *formState) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return
	}
	person, err := a.Accounts.UserFor(r.Context(), u, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.staffRender(w, r, status, "staff-user", "user "+person.Username, f,
		&staffUserView{Tab: "users", Person: person, Self: person.ID == u.ID,
			Manage: domain.MayManage(u, person) == nil, ChangeStaff: domain.MayManage(u, person) == nil && domain.MayChangeStaff(u) == nil})
}

// staffUserActions are the buttons on a user's page, by the last part of
// the path they post to.
var staffUserActions = []string{"deactivate", "reactivate", "grant-staff", "remove-staff", "send-reset"}

// staffUserAction is one of the buttons on a user's page.
func (a *App) staffUserAction(w http.ResponseWriter, r *http.Request, u *domain.User) {
	act, id, ok := a.postedAction(w, r, staffUserActions)
	if !ok {
		return
	}
	next := "/staff/users/" + itoa(int(id))
	var person *domain.User
	var err error
	var msg string
	changed := true
	switch act {
	case "deactivate":
		person, changed, err = a.Accounts.SetActive(r.Context(), u, id, false)
		msg = "%s is deactivated: they are signed out everywhere, and no password, token or link of theirs works until they are reactivated."
	case "reactivate":
		person, changed, err = a.Accounts.SetActive(r.Context(), u, id, true)
		msg = "%s is active again and can log in with their password. Their old API tokens stay ended; they get new ones by logging in."
	case "grant-staff":
		person, changed, err = a.Accounts.SetStaff(r.Context(), u, id, true)
		msg = "%s is staff now: they see the staff admin."
	case "remove-staff":
		person, changed, err = a.Accounts.SetStaff(r.Context(), u, id, false)
		msg = "%s is no longer staff."
	case "send-reset":
		err = a.Accounts.SendPasswordReset(r.Context(), u, id, a.Links.PasswordReset(r))
		if err == nil {
			person, err = a.Accounts.User(r.Context(), id)
		}
		msg = "A password-reset e-mail is on its way to %s (the same single-use link as “Forgot your password?”, good for 24 hours)."
	}
	if f := (&formState{Errors: map[string][]string{}}); err != nil && f.take(err, nil) {
		// A refusal (deactivating oneself, say) is told on the page.
		a.showStaffUser(w, r, u, httpapi.Status(err), f)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !changed {
		// Already so (another staff member, or a second click): nothing
		// is recorded, and the page says so rather than claim the change.
		a.flash(w, r, "Nothing changed: "+person.Username+" already was as asked.")
		a.redirect(w, r, next)
		return
	}
	name := person.Username
	if act == "send-reset" {
		name = person.Email
	}
	a.staffDone(w, r, u, act, "user "+itoa(int(person.ID))+" ("+person.Username+")", strings.Replace(msg, "%s", name, 1), next)
}

// 1:1 sessions.

var sessionStatuses = []string{"|Any status", domain.StatusPending, domain.StatusConfirmed, domain.StatusCanceled, domain.StatusCompleted}

func (a *App) staffSessions(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f := queryForm(r, "q", "status")
	page := pageNumber(r)
	list, total, err := a.Mentoring.SearchSessions(r.Context(), u, mentoring.SessionSearch{Text: f.Val("q"), Status: f.Val("status")},
		staffPerPage, (page-1)*staffPerPage)
	if err != nil {
		if f.take(err, nil) {
			a.staffRender(w, r, http.StatusBadRequest, "staff-sessions", "sessions", f, &staffList{Tab: "sessions",
				Choice: choices(fld(f, "status", "Status", "select"), "", sessionStatuses)})
			return
		}
		a.fail(w, r, err)
		return
	}
	l := &staffList{Tab: "sessions", Rows: pointers(list), Choice: choices(fld(f, "status", "Status", "select"), "", sessionStatuses)}
	l.paged("/staff/sessions", f, page, total)
	a.staffRender(w, r, http.StatusOK, "staff-sessions", "sessions", f, l)
}

// staffSessionView is one 1:1 session and whether staff may cancel it.
type staffSessionView struct {
	Tab       string
	Session   *domain.Session
	CanCancel bool
	Why       string // why it cannot be cancelled
	OnBehalf  field
}

func (a *App) staffSession(w http.ResponseWriter, r *http.Request, u *domain.User) {
	a.showStaffSession(w, r, u, http.StatusOK, nil)
}

func (a *App) showStaffSession(w http.ResponseWriter, r *http.Request, u *domain.User, status int, f *formState) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return
	}
	sess, err := a.Mentoring.SessionFor(r.Context(), u, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &staffSessionView{Tab: "sessions", Session: sess}
	if err := a.Mentoring.MayCancelFor(sess); err == nil {
		v.CanCancel = true
	} else {
		v.Why = detail(err)
	}
	mentor := strings.TrimSpace(sess.MentorFirst + " " + sess.MentorLast)
	mentee := strings.TrimSpace(sess.MenteeFirst + " " + sess.MenteeLast)
	v.OnBehalf = choices(fld(f, "on_behalf_of", "Cancel it as", "select"), itoa(int(sess.MenteeID)), []string{
		itoa(int(sess.MenteeID)) + "|" + mentee + ", the mentee",
		itoa(int(sess.MentorID)) + "|" + mentor + ", the mentor",
	})
	a.staffRender(w, r, status, "staff-session", "session "+itoa(int(sess.ID)), f, v)
}

func (a *App) staffCancelSession(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.postedTo(w, r)
	if !ok {
		return
	}
	f := newForm(r)
	who, _ := strconv.ParseInt(r.PostForm.Get("on_behalf_of"), 10, 64)
	sess, err := a.Mentoring.CancelFor(r.Context(), u, id, who, r.PostForm.Get("cancel_reason"))
	if err != nil {
		if f.take(err, map[string]string{"status": "on_behalf_of"}) {
			a.showStaffSession(w, r, u, http.StatusBadRequest, f)
			return
		}
		a.fail(w, r, err)
		return
	}
	a.staffDone(w, r, u, "cancel-session", "session "+itoa(int(sess.ID)),
		"The session is canceled. The other participant is e-mailed as if it had been canceled by the one you chose.", "/staff/sessions/"+itoa(int(sess.ID)))
}

// Group sessions.

var groupStatuses = []string{"|Any status", "upcoming|Upcoming", "ongoing|Ongoing", "completed|Completed", "cancelled|Cancelled"}

func (a *App) staffGroups(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f := queryForm(r, "q", "status")
	filter := domain.GroupFilter{Topic: f.Val("q")}
	if st := f.Val("status"); st != "" {
		if _, ok := statusLabels[st]; ok {
			filter.Status = st
		} else {
			f.Errors["status"] = []string{"Choose one of the statuses."}
		}
	}
	page := pageNumber(r)
	list, total, err := a.Groups.Search(r.Context(), u, filter, staffPerPage, (page-1)*staffPerPage)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	cards := make([]groupCard, len(list))
	for i := range list {
		cards[i] = newGroupCard(u, &list[i], false)
	}
	l := &staffList{Tab: "groups", Rows: pointers(cards), Choice: choices(fld(f, "status", "Status", "select"), "", groupStatuses)}
	l.paged("/staff/groups", f, page, total)
	status := http.StatusOK
	if f.Failed() {
		status = http.StatusBadRequest
	}
	a.staffRender(w, r, status, "staff-groups", "group sessions", f, l)
}

// staffGroupView is one group session, who holds its seats, and whether
// staff may cancel it.
type staffGroupView struct {
	Tab       string
	Card      groupCard
	Seats     []domain.Participant
	CanCancel bool
}

func (a *App) staffGroup(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return
	}
	g, err := a.Groups.Get(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	seats, err := a.Groups.Participants(r.Context(), g.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.staffRender(w, r, http.StatusOK, "staff-group", "group session "+itoa(int(g.ID)), nil,
		&staffGroupView{Tab: "groups", Card: newGroupCard(u, g, false), Seats: seats, CanCancel: groups.MayCancel(g)})
}

func (a *App) staffCancelGroup(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.postedTo(w, r)
	if !ok {
		return
	}
	g, err := a.Groups.CancelFor(r.Context(), u, id)
	if err != nil {
		a.fail(w, r, groupErr(err))
		return
	}
	a.staffDone(w, r, u, "cancel-group-session", "group session "+itoa(int(g.ID)),
		"“"+g.Title+"” is cancelled. Everyone holding a seat is e-mailed, as when the instructor cancels it.", "/staff/groups/"+itoa(int(g.ID)))
}

// The outbox.

var outboxStates = []string{"|Every state", notify.StateQueued + "|Queued", notify.StateSent + "|Sent",
	notify.StateFailed + "|Failed", notify.StateSkipped + "|Not sent (skipped or cancelled)"}

func (a *App) staffOutbox(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f := queryForm(r, "state")
	page := pageNumber(r)
	l := &staffList{Tab: "outbox", Choice: choices(fld(f, "state", "State", "select"), "", outboxStates)}
	list, total, err := a.Outbox.List(r.Context(), u, f.Val("state"), staffPerPage, (page-1)*staffPerPage)
	if err != nil {
		if f.take(err, nil) {
			a.staffRender(w, r, http.StatusBadRequest, "staff-outbox", "outbox", f, l)
			return
		}
		a.fail(w, r, err)
		return
	}
	l.Rows = pointers(list)
	l.paged("/staff/outbox", f, page, total)
	a.staffRender(w, r, http.StatusOK, "staff-outbox", "outbox", f, l)
}

func (a *App) staffRetry(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.postedTo(w, r)
	if !ok {
		return
	}
	e, err := a.Outbox.Retry(r.Context(), u, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.staffDone(w, r, u, "retry-email", "outbox "+itoa(int(e.ID)), "The e-mail “"+e.Subject+"” is queued again and goes out in a moment.",
		"/staff/outbox?state="+notify.StateQueued)
}

// The record of staff actions.

var actionLabels = map[string]string{
	domain.StaffDeactivate:  "Deactivated",
	domain.StaffReactivate:  "Reactivated",
	domain.StaffGrantStaff:  "Granted staff to",
	domain.StaffRemoveStaff: "Removed staff from",
	domain.StaffSendReset:   "Sent a password reset to",
	domain.StaffCancel:      "Cancelled the 1:1 session",
	domain.StaffCancelGroup: "Cancelled the group session",
	domain.StaffRetry:       "Retried the e-mail",
}

// logRow is one entry of the record, in words.
type logRow struct {
	domain.StaffAction
	What string
	Link string // the target's staff page, when it has one
}

func (a *App) staffLog(w http.ResponseWriter, r *http.Request, u *domain.User) {
	page := pageNumber(r)
	list, total, err := a.Accounts.StaffLog(r.Context(), u, staffPerPage, (page-1)*staffPerPage)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rows := make([]logRow, len(list))
	for i, e := range list {
		rows[i] = logRow{StaffAction: e, What: actionLabels[e.Action]}
		if rows[i].What == "" {
			rows[i].What = e.Action
		}
		switch e.TargetKind {
		case "user":
			rows[i].Link = Prefix + "/staff/users/" + itoa(int(e.TargetID))
		case "session":
			rows[i].Link = Prefix + "/staff/sessions/" + itoa(int(e.TargetID))
		case "group_session":
			rows[i].Link = Prefix + "/staff/groups/" + itoa(int(e.TargetID))
		}
	}
	l := &staffList{Tab: "log", Rows: pointers(rows)}
	l.paged("/staff/log", &formState{Values: url.Values{}}, page, total)
	a.staffRender(w, r, http.StatusOK, "staff-log", "log", nil, l)
}

// pointers is a list's elements by pointer, for the Rows of a staffList.
func pointers[T any](list []T) []*T {
	out := make([]*T, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out
}
