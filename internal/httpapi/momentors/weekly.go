package momentors

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/scheduling"
)

// The calling mentor's weekly hours, at /v2/weeklyhours/: GET, and PUT to
// replace them whole (a JSON body: the lists nest).

type clockSpanOut struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type weeklyRuleOut struct {
	Weekday string `json:"weekday"`
	clockSpanOut
}

type weeklyExceptionOut struct {
	Date  string         `json:"date"`
	Off   bool           `json:"off"`
	Extra []clockSpanOut `json:"extra"`
}

type weeklyHoursOut struct {
	Mentor      int64                `json:"mentor"`
	Timezone    string               `json:"timezone"`
	Hours       []weeklyRuleOut      `json:"hours"`
	Exceptions  []weeklyExceptionOut `json:"exceptions"`
	FilledUntil *string              `json:"filled_until"`
}

func weeklyJSON(mentorID int64, wh *mentoring.WeeklyHours) weeklyHoursOut {
	out := weeklyHoursOut{Mentor: mentorID, Timezone: wh.Timezone, Hours: []weeklyRuleOut{}, Exceptions: []weeklyExceptionOut{}}
	for _, r := range wh.Hours {
		out.Hours = append(out.Hours, weeklyRuleOut{strings.ToLower(r.Weekday.String()), clockSpanOut{r.Start.String(), r.End.String()}})
	}
	for _, e := range wh.Exceptions {
		x := weeklyExceptionOut{Date: e.Date.String(), Off: e.Off, Extra: []clockSpanOut{}}
		for _, s := range e.Extra {
			x.Extra = append(x.Extra, clockSpanOut{s.Start.String(), s.End.String()})
		}
		out.Exceptions = append(out.Exceptions, x)
	}
	if !wh.FilledUntil.IsZero() {
		t := drfTime(wh.FilledUntil)
		out.FilledUntil = &t
	}
	return out
}

func (s *Surface) registerWeeklyHours(h func(method, path string, fn http.HandlerFunc, opts ...httpapi.RouteOption)) {
	for _, m := range []string{"GET", "PUT"} {
		h(m, "/v2/weeklyhours", s.Authed(s.weeklyHours))
	}
}

// GET|PUT /v2/weeklyhours/
func (s *Surface) weeklyHours(w http.ResponseWriter, r *http.Request, u *domain.User) {
	var (
		wh  *mentoring.WeeklyHours
		err error
	)
	if r.Method == http.MethodGet {
		wh, err = s.Mentoring.MyWeeklyHours(r.Context(), u)
	} else if _, err = s.Mentoring.MyWeeklyHours(r.Context(), u); err == nil {
		f, ok := s.Object(w, r)
		if !ok {
			return
		}
		in := mentoring.WeeklyHoursInput{Unread: f.Invalid()}
		in.Hours = readWeeklyRules(f)
		in.Exceptions = readExceptions(f)
		wh, err = s.Mentoring.SetWeeklyHours(r.Context(), u, in)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, weeklyJSON(u.ID, wh))
}

var weekdays = map[string]time.Weekday{"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday,
	"wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday}

// list reads a JSON list of objects; absent is empty.
func objects(f *form.Form, name string) ([]map[string]any, bool) {
	raw, ok := f.Value(name)
	if !ok || raw == nil {
		return nil, true
	}
	items, ok := raw.([]any)
	if !ok {
		f.Fail(name, errs.CodeNotList, "Expected a list of objects.")
		return nil, false
	}
	out := make([]map[string]any, len(items))
	for i, it := range items {
		if out[i], ok = it.(map[string]any); !ok {
			f.Fail(name, "not_object", fmt.Sprintf("Item %d is not an object.", i+1))
			return nil, false
		}
	}
	return out, true
}

// clockOf reads "HH:MM" (24:00 allowed; the domain says where).
func clockOf(v any) (scheduling.Clock, bool) {
	s, ok := v.(string)
	if !ok {
		return 0, false
	}
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(hh) != 2 || len(mm) != 2 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return scheduling.ClockAt(h, m), true
}

func spanOf(o map[string]any) (scheduling.ClockSpan, bool) {
	a, ok1 := clockOf(o["start"])
	b, ok2 := clockOf(o["end"])
	return scheduling.ClockSpan{Start: a, End: b}, ok1 && ok2
}

const msgClock = `Hours %d: "start" and "end" are times of day as "HH:MM" (24:00 for midnight at the end).`

func readWeeklyRules(f *form.Form) []scheduling.WeeklyRule {
	items, ok := objects(f, "hours")
	if !ok {
		return nil
	}
	var out []scheduling.WeeklyRule
	for i, o := range items {
		name, _ := o["weekday"].(string)
		wd, known := weekdays[strings.ToLower(strings.TrimSpace(name))]
		if !known {
			f.Fail("hours", "invalid_weekday", fmt.Sprintf(`Hours %d: "weekday" is a day of the week, like "tuesday".`, i+1))
			continue
		}
		sp, ok := spanOf(o)
		if !ok {
			f.Fail("hours", "invalid_clock", fmt.Sprintf(msgClock, i+1))
			continue
		}
		out = append(out, scheduling.WeeklyRule{Weekday: wd, Start: sp.Start, End: sp.End})
	}
	return out
}

func readExceptions(f *form.Form) []scheduling.DateException {
	items, ok := objects(f, "exceptions")
	if !ok {
		return nil
	}
	var out []scheduling.DateException
	for i, o := range items {
		ds, _ := o["date"].(string)
		d, err := time.Parse("2006-01-02", ds)
		if err != nil {
			f.Fail("exceptions", "invalid_date", fmt.Sprintf(`Exception %d: "date" is a date as "YYYY-MM-DD".`, i+1))
			continue
		}
		e := scheduling.DateException{Date: scheduling.DateOf(d)}
		switch off := o["off"].(type) {
		case nil:
		case bool:
			e.Off = off
		default:
			f.Fail("exceptions", "invalid_off", fmt.Sprintf(`Exception %d: "off" is true or false.`, i+1))
			continue
		}
		extra, _ := o["extra"].([]any)
		if _, given := o["extra"]; given && o["extra"] != nil && extra == nil {
			f.Fail("exceptions", "invalid_extra", fmt.Sprintf(`Exception %d: "extra" is a list of {"start", "end"}.`, i+1))
			continue
		}
		bad := false
		for _, x := range extra {
			xo, _ := x.(map[string]any)
			sp, ok := spanOf(xo)
			if !ok {
				f.Fail("exceptions", "invalid_clock", fmt.Sprintf(`Exception %d: extra hours are times of day as "HH:MM" (24:00 for midnight at the end).`, i+1))
				bad = true
				break
			}
			e.Extra = append(e.Extra, sp)
		}
		if !bad {
			out = append(out, e)
		}
	}
	return out
}
