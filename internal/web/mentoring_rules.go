package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/mentoring"
)

// The mentor's booking rules: one small form, the same settings as the
// API's /v2/bookingrules/.

// ruleFields are the form's fields, named as the domain names them.
var ruleFields = []string{"min_notice_minutes", "buffer_minutes", "max_sessions_per_day", "max_sessions_per_week", "cancel_notice_hours"}

func (a *App) bookingRulesPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	rules, err := a.Mentoring.MyBookingRules(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f := &formState{Values: url.Values{}, Errors: map[string][]string{}}
	for i, n := range []int{rules.MinNoticeMinutes, rules.BufferMinutes, rules.MaxPerDay, rules.MaxPerWeek, rules.CancelNoticeHours} {
		f.Values.Set(ruleFields[i], strconv.Itoa(n))
	}
	a.showBookingRules(w, r, http.StatusOK, f)
}

func (a *App) showBookingRules(w http.ResponseWriter, r *http.Request, status int, f *formState) {
	a.render(w, r, status, "mentoring-rules", &view{Title: "Your booking rules", Nav: "mentor-profile", Form: f})
}

func (a *App) saveBookingRules(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	f := newForm(r)
	unread := &errs.Invalid{}
	vals := make([]*int, len(ruleFields))
	for i, name := range ruleFields {
		// An empty field is a rule switched off.
		n, raw := 0, strings.TrimSpace(r.PostForm.Get(name))
		if raw != "" {
			var err error
			if n, err = strconv.Atoi(raw); err != nil {
				unread.FieldArg(name, errs.CodeNotInteger, nil)
				continue
			}
		}
		vals[i] = &n
	}
	_, err := a.Mentoring.UpdateBookingRules(r.Context(), u, mentoring.BookingRulesInput{
		MinNoticeMinutes: vals[0], BufferMinutes: vals[1], MaxPerDay: vals[2], MaxPerWeek: vals[3], CancelNoticeHours: vals[4],
		Unread: unread,
	})
	if a.refused(w, r, f, err, func() { a.showBookingRules(w, r, http.StatusBadRequest, f) }) {
		return
	}
	a.flash(w, r, "Your booking rules are saved. They hold for new requests and cancellations.")
	a.redirect(w, r, "/mentor/rules")
}
