package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
)

// view is what every page's template gets.
type view struct {
	Title string
	User  *domain.User // nil when nobody is signed in
	Zone  *time.Location
	Now   time.Time // the app's clock, for what the layout says of the zone
	Flash string
	Form  *formState
	Data  any // the page's own
	Nav   string
}

// formState is a form as the person sent it, with what was wrong with it,
// so the page shows each message next to its field and keeps what was typed.
type formState struct {
	Values   url.Values
	Errors   map[string][]string
	NonField []string
}

func newForm(r *http.Request) *formState {
	return &formState{Values: r.PostForm, Errors: map[string][]string{}}
}

// Val is what was typed into a field.
func (f *formState) Val(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Err is the message about a field, or "".
func (f *formState) Err(name string) string {
	if f == nil || len(f.Errors[name]) == 0 {
		return ""
	}
	return strings.Join(f.Errors[name], " ")
}

// Checked reports whether a checkbox or option was chosen.
func (f *formState) Checked(name, value string) bool {
	if f == nil {
		return false
	}
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Failed reports whether anything was wrong.
func (f *formState) Failed() bool { return f != nil && (len(f.Errors) > 0 || len(f.NonField) > 0) }

// take records err in the form, each field message under its field (names
// is the page's field name for a domain field, when they differ); it
// reports false when err is not about the input, for the caller to fail.
func (f *formState) take(err error, names map[string]string) bool {
	if v, ok := errs.AsInvalid(err); ok {
		for _, fe := range v.Fields {
			name := fe.Field
			if n, ok := names[name]; ok {
				name = n
			}
			for _, m := range fe.Msgs {
				f.Errors[name] = append(f.Errors[name], message(m))
			}
		}
		for _, m := range v.NonField {
			f.NonField = append(f.NonField, message(m))
		}
		return true
	}
	var e *errs.Error
	if k := errs.KindOf(err); k == errs.KindInvalid || k == errs.KindConflict || k == errs.KindForbidden && asError(err, &e) && e.Message != "" {
		f.NonField = append(f.NonField, detail(err))
		return true
	}
	return false
}

// pages are the parsed templates: each page's file with the layout and
// the shared parts.
type pages struct {
	byName map[string]*template.Template
}

func parsePages() (*pages, error) {
	shared, err := fs.Glob(files, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	all, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, file := range all {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(files, append(append([]string{}, shared...), file)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// render writes a page. It renders into memory first, so a template error
// is a clean 500 rather than half a page.
func (a *App) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t := a.pages.byName[name]
	if t == nil {
		a.Log.Error("no such page template", "name", name)
		http.Error(w, "missing page", http.StatusInternalServerError)
		return
	}
	if v.User == nil {
		v.User = userOf(r)
	}
	v.Zone, v.Now = time.UTC, a.Clock.Now()
	if v.User != nil {
		if loc, err := time.LoadLocation(v.User.Timezone); err == nil {
			v.Zone = loc
		}
	}
	if v.Flash == "" {
		v.Flash = a.takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "_layout", v); err != nil {
		a.Log.Error("rendering a page", "page", name, "err", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// flash leaves a message for the next page shown (after a redirect).
func (a *App) flash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, &http.Cookie{Name: "mentord_flash", Value: url.QueryEscape(msg), Path: Prefix, MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure(r)})
}

func (a *App) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie("mentord_flash")
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: "mentord_flash", Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: a.secure(r)})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

func itoa(n int) string { return strconv.Itoa(n) }

// counted is n of a thing in words: "no meetings", "one meeting", "3
// meetings" (noun is the singular; its plural adds an s).
func counted(n int, noun string) string {
	switch n {
	case 0:
		return "no " + noun + "s"
	case 1:
		return "one " + noun
	}
	return itoa(n) + " " + noun + "s"
}

// maxPage is the highest list page a link may ask for. A bigger number
// would make the list's offset, (page-1) times the page size, overflow to a
// negative OFFSET, which PostgreSQL refuses (a 500); past it the page is
// just past the end of the list, as any page past the last is.
const maxPage = 1 << 20

// pageNumber is the list page asked for, from 1 to maxPage.
func pageNumber(r *http.Request) int {
	p, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || p < 1 {
		return 1
	}
	return min(p, maxPage)
}

// pageLinks are the addresses of the pages before and after page, of
// pages, "" where there is none; link(p) is page p's address. A page past
// the end goes back to the last page, or to the first when there is none.
func pageLinks(page, pages int, link func(p int) string) (prev, next string) {
	if page > 1 {
		prev = link(min(page-1, max(pages, 1)))
	}
	if page < pages {
		next = link(page + 1)
	}
	return prev, next
}

// withPage is a copy of a list's query q asking for page p; page 1, the
// default, is left out.
func withPage(q url.Values, p int) url.Values {
	out := url.Values{}
	for k, vs := range q {
		out[k] = vs
	}
	if p > 1 {
		out.Set("page", itoa(p))
	}
	return out
}

// pageAddr is path asking for page p of its list with query q, without a
// bare "?" when the query is empty.
func pageAddr(path string, q url.Values, p int) string {
	if q = withPage(q, p); len(q) > 0 {
		return path + "?" + q.Encode()
	}
	return path
}

// Times are shown in the viewer's zone, with the zone named.
var funcs = template.FuncMap{
	// when is a date and time: "Tue 15 Jan 2030, 16:00 CET".
	"when": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST") },
	// day is a date: "Tuesday 15 January".
	"day": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("Monday 2 January 2006") },
	// clock is a time of day: "16:00".
	"clock": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04") },
	// zoneName is the zone's abbreviation at t: "CET".
	"zoneName": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("MST") },
	// zoneOver is the zone's abbreviation from from until to, with the
	// first clock change between them named: "EST, then EDT from Sunday 10
	// March". The availability page passes a week, a mentor's page the
	// days it lists.
	"zoneOver": func(from, to time.Time, loc *time.Location) string {
		start := from.In(loc)
		if _, change := start.ZoneBounds(); !change.IsZero() && change.Before(to) {
			return start.Format("MST") + ", then " + change.In(loc).Format("MST from Monday 2 January")
		}
		return start.Format("MST")
	},
	// isoLocal is the value of a datetime-local input.
	"isoLocal": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02T15:04") },
	// rowIn is a table row's data with the viewer's zone, for a row
	// template, where the page's variables are out of reach.
	"rowIn":   func(row any, loc *time.Location) tableRow { return tableRow{row, loc} },
	"name":    displayName,
	"fld":     fld,
	"choices": choices,
	"add":     func(a, b int) int { return a + b },
	"counted": counted,
	"join":    strings.Join,
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	},
	"query": func(pairs ...string) template.URL {
		v := url.Values{}
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				v.Set(pairs[i], pairs[i+1])
			}
		}
		return template.URL(v.Encode())
	},
}

// displayName is how a person is named on a page.
func displayName(u *domain.User) string {
	if u == nil {
		return ""
	}
	if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
		return n
	}
	return u.Username
}

// tableRow is what a row template gets: the row and the viewer's zone.
type tableRow struct {
	Row  any
	Zone *time.Location
}

// refused answers err, when there is one, and reports whether there was: a
// refusal of the input goes into f and the page is shown again (show, a
// 400), anything else fails the request.
func (a *App) refused(w http.ResponseWriter, r *http.Request, f *formState, err error, show func()) bool {
	if err == nil {
		return false
	}
	if f.take(err, nil) {
		show()
	} else {
		a.fail(w, r, err)
	}
	return true
}
