package momentors_test

import (
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

const weeklyPath = "/v2/weeklyhours/"

func hours(wd, start, end string) map[string]any {
	return map[string]any{"weekday": wd, "start": start, "end": end}
}

// spansOf is the mentor's V1 availability list as start-end pairs.
func spansOf(t *testing.T, s *apptest.Server, m apptest.User) [][2]string {
	t.Helper()
	var list []struct {
		PK         int64  `json:"pk"`
		Start, End string `json:"-"`
		StartTime  string `json:"start_time"`
		EndTime    string `json:"end_time"`
	}
	s.Get("/availability/").Token(m.Token).Do().Expect(200).Decode(&list)
	out := make([][2]string, len(list))
	for i, a := range list {
		out[i] = [2]string{a.StartTime, a.EndTime}
	}
	return out
}

func hasSpan(list [][2]string, start, end string) bool {
	for _, sp := range list {
		if sp[0] == start && sp[1] == end {
			return true
		}
	}
	return false
}

func TestWeeklyHours(t *testing.T) {
	// Monday 14 January 2030, 09:00 UTC.
	monday := time.Date(2030, 1, 14, 9, 0, 0, 0, time.UTC)
	apptest.EachAt(t, monday, func(t *testing.T, s *apptest.Server) {
		m, me := s.Mentor("mentor1"), s.Mentee("mentee1")
		s.Patch("/myprofile/").Token(m.Token).JSON(map[string]any{"timezone": "Europe/Berlin"}).Do().Expect(200)
		s.Get(weeklyPath).Token(m.Token).Do().
			ExpectBody(200, `{"mentor":1,"timezone":"Europe/Berlin","hours":[],"exceptions":[],"filled_until":null}`)
		s.Get(weeklyPath).Token(me.Token).Do().ExpectBody(403, `{"detail":"Only mentors can manage availability."}`)
		s.Put(weeklyPath).Token(me.Token).JSON(map[string]any{"hours": []any{}}).Do().Expect(403)

		// Every problem at once, items counted from 1; nothing is kept.
		s.Put(weeklyPath).Token(m.Token).JSON(map[string]any{
			"hours": []any{hours("tuesday", "17:00", "19:00"), hours("tuesday", "18:00", "20:00"), hours("funday", "10:00", "11:00"),
				hours("friday", "9", "10:00"), hours("friday", "12:00", "11:00")},
			"exceptions": []any{map[string]any{"date": "2030-02-30", "off": true}, map[string]any{"date": "2030-01-22", "off": "yes"},
				map[string]any{"date": "2030-01-24", "extra": []any{map[string]any{"start": "08:00", "end": "09:00"}, map[string]any{"start": "08:30", "end": "10:00"}}}},
		}).Do().ExpectBody(400, `{"hours":["Hours 3: \"weekday\" is a day of the week, like \"tuesday\".",
			"Hours 4: \"start\" and \"end\" are times of day as \"HH:MM\" (24:00 for midnight at the end)."],
			"exceptions":["Exception 1: \"date\" is a date as \"YYYY-MM-DD\".","Exception 2: \"off\" is true or false."]}`)
		s.Put(weeklyPath).Token(m.Token).JSON(map[string]any{
			"hours":      []any{hours("tuesday", "17:00", "19:00"), hours("tuesday", "18:00", "20:00"), hours("friday", "12:00", "11:00")},
			"exceptions": []any{map[string]any{"date": "2030-01-24", "extra": []any{map[string]any{"start": "08:00", "end": "09:00"}, map[string]any{"start": "08:30", "end": "10:00"}}}},
		}).Do().ExpectBody(400, `{"hours":["Hours 2 overlap hours 1 on the same day.","Hours 3: the end must be after the start."],
			"exceptions":["Exception 1: extra hours 2 overlap extra hours 1."]}`)
		if got := spansOf(t, s, m); len(got) != 0 {
			t.Fatalf("refused hours made availability: %v", got)
		}

		// A hand-entered span stays, and the weekly hours go around it.
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T16:30:00Z", "2030-01-15T17:00:00Z")).Do().Expect(201)
		// Tuesdays 17:00-19:00 and Saturdays 10:00-12:00 in Berlin (CET, UTC+1); Tuesday
		// 22 January off, extra hours on Thursday 24 January.
		s.Put(weeklyPath).Token(m.Token).JSON(map[string]any{
			"hours": []any{hours("Tuesday", "17:00", "19:00"), hours("saturday", "10:00", "12:00")},
			"exceptions": []any{map[string]any{"date": "2030-01-22", "off": true},
				map[string]any{"date": "2030-01-24", "extra": []any{map[string]any{"start": "08:00", "end": "09:00"}}}},
		}).Do().ExpectBody(200, `{"mentor":1,"timezone":"Europe/Berlin",
			"hours":[{"weekday":"tuesday","start":"17:00","end":"19:00"},{"weekday":"saturday","start":"10:00","end":"12:00"}],
			"exceptions":[{"date":"2030-01-22","off":true,"extra":[]},{"date":"2030-01-24","off":false,"extra":[{"start":"08:00","end":"09:00"}]}],
			"filled_until":"2030-02-10T23:00:00Z"}`)
		got := spansOf(t, s, m)
		want := [][2]string{
			{"2030-01-15T16:00:00Z", "2030-01-15T16:30:00Z"}, // Tuesday 15, before the hand-entered half hour
			{"2030-01-15T16:30:00Z", "2030-01-15T17:00:00Z"}, // hand-entered
			{"2030-01-15T17:00:00Z", "2030-01-15T18:00:00Z"},
			{"2030-01-19T09:00:00Z", "2030-01-19T11:00:00Z"}, // Saturday 19
			{"2030-01-24T07:00:00Z", "2030-01-24T08:00:00Z"}, // Thursday 24, extra
			{"2030-01-26T09:00:00Z", "2030-01-26T11:00:00Z"},
			{"2030-01-29T16:00:00Z", "2030-01-29T18:00:00Z"},
			{"2030-02-02T09:00:00Z", "2030-02-02T11:00:00Z"},
			{"2030-02-05T16:00:00Z", "2030-02-05T18:00:00Z"},
			{"2030-02-09T09:00:00Z", "2030-02-09T11:00:00Z"},
		}
		if len(got) != len(want) {
			t.Fatalf("availability:\n got %v\nwant %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("availability %d: got %v, want %v\n%v", i, got[i], want[i], got)
			}
		}
		// V2 lists them with their status, the mentor directory shows them.
		if v2 := s.Get("/v2/availability/").Token(m.Token).Do().Expect(200).List(); len(v2) != len(want) || v2[3].(map[string]any)["status"] != "Open" {
			t.Fatalf("v2: %v", v2)
		}
		mentors := s.Get("/mentor/").Token(me.Token).Do().Expect(200).List()
		if av := mentors[0].(map[string]any)["availabilities"].([]any); len(av) != len(want) {
			t.Fatalf("directory: %v", mentors)
		}

		// A session is requested against weekly availability like any other.
		list := s.Get("/availability/").Token(m.Token).Do().Expect(200).List()
		satPK := int(list[3].(map[string]any)["pk"].(float64))
		ask(s, me, satPK, "2030-01-19T10:00:00Z").Expect(201)
		ask(s, me, satPK, "2030-01-19T11:30:00Z").Expect(400) // past its end

		// New hours: free weekly availability is replaced; the booked one and
		// the hand-entered one stay.
		s.Put(weeklyPath).Token(m.Token).JSON(map[string]any{"hours": []any{hours("saturday", "09:00", "13:00")}}).Do().Expect(200)
		got = spansOf(t, s, m)
		if !hasSpan(got, "2030-01-15T16:30:00Z", "2030-01-15T17:00:00Z") || !hasSpan(got, "2030-01-19T09:00:00Z", "2030-01-19T11:00:00Z") ||
			!hasSpan(got, "2030-01-19T08:00:00Z", "2030-01-19T09:00:00Z") || !hasSpan(got, "2030-01-19T11:00:00Z", "2030-01-19T12:00:00Z") ||
			!hasSpan(got, "2030-01-26T08:00:00Z", "2030-01-26T12:00:00Z") || hasSpan(got, "2030-01-15T16:00:00Z", "2030-01-15T16:30:00Z") || len(got) != 7 {
			t.Fatalf("after new hours: %v", got)
		}

		// As days pass the worker adds the days that come into range.
		s.Clock.Set(monday.Add(7 * 24 * time.Hour))
		s.Deliver()
		got = spansOf(t, s, m)
		if !hasSpan(got, "2030-02-16T08:00:00Z", "2030-02-16T12:00:00Z") || hasSpan(got, "2030-01-19T09:00:00Z", "2030-01-19T11:00:00Z") {
			t.Fatalf("after a week: %v", got)
		}
		if fu := s.Get(weeklyPath).Token(m.Token).Do().Expect(200).Obj()["filled_until"]; fu != "2030-02-17T23:00:00Z" {
			t.Fatalf("filled_until after a week: %v", fu)
		}
		s.Deliver() // a second pass adds nothing
		if again := spansOf(t, s, m); len(again) != len(got) {
			t.Fatalf("a second pass changed %v to %v", got, again)
		}

		// No hours: weekly availability without sessions goes.
		s.Put(weeklyPath).Token(m.Token).JSON(map[string]any{}).Do().
			ExpectBody(200, `{"mentor":1,"timezone":"Europe/Berlin","hours":[],"exceptions":[],"filled_until":null}`)
		if got := spansOf(t, s, m); len(got) != 0 {
			t.Fatalf("after switching off: %v", got)
		}
	})
}

// TestWeeklyHoursAcrossDST expands weekly hours over the change weekends of
// Europe/Berlin and America/New_York: each span keeps its wall-clock time,
// so its UTC time moves by the hour, and a span over the changing night
// is an hour shorter in spring (a skipped wall time is the end of the
// gap) and an hour longer in autumn (the repeated hour counts from its
// first occurrence). The autumn weeks come from the worker's daily fill.
func TestWeeklyHoursAcrossDST(t *testing.T) {
	type check struct{ start, end string }
	for _, c := range []struct {
		zone           string
		hours          []any
		spring, autumn time.Time // clocks before each change
		springWant     []check
		autumnWant     []check
		request        string // a start to request after the spring change
	}{
		{
			zone:   "Europe/Berlin",
			hours:  []any{hours("sunday", "02:00", "04:00"), hours("sunday", "10:00", "12:00")},
			spring: time.Date(2030, 3, 20, 12, 0, 0, 0, time.UTC), // the clocks go forward on Sunday 31 March
			springWant: []check{
				{"2030-03-24T01:00:00Z", "2030-03-24T03:00:00Z"}, {"2030-03-24T09:00:00Z", "2030-03-24T11:00:00Z"}, // CET
				{"2030-03-31T01:00:00Z", "2030-03-31T02:00:00Z"}, {"2030-03-31T08:00:00Z", "2030-03-31T10:00:00Z"}, // 03:00-04:00 CEST; CEST
				{"2030-04-07T00:00:00Z", "2030-04-07T02:00:00Z"}, {"2030-04-07T08:00:00Z", "2030-04-07T10:00:00Z"},
			},
			request: "2030-03-31T08:00:00Z",
			autumn:  time.Date(2030, 10, 16, 12, 0, 0, 0, time.UTC), // back on Sunday 27 October
			autumnWant: []check{
				{"2030-10-20T00:00:00Z", "2030-10-20T02:00:00Z"}, {"2030-10-20T08:00:00Z", "2030-10-20T10:00:00Z"}, // CEST
				{"2030-10-27T00:00:00Z", "2030-10-27T03:00:00Z"}, {"2030-10-27T09:00:00Z", "2030-10-27T11:00:00Z"}, // 02:00 CEST-04:00 CET; CET
				{"2030-11-03T01:00:00Z", "2030-11-03T03:00:00Z"}, {"2030-11-03T09:00:00Z", "2030-11-03T11:00:00Z"},
			},
		},
		{
			zone:   "America/New_York",
			hours:  []any{hours("sunday", "01:00", "03:00"), hours("tuesday", "17:00", "19:00")},
			spring: time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC), // forward on Sunday 10 March
			springWant: []check{
				{"2030-03-03T06:00:00Z", "2030-03-03T08:00:00Z"}, {"2030-03-05T22:00:00Z", "2030-03-06T00:00:00Z"}, // EST
				{"2030-03-10T06:00:00Z", "2030-03-10T07:00:00Z"}, {"2030-03-12T21:00:00Z", "2030-03-12T23:00:00Z"}, // 01:00 EST-03:00 EDT; EDT
			},
			request: "2030-03-12T21:00:00Z",
			autumn:  time.Date(2030, 10, 25, 12, 0, 0, 0, time.UTC), // back on Sunday 3 November
			autumnWant: []check{
				{"2030-10-27T05:00:00Z", "2030-10-27T07:00:00Z"}, {"2030-10-29T21:00:00Z", "2030-10-29T23:00:00Z"}, // EDT
				{"2030-11-03T05:00:00Z", "2030-11-03T08:00:00Z"}, {"2030-11-05T22:00:00Z", "2030-11-06T00:00:00Z"}, // 01:00 EDT-03:00 EST; EST
			},
		},
	} {
		t.Run(c.zone, func(t *testing.T) {
			apptest.EachAt(t, c.spring, func(t *testing.T, s *apptest.Server) {
				m, me := s.Mentor("mentor1"), s.Mentee("mentee1")
				s.Patch("/myprofile/").Token(m.Token).JSON(map[string]any{"timezone": c.zone}).Do().Expect(200)
				s.Put(weeklyPath).Token(m.Token).JSON(map[string]any{"hours": c.hours}).Do().Expect(200)
				got := spansOf(t, s, m)
				for _, w := range c.springWant {
					if !hasSpan(got, w.start, w.end) {
						t.Errorf("spring: no %s-%s in %v", w.start, w.end, got)
					}
				}
				// Requested like hand-entered availability, after the change.
				list := s.Get("/availability/").Token(m.Token).Do().Expect(200).List()
				for _, a := range list {
					if a := a.(map[string]any); a["start_time"] == c.request {
						ask(s, me, int(a["pk"].(float64)), c.request).Expect(201)
					}
				}
				if n := len(s.Get("/session/").Token(me.Token).Do().Expect(200).List()); n != 1 {
					t.Errorf("sessions after the request: %d", n)
				}

				s.Clock.Set(c.autumn)
				s.Deliver()
				got = spansOf(t, s, m)
				for _, w := range c.autumnWant {
					if !hasSpan(got, w.start, w.end) {
						t.Errorf("autumn: no %s-%s in %v", w.start, w.end, got)
					}
				}
			})
		})
	}
}

// TestWeeklyHoursFollowTheZone: weekly hours are wall-clock times of the
// mentor's zone, so a new zone moves the free times made from them; a
// booked one stays where it was booked.
func TestWeeklyHoursFollowTheZone(t *testing.T) {
	monday := time.Date(2030, 1, 14, 9, 0, 0, 0, time.UTC)
	apptest.EachAt(t, monday, func(t *testing.T, s *apptest.Server) {
		m, me := s.Mentor("mentor1"), s.Mentee("mentee1")
		s.Patch("/myprofile/").Token(m.Token).JSON(map[string]any{"timezone": "Europe/Berlin"}).Do().Expect(200)
		s.Put(weeklyPath).Token(m.Token).JSON(map[string]any{"hours": []any{hours("tuesday", "17:00", "19:00")}}).Do().Expect(200)
		// Book the first Tuesday's 16:00 UTC (17:00 in Berlin).
		for _, a := range s.Get("/availability/").Token(m.Token).Do().Expect(200).List() {
			if a := a.(map[string]any); a["start_time"] == "2030-01-15T16:00:00Z" {
				ask(s, me, int(a["pk"].(float64)), "2030-01-15T16:00:00Z").Expect(201)
			}
		}

		s.Patch("/myprofile/").Token(m.Token).JSON(map[string]any{"timezone": "America/New_York"}).Do().Expect(200)
		got := spansOf(t, s, m)
		if !hasSpan(got, "2030-01-22T22:00:00Z", "2030-01-23T00:00:00Z") { // 17:00-19:00 EST
			t.Errorf("no Tuesday 17:00-19:00 in New York after the change: %v", got)
		}
		if hasSpan(got, "2030-01-22T16:00:00Z", "2030-01-22T18:00:00Z") {
			t.Errorf("the Berlin hours are still offered: %v", got)
		}
		booked := false
		for _, sp := range got {
			booked = booked || (sp[0] <= "2030-01-15T16:00:00Z" && sp[1] >= "2030-01-15T16:30:00Z")
		}
		if !booked {
			t.Errorf("the booked Berlin time was removed: %v", got)
		}
		var wh struct{ Timezone string }
		s.Get(weeklyPath).Token(m.Token).Do().Expect(200).Decode(&wh)
		if wh.Timezone != "America/New_York" {
			t.Errorf("weekly hours read in %q", wh.Timezone)
		}
	})
}
