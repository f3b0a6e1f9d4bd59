package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/scheduling"
)

// The mentor's weekly hours: a row of spans per weekday, and date
// exceptions added and removed one at a time. Every change sends the whole
// set to the same domain call as the API's PUT /v2/weeklyhours/.

// weekOrder is Monday to Sunday, as the availability week shows them.
var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

type weeklyView struct {
	Days       []weeklyDay
	Exceptions []weeklyException
	// PublishedThrough is the last day whose hours are availability: the
	// horizon is the start of the day after it (zero: none).
	PublishedThrough time.Time
	HoursError       string // the domain's words about the hours as a whole
}

type weeklyDay struct {
	Name  string
	Slots []weeklySlot
}

type weeklySlot struct{ Start, End string } // field names

type weeklyException struct {
	Date  string
	Label string
}

func slotName(d time.Weekday, i int, part string) string {
	return strings.ToLower(d.String()[:3]) + "_" + strconv.Itoa(i+1) + "_" + part
}

// clockText writes a clock for a time input: 24:00 is 00:00, the midnight
// that ends the day.
func clockText(c scheduling.Clock) string {
	if c == scheduling.EndOfDay {
		return "00:00"
	}
	return c.String()
}

func (a *App) weeklyPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	wh, err := a.Mentoring.MyWeeklyHours(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.showWeekly(w, r, http.StatusOK, weeklyForm(wh, r), wh)
}

// postedWeekly reads a posted form and the saved weekly hours, which each
// change to the hours starts from.
func (a *App) postedWeekly(w http.ResponseWriter, r *http.Request, u *domain.User) (*mentoring.WeeklyHours, bool) {
	if !a.readForm(w, r, formBody) {
		return nil, false
	}
	wh, err := a.Mentoring.MyWeeklyHours(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	return wh, true
}

func (a *App) showWeekly(w http.ResponseWriter, r *http.Request, status int, f *formState, wh *mentoring.WeeklyHours) {
	v := &weeklyView{HoursError: f.Err("hours")}
	if !wh.FilledUntil.IsZero() {
		v.PublishedThrough = wh.FilledUntil.Add(-time.Nanosecond)
	}
	perDay := map[time.Weekday]int{}
	for _, h := range wh.Hours {
		perDay[h.Weekday]++
	}
	for _, d := range weekOrder {
		day := weeklyDay{Name: d.String()}
		// Two spans a day, or as many as are set, plus none: the API may
		// have set more.
		for i := 0; i < max(2, perDay[d]); i++ {
			day.Slots = append(day.Slots, weeklySlot{slotName(d, i, "start"), slotName(d, i, "end")})
		}
		v.Days = append(v.Days, day)
	}
	for _, e := range wh.Exceptions {
		label := "Day off"
		var extra []string
		for _, x := range e.Extra {
			extra = append(extra, x.Start.String()+"–"+x.End.String())
		}
		switch {
		case e.Off && len(extra) > 0:
			label = "Only " + strings.Join(extra, ", ")
		case len(extra) > 0:
			label = "Extra " + strings.Join(extra, ", ")
		}
		d := time.Date(e.Date.Year, e.Date.Month, e.Date.Day, 0, 0, 0, 0, time.UTC)
		v.Exceptions = append(v.Exceptions, weeklyException{Date: e.Date.String(), Label: d.Format("Monday 2 January 2006") + ": " + label})
	}
	a.render(w, r, status, "mentoring-weekly", &view{Title: "Your weekly hours", Nav: "availability", Form: f, Data: v})
}

// readClock reads a time input ("09:30"); end reads 00:00 as 24:00.
func readClock(text string, end bool) (scheduling.Clock, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(text))
	if err != nil {
		return 0, false
	}
	c := scheduling.ClockAt(t.Hour(), t.Minute())
	if end && c == 0 {
		c = scheduling.EndOfDay
	}
	return c, true
}

// readSpan reads one start/end pair of the form: ok false when it has a
// problem (recorded under the field), nil when both are empty.
func readSpan(f *formState, form url.Values, startName, endName string) (*scheduling.ClockSpan, bool) {
	st, en := strings.TrimSpace(form.Get(startName)), strings.TrimSpace(form.Get(endName))
	if st == "" && en == "" {
		return nil, true
	}
	s, ok1 := readClock(st, false)
	e, ok2 := readClock(en, true)
	if !ok1 {
		f.Errors[startName] = append(f.Errors[startName], "Enter a time of day, like 09:30.")
	}
	if !ok2 {
		f.Errors[endName] = append(f.Errors[endName], "Enter a time of day, like 11:00.")
	}
	if !ok1 || !ok2 {
		return nil, false
	}
	if e <= s {
		f.Errors[endName] = append(f.Errors[endName], "End after the start.")
		return nil, false
	}
	return &scheduling.ClockSpan{Start: s, End: e}, true
}

func (a *App) saveWeekly(w http.ResponseWriter, r *http.Request, u *domain.User) {
	old, ok := a.postedWeekly(w, r, u)
	if !ok {
		return
	}
	f := newForm(r)
	var rules []scheduling.WeeklyRule
	for _, d := range weekOrder {
		var day []scheduling.ClockSpan
		for i := 0; ; i++ {
			name := slotName(d, i, "start")
			if _, sent := r.PostForm[name]; !sent && i >= 2 {
				break
			}
			sp, ok := readSpan(f, r.PostForm, name, slotName(d, i, "end"))
			if !ok || sp == nil {
				continue
			}
			for _, o := range day {
				if sp.Start < o.End && o.Start < sp.End {
					f.Errors[name] = append(f.Errors[name], "These hours overlap other hours on "+d.String()+".")
					sp = nil
					break
				}
			}
			if sp != nil {
				day = append(day, *sp)
				rules = append(rules, scheduling.WeeklyRule{Weekday: d, Start: sp.Start, End: sp.End})
			}
		}
	}
	if f.Failed() {
		a.showWeekly(w, r, http.StatusBadRequest, f, old)
		return
	}
	_, err := a.Mentoring.SetWeeklyHours(r.Context(), u, mentoring.WeeklyHoursInput{Hours: rules, Exceptions: old.Exceptions})
	if a.refused(w, r, f, err, func() { a.showWeekly(w, r, httpapi.Status(err), f, old) }) {
		return
	}
	if len(rules) == 0 {
		a.flash(w, r, "Your weekly hours are cleared.")
	} else {
		a.flash(w, r, "Your weekly hours are saved: mentees can book them for the next four weeks, and each new day as it comes.")
	}
	a.redirect(w, r, "/mentor/weekly")
}

// weeklyForm is the hours form filled from what is saved (and on a post,
// the rest of what was sent): the weekly page, and the pages that change
// the exceptions.
func weeklyForm(wh *mentoring.WeeklyHours, r *http.Request) *formState {
	f := newForm(r)
	f.Values = url.Values{}
	for k, vs := range r.PostForm {
		f.Values[k] = vs
	}
	n := map[time.Weekday]int{}
	for _, h := range wh.Hours {
		f.Values.Set(slotName(h.Weekday, n[h.Weekday], "start"), h.Start.String())
		f.Values.Set(slotName(h.Weekday, n[h.Weekday], "end"), clockText(h.End))
		n[h.Weekday]++
	}
	return f
}

func (a *App) addException(w http.ResponseWriter, r *http.Request, u *domain.User) {
	wh, ok := a.postedWeekly(w, r, u)
	if !ok {
		return
	}
	f := weeklyForm(wh, r)
	var e scheduling.DateException
	d, err := time.Parse(dateLayout, strings.TrimSpace(r.PostForm.Get("exception_date")))
	if err != nil {
		f.Errors["exception_date"] = append(f.Errors["exception_date"], "Enter a date, like 2030-01-16.")
	} else {
		e.Date = scheduling.DateOf(d)
		// A past day has no hours left to change; kept, it would only sit
		// on the list. The API takes the list whole (a kept past exception
		// must not fail a later save), so only this form refuses one.
		if e.Date.Before(scheduling.DateOf(a.Clock.Now().In(userZone(u)))) {
			f.Errors["exception_date"] = append(f.Errors["exception_date"], "That date is in the past; choose today or a later date.")
		}
	}
	e.Off = r.PostForm.Get("exception_off") != ""
	sp, ok := readSpan(f, r.PostForm, "exception_start", "exception_end")
	if ok && sp != nil {
		e.Extra = []scheduling.ClockSpan{*sp}
	}
	if ok && sp == nil && !e.Off {
		f.Errors["exception_start"] = append(f.Errors["exception_start"], "Choose a day off, or give extra hours.")
	}
	for _, o := range wh.Exceptions {
		if err == nil && o.Date == e.Date {
			f.Errors["exception_date"] = append(f.Errors["exception_date"], "That date has an exception already; remove it first.")
		}
	}
	if f.Failed() {
		a.showWeekly(w, r, http.StatusBadRequest, f, wh)
		return
	}
	in := mentoring.WeeklyHoursInput{Hours: wh.Hours, Exceptions: append(wh.Exceptions, e)}
	_, err = a.Mentoring.SetWeeklyHours(r.Context(), u, in)
	if a.refused(w, r, f, err, func() { a.showWeekly(w, r, httpapi.Status(err), f, wh) }) {
		return
	}
	a.flash(w, r, "The exception for "+d.Format("Monday 2 January")+" is saved.")
	a.redirect(w, r, "/mentor/weekly")
}

func (a *App) deleteException(w http.ResponseWriter, r *http.Request, u *domain.User) {
	wh, ok := a.postedWeekly(w, r, u)
	if !ok {
		return
	}
	date := r.PathValue("date")
	var keep []scheduling.DateException
	for _, e := range wh.Exceptions {
		if e.Date.String() != date {
			keep = append(keep, e)
		}
	}
	if len(keep) == len(wh.Exceptions) {
		a.notFound(w, r)
		return
	}
	if _, err := a.Mentoring.SetWeeklyHours(r.Context(), u, mentoring.WeeklyHoursInput{Hours: wh.Hours, Exceptions: keep}); err != nil {
		if errs.KindOf(err) == errs.KindInvalid {
			f := weeklyForm(wh, r)
			f.take(err, nil)
			a.showWeekly(w, r, http.StatusBadRequest, f, wh)
			return
		}
		a.fail(w, r, err)
		return
	}
	a.flash(w, r, "The exception is removed.")
	a.redirect(w, r, "/mentor/weekly")
}
