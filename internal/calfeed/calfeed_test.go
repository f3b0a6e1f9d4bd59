package calfeed_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

var t0 = time.Date(2030, 1, 15, 9, 0, 0, 0, time.UTC)

// feedOf makes (or replaces) the user's feed through the API and returns
// its URL.
func feedOf(t *testing.T, s *apptest.Server, auth func(*apptest.Req) *apptest.Req) string {
	t.Helper()
	var out struct {
		URL       string `json:"url"`
		WebcalURL string `json:"webcal_url"`
		CreatedAt string `json:"created_at"`
	}
	auth(s.Post("/v2/calendarfeed/")).Do().Expect(201).Decode(&out)
	if !strings.HasPrefix(out.URL, s.URL+"/feed/") || !strings.HasSuffix(out.URL, ".ics") ||
		out.WebcalURL != "webcal://"+strings.TrimPrefix(out.URL, "http://") || out.CreatedAt == "" {
		t.Fatalf("feed: %+v", out)
	}
	return out.URL
}

// event is what a test checks of one VEVENT.
type event struct {
	UID, Start, End, Summary, Description, URL, Location, Status string
}

// fetch gets a feed without any credential, checks it is a valid
// subscription feed (parsed by golang-ical, with the properties the
// calendar clients need) and returns its events by UID.
func fetch(t *testing.T, s *apptest.Server, feedURL string) map[string]event {
	t.Helper()
	res := s.Get(strings.TrimPrefix(feedURL, s.URL)).Do().Expect(200)
	if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if !bytes.HasPrefix(res.Body, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.HasSuffix(res.Body, []byte("END:VCALENDAR\r\n")) {
		t.Fatalf("not a CRLF iCalendar text:\n%s", res.Body)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, res.Body)
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		if _, dup := props[p.IANAToken]; dup {
			t.Errorf("%s twice", p.IANAToken)
		}
		props[p.IANAToken] = p.Value
	}
	for k, want := range map[string]string{"VERSION": "2.0", "PRODID": "-//mentord//mentord//EN", "CALSCALE": "GREGORIAN",
		"METHOD": "PUBLISH", "REFRESH-INTERVAL": "PT1H", "X-PUBLISHED-TTL": "PT1H"} {
		if props[k] != want {
			t.Errorf("%s = %q, want %q", k, props[k], want)
		}
	}
	if !strings.HasPrefix(props["X-WR-CALNAME"], "mentord: ") {
		t.Errorf("X-WR-CALNAME = %q", props["X-WR-CALNAME"])
	}
	out := map[string]event{}
	get := func(e *ics.VEvent, p ics.ComponentProperty) string {
		if v := e.GetProperty(p); v != nil {
			return v.Value
		}
		return ""
	}
	for _, e := range cal.Events() {
		ev := event{UID: e.Id(), Start: get(e, ics.ComponentPropertyDtStart), End: get(e, ics.ComponentPropertyDtEnd),
			Summary: get(e, ics.ComponentPropertySummary), Description: get(e, ics.ComponentPropertyDescription),
			URL: get(e, ics.ComponentPropertyUrl), Location: get(e, ics.ComponentPropertyLocation), Status: get(e, ics.ComponentPropertyStatus)}
		for _, p := range []ics.ComponentProperty{ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd,
			ics.ComponentPropertySummary} {
			if get(e, p) == "" {
				t.Errorf("%s has no %s", ev.UID, p)
			}
		}
		for _, v := range []string{ev.Start, ev.End, get(e, ics.ComponentPropertyDtstamp)} {
			if _, err := time.Parse("20060102T150405Z", v); err != nil {
				t.Errorf("%s: %q is not a UTC time", ev.UID, v)
			}
		}
		if ev.End <= ev.Start {
			t.Errorf("%s ends %s, before it starts %s", ev.UID, ev.End, ev.Start)
		}
		if _, dup := out[ev.UID]; dup {
			t.Errorf("UID %s twice", ev.UID)
		}
		out[ev.UID] = ev
	}
	return out
}

func uids(events map[string]event) []string {
	var out []string
	for id := range events {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func expectUIDs(t *testing.T, who string, events map[string]event, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := uids(events); !slices.Equal(got, want) {
		t.Errorf("%s's feed has %v, want %v", who, got, want)
	}
}

// TestCalendarFeed: each user's feed lists exactly their own confirmed
// sessions, group sessions and finalized meetings, with stable UIDs; a
// canceled item leaves it; rotating and revoking end the old URL; the
// token is not in the database.
func TestCalendarFeed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		dbURL := storetest.URL(t, e)
		s := apptest.Start(t, e, apptest.Options{Now: t0, URL: dbURL})
		mira, mia, sam := s.Mentor("mira"), s.Mentee("mia"), s.Mentee("sam")
		tess, nobody := s.Mentor("tess"), s.Mentee("nobody")
		as := func(u apptest.User) func(*apptest.Req) *apptest.Req {
			return func(q *apptest.Req) *apptest.Req { return q.As(u) }
		}

		// 1:1 sessions with mira: A confirmed, B pending, C confirmed (then
		// canceled), S (sam's) confirmed.
		s.Post("/availability/").As(mira).JSON(map[string]string{"start_time": "2030-01-15T15:00:00Z", "end_time": "2030-01-15T18:00:00Z"}).Do().Expect(201)
		book := func(u apptest.User, start string) int {
			var out struct{ PK int }
			s.Post("/sessionrequest/").As(u).JSON(map[string]any{"mentor_availability": 1, "start_time": start, "session_length": 30}).Do().Expect(201).Decode(&out)
			return out.PK
		}
		set := func(u apptest.User, pk int, status string) {
			s.Patch(fmt.Sprintf("/sessionrequest/%d/", pk)).As(u).JSON(map[string]string{"status": status}).Do().Expect(200)
		}
		a, b, c, sm := book(mia, "2030-01-15T15:00:00Z"), book(mia, "2030-01-15T15:30:00Z"), book(mia, "2030-01-15T16:00:00Z"), book(sam, "2030-01-15T17:00:00Z")
		set(mira, a, "Confirmed")
		set(mira, c, "Confirmed")
		set(mira, sm, "Confirmed")

		// Group sessions: mira leads g1 (mia joins) and g2 (cancelled);
		// tess leads g3 (nobody joins it but sam) and g4, more than a year
		// ahead.
		group := func(u apptest.User, title, date string) int {
			res := s.Post("/api/sessions/").As(u).JSON(map[string]any{"title": title, "description": "About " + title, "date": date, "max_participants": 5}).Do().Expect(201).Obj()
			return int(res["id"].(float64))
		}
		g1, g2 := group(mira, "Go workshop", "2030-01-20T10:00:00Z"), group(mira, "Dropped", "2030-01-21T10:00:00Z")
		g3, g4 := group(tess, "SQL clinic", "2030-01-22T10:00:00Z"), group(tess, "Far away", "2031-03-01T10:00:00Z")
		s.Post(fmt.Sprintf("/api/sessions/%d/join/", g1)).As(mia).Do().Expect(201)
		s.Post(fmt.Sprintf("/api/sessions/%d/join/", g2)).As(mia).Do().Expect(201)
		s.Post(fmt.Sprintf("/api/sessions/%d/join/", g3)).As(sam).Do().Expect(201)
		s.Post(fmt.Sprintf("/api/sessions/%d/cancel/", g2)).As(mira).Do().Expect(200)

		// A finalized meeting of olive's, who uses the meeting scheduler.
		s.Post("/accounts/signup/").JSON(map[string]string{"email": "olive@example.com", "username": "olive", "first_name": "Olive",
			"last_name": "Owner", "password": apptest.Password, "password2": apptest.Password}).Do().Expect(201)
		var jwt struct{ Access string }
		s.Post("/accounts/login/").JSON(map[string]string{"username": "olive", "password": apptest.Password}).Do().Expect(200).Decode(&jwt)
		olive := func(q *apptest.Req) *apptest.Req { return q.Bearer(jwt.Access) }
		ann := int(olive(s.Post("/schedules/contacts/")).JSON(map[string]string{"first_Name": "Ann", "last_Name": "Guest", "email": "ann@guests.example"}).Do().Expect(201).Obj()["id"].(float64))
		calID := int(olive(s.Post("/schedules/calendars/create/")).JSON(map[string]any{"name": "Interviews", "description": "Phase 2", "deadline": "2030-03-05",
			"invitees": []int{ann}, "available_slots": []any{map[string]any{"date": "2030-03-12", "start_time": "13:00:00", "end_time": "15:00:00", "preference_level": 3}}}).
			Do().Expect(201).Obj()["id"].(float64))
		olive(s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", calID))).JSON(map[string]any{"finalized_schedule": []any{
			map[string]any{"contact_id": ann, "start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 14:00:00"}}}).Do().Expect(200)

		// No feed until asked for; no credential, no management.
		s.Get("/v2/calendarfeed/").As(mia).Do().ExpectBody(404, `{"detail":"No calendar feed."}`)
		s.Delete("/v2/calendarfeed/").As(mia).Do().ExpectBody(404, `{"detail":"No calendar feed."}`)
		s.Get("/v2/calendarfeed/").Do().Expect(401)
		s.Post("/v2/calendarfeed/").Do().Expect(401)

		feeds := map[string]string{}
		for name, auth := range map[string]func(*apptest.Req) *apptest.Req{"mira": as(mira), "mia": as(mia), "sam": as(sam), "tess": as(tess),
			"nobody": as(nobody), "olive": olive} {
			feeds[name] = feedOf(t, s, auth)
		}
		sess := func(id int) string { return fmt.Sprintf("session-%d@mentord", id) }
		grp := func(id int) string { return fmt.Sprintf("group-%d@mentord", id) }

		miraFeed := fetch(t, s, feeds["mira"])
		expectUIDs(t, "mira", miraFeed, sess(a), sess(c), sess(sm), grp(g1))
		expectUIDs(t, "mia", fetch(t, s, feeds["mia"]), sess(a), sess(c), grp(g1))
		expectUIDs(t, "sam", fetch(t, s, feeds["sam"]), sess(sm), grp(g3))
		expectUIDs(t, "tess", fetch(t, s, feeds["tess"]), grp(g3))
		expectUIDs(t, "nobody", fetch(t, s, feeds["nobody"]))
		oliveFeed := fetch(t, s, feeds["olive"])
		expectUIDs(t, "olive", oliveFeed, "meeting-1@mentord")
		_ = b

		// What an event says.
		ev := miraFeed[sess(a)]
		if ev.Start != "20300115T150000Z" || ev.End != "20300115T153000Z" || ev.Summary != "Mentoring session: Mia Mentee and Mira Mentor" ||
			ev.URL != fmt.Sprintf("%s/app/sessions/%d", s.URL, a) || !strings.HasPrefix(ev.Location, "https://meet.jit.si/") ||
			!strings.Contains(ev.Description, "with Mia Mentee (mentee)") || ev.Status != "CONFIRMED" {
			t.Errorf("session event: %+v", ev)
		}
		gev := miraFeed[grp(g1)]
		if gev.Start != "20300120T100000Z" || gev.End != "20300120T110000Z" || gev.Summary != "Group session: Go workshop" ||
			gev.URL != fmt.Sprintf("%s/app/groups/%d", s.URL, g1) || !strings.Contains(gev.Description, "About Go workshop") {
			t.Errorf("group event: %+v", gev)
		}
		mev := oliveFeed["meeting-1@mentord"]
		if mev.Start == "" || mev.Summary != "Interviews: Olive Owner and Ann Guest" || mev.Description != "Phase 2" ||
			!strings.HasPrefix(mev.URL, s.URL+"/app/meetings/calendars/") {
			t.Errorf("meeting event: %+v", mev)
		}

		// Stable across fetches; a canceled session leaves both feeds.
		s.Clock.Advance(10 * time.Minute)
		again := fetch(t, s, feeds["mira"])
		for id, ev := range miraFeed {
			if again[id] != ev {
				t.Errorf("%s changed between fetches: %+v then %+v", id, ev, again[id])
			}
		}
		set(mia, c, "Canceled")
		expectUIDs(t, "mira after the cancel", fetch(t, s, feeds["mira"]), sess(a), sess(sm), grp(g1))
		expectUIDs(t, "mia after the cancel", fetch(t, s, feeds["mia"]), sess(a), grp(g1))

		// The window: 30 days back, a year ahead.
		s.Clock.Set(t0.AddDate(0, 0, 60))
		expectUIDs(t, "tess two months on", fetch(t, s, feeds["tess"]), grp(g4))
		expectUIDs(t, "mia two months on", fetch(t, s, feeds["mia"]))
		expectUIDs(t, "olive two months on", fetch(t, s, feeds["olive"]), "meeting-1@mentord")

		// GET shows the same URL again; the token is stored only as a hash.
		var shown struct{ URL string }
		s.Get("/v2/calendarfeed/").As(mia).Do().Expect(200).Decode(&shown)
		if shown.URL != feeds["mia"] {
			t.Errorf("GET shows %s, made %s", shown.URL, feeds["mia"])
		}
		token := strings.TrimSuffix(strings.TrimPrefix(feeds["mia"], s.URL+"/feed/"), ".ics")
		row := feedRow(t, e, dbURL, mia.ID)
		sum := sha256.Sum256([]byte(token))
		if strings.Contains(row, token) || !strings.Contains(row, hex.EncodeToString(sum[:])) {
			t.Errorf("token %s; stored row %s", token, row)
		}

		// Rotate: the old URL is gone, the new one works.
		fresh := feedOf(t, s, as(mia))
		if fresh == feeds["mia"] {
			t.Fatal("rotating kept the URL")
		}
		s.Get(strings.TrimPrefix(feeds["mia"], s.URL)).Do().ExpectBody(404, `{"detail":"No calendar feed."}`)
		fetch(t, s, fresh)
		s.Get("/v2/calendarfeed/").As(mia).Do().Expect(200).Decode(&shown)
		if shown.URL != fresh {
			t.Errorf("GET after rotate shows %s, want %s", shown.URL, fresh)
		}
		// Revoke: 404 from then on.
		s.Delete("/v2/calendarfeed/").As(mia).Do().Expect(204)
		s.Get(strings.TrimPrefix(fresh, s.URL)).Do().Expect(404)
		s.Get("/v2/calendarfeed/").As(mia).Do().Expect(404)
		// Others' feeds are untouched; wrong tokens are 404, never 500.
		fetch(t, s, feeds["mira"])
		for _, p := range []string{"/feed/" + token, "/feed/x.ics", "/feed/" + strings.Repeat("g", 40) + ".ics", "/feed/.ics",
			"/feed/" + strings.ToUpper(strings.TrimPrefix(feeds["sam"], s.URL+"/feed/"))} {
			s.Get(p).Do().Expect(404)
		}
		s.Post(strings.TrimPrefix(feeds["mira"], s.URL)).Do().Expect(405)
	})
}

// feedRow is the user's calendar_feeds row as the database holds it, every
// column as text.
func feedRow(t *testing.T, e store.Engine, dbURL string, userID int64) string {
	t.Helper()
	var db *sql.DB
	var err error
	if e == store.SQLite {
		db, err = sql.Open("sqlite", "file:"+strings.TrimPrefix(dbURL, "sqlite:")+"?mode=ro")
	} else {
		db, err = sql.Open("pgx", dbURL)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := "SELECT user_id, token_hash, token_seed, created_at FROM calendar_feeds WHERE user_id = " + fmt.Sprint(userID)
	var cols [4]string
	if err := db.QueryRow(q).Scan(&cols[0], &cols[1], &cols[2], &cols[3]); err != nil {
		t.Fatal(err)
	}
	return strings.Join(cols[:], " | ")
}
