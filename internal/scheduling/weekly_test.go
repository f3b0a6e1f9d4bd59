package scheduling

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, on machines without zoneinfo
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

func span(h1, m1, h2, m2 int) ClockSpan { return ClockSpan{ClockAt(h1, m1), ClockAt(h2, m2)} }

func rule(wd time.Weekday, h1, m1, h2, m2 int) WeeklyRule {
	return WeeklyRule{wd, ClockAt(h1, m1), ClockAt(h2, m2)}
}

func fmtIntervals(in []Interval) string {
	var b strings.Builder
	for _, iv := range in {
		fmt.Fprintf(&b, "[%s %s) ", iv.Start.Format(time.RFC3339), iv.End.Format(time.RFC3339))
	}
	return b.String()
}

// expectIntervals fails the test, naming the case, unless got is want.
func expectIntervals(t *testing.T, name string, got, want []Interval) {
	t.Helper()
	if !sameIntervals(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", name, fmtIntervals(got), fmtIntervals(want))
	}
}

func sameIntervals(a, b []Interval) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Start.Equal(b[i].Start) || !a[i].End.Equal(b[i].End) {
			return false
		}
	}
	return true
}

func TestClock(t *testing.T) {
	for _, tc := range []struct {
		c    Clock
		want string
	}{
		{ClockAt(0, 0), "00:00"},
		{ClockAt(9, 5), "09:05"},
		{ClockAt(17, 30), "17:30"},
		{EndOfDay, "24:00"},
		{-1, "Clock(-1)"},
		{EndOfDay + 1, "Clock(1441)"},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("%d: %q, want %q", int(tc.c), got, tc.want)
		}
	}
	if c := ClockAt(17, 30); c.Hour() != 17 || c.Minute() != 30 {
		t.Errorf("17:30 is %d:%d", c.Hour(), c.Minute())
	}
}

func TestDate(t *testing.T) {
	d := Date{2027, time.March, 31}
	if got := d.AddDays(1); got != (Date{2027, time.April, 1}) {
		t.Errorf("after 2027-03-31: %v", got)
	}
	if got := d.AddDays(-31); got != (Date{2027, time.February, 28}) {
		t.Errorf("31 days before 2027-03-31: %v", got)
	}
	if d.Weekday() != time.Wednesday || d.String() != "2027-03-31" {
		t.Errorf("%v is a %v", d, d.Weekday())
	}
	if !d.valid() || !(Date{2028, time.February, 29}).valid() || (Date{2027, time.February, 29}).valid() || (Date{2027, time.April, 31}).valid() {
		t.Error("valid dates")
	}
	berlin := zone(t, "Europe/Berlin")
	if got := DateOf(time.Date(2027, 3, 28, 0, 30, 0, 0, berlin)); got != (Date{2027, time.March, 28}) {
		t.Errorf("DateOf reads the time's own zone: %v", got)
	}
}

// wantProblem is the part of a Problem a test states.
type wantProblem struct {
	err                           error
	rule, exception, extra, other int
}

func checkProblems(t *testing.T, name string, err error, want []wantProblem) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("%s: %v is not Problems", name, err)
	}
	if len(ps) != len(want) {
		t.Fatalf("%s: %v, want %d problems", name, err, len(want))
	}
	for i, w := range want {
		p := ps[i]
		if !errors.Is(p, w.err) || p.Rule != w.rule || p.Exception != w.exception || p.Extra != w.extra || p.Other != w.other {
			t.Errorf("%s: problem %d is %+v, want %+v", name, i, *p, w)
		}
		if !errors.Is(err, w.err) {
			t.Errorf("%s: errors.Is(Problems, %v) is false", name, w.err)
		}
	}
}

func TestValidate(t *testing.T) {
	d := Date{2027, time.March, 28}
	for _, tc := range []struct {
		name string
		err  error
		want []wantProblem
	}{
		{"rules: none", ValidateRules(nil), nil},
		{"rules: good", ValidateRules([]WeeklyRule{
			rule(time.Monday, 9, 0, 12, 0),
			rule(time.Monday, 12, 0, 13, 0), // touching is fine
			rule(time.Tuesday, 9, 0, 12, 0), // same hours, another day
			{time.Sunday, 0, EndOfDay},
		}), nil},
		{"rules: empty", ValidateRules([]WeeklyRule{rule(time.Monday, 9, 0, 9, 0)}),
			[]wantProblem{{ErrEmptySpan, 0, -1, -1, -1}}},
		{"rules: backwards", ValidateRules([]WeeklyRule{rule(time.Monday, 19, 0, 17, 0)}),
			[]wantProblem{{ErrEmptySpan, 0, -1, -1, -1}}},
		{"rules: overnight is two rules", ValidateRules([]WeeklyRule{rule(time.Monday, 22, 0, 1, 0)}),
			[]wantProblem{{ErrEmptySpan, 0, -1, -1, -1}}},
		{"rules: clocks", ValidateRules([]WeeklyRule{
			{time.Monday, -1, 60},
			{time.Monday, 60, EndOfDay + 1},
			{time.Monday, EndOfDay, EndOfDay},
			{time.Monday, 0, 0},
		}), []wantProblem{
			{ErrBadClock, 0, -1, -1, -1},
			{ErrBadClock, 1, -1, -1, -1},
			{ErrBadClock, 2, -1, -1, -1},
			{ErrBadClock, 3, -1, -1, -1},
		}},
		{"rules: weekday", ValidateRules([]WeeklyRule{{-1, 60, 120}, {7, 60, 120}}),
			[]wantProblem{{ErrBadWeekday, 0, -1, -1, -1}, {ErrBadWeekday, 1, -1, -1, -1}}},
		{"rules: overlap", ValidateRules([]WeeklyRule{
			rule(time.Wednesday, 9, 0, 12, 0),
			rule(time.Thursday, 11, 0, 14, 0),
			rule(time.Wednesday, 11, 59, 14, 0),
			rule(time.Wednesday, 10, 0, 11, 0), // inside the first
		}), []wantProblem{
			{ErrOverlap, 2, -1, -1, 0},
			{ErrOverlap, 3, -1, -1, 0},
		}},
		{"rules: an invalid rule overlaps nothing", ValidateRules([]WeeklyRule{
			rule(time.Friday, 12, 0, 9, 0),
			rule(time.Friday, 10, 0, 11, 0),
		}), []wantProblem{{ErrEmptySpan, 0, -1, -1, -1}}},
		{"exceptions: none", ValidateExceptions(nil), nil},
		{"exceptions: good", ValidateExceptions([]DateException{
			{Date: d, Off: true},
			{Date: d.AddDays(1), Extra: []ClockSpan{span(9, 0, 10, 0), span(10, 0, 11, 0)}},
			{Date: d.AddDays(2), Off: true, Extra: []ClockSpan{{0, EndOfDay}}},
		}), nil},
		{"exceptions: no such date", ValidateExceptions([]DateException{
			{Date: Date{2027, time.February, 29}, Off: true},
			{Date: Date{2027, 13, 1}, Off: true},
			{Date: Date{2027, time.January, 0}, Off: true},
		}), []wantProblem{
			{ErrBadDate, -1, 0, -1, -1},
			{ErrBadDate, -1, 1, -1, -1},
			{ErrBadDate, -1, 2, -1, -1},
		}},
		{"exceptions: same date twice", ValidateExceptions([]DateException{
			{Date: d, Off: true},
			{Date: d.AddDays(1), Off: true},
			{Date: d, Extra: []ClockSpan{span(9, 0, 10, 0)}},
		}), []wantProblem{{ErrDuplicateDate, -1, 2, -1, 0}}},
		{"exceptions: extra spans", ValidateExceptions([]DateException{
			{Date: d, Extra: []ClockSpan{
				span(9, 0, 12, 0),
				span(13, 0, 13, 0),
				{-5, 60},
				span(11, 0, 14, 0),
				span(14, 0, 15, 0),
			}},
		}), []wantProblem{
			{ErrEmptySpan, -1, 0, 1, -1},
			{ErrBadClock, -1, 0, 2, -1},
			{ErrOverlap, -1, 0, 3, 0},
		}},
	} {
		checkProblems(t, tc.name, tc.err, tc.want)
	}
}

func TestProblemMessages(t *testing.T) {
	err := ValidateRules([]WeeklyRule{rule(time.Monday, 9, 0, 12, 0), rule(time.Monday, 10, 0, 11, 0), rule(time.Monday, 13, 0, 13, 0)})
	want := "rule 1: overlaps another span on the same day (rule 0); rule 2: end is not after start"
	if err == nil || err.Error() != want {
		t.Errorf("%v", err)
	}
	d := Date{2027, time.March, 28}
	err = ValidateExceptions([]DateException{
		{Date: d, Extra: []ClockSpan{span(9, 0, 12, 0), span(10, 0, 11, 0)}},
		{Date: d, Off: true},
	})
	want = "exception 0, extra span 1: overlaps another span on the same day (extra span 0); " +
		"exception 1: another exception has the same date (exception 0)"
	if err == nil || err.Error() != want {
		t.Errorf("%v", err)
	}
}

// weekdays names the days as weekly writes them.
var weekdays = map[string]time.Weekday{
	"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday, "Wed": time.Wednesday,
	"Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday,
}

// weekly reads rules written "Sat 17:00-19:00, Sun 00:00-24:00".
func weekly(s string) []WeeklyRule {
	var out []WeeklyRule
	for _, r := range strings.Split(s, ", ") {
		day, hours, _ := strings.Cut(r, " ")
		from, to, _ := strings.Cut(hours, "-")
		wd, ok := weekdays[day]
		if !ok {
			panic("weekly: " + r)
		}
		out = append(out, WeeklyRule{wd, clock(from), clock(to)})
	}
	return out
}

// clock reads "09:30" (or "24:00").
func clock(s string) Clock {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); n != 2 || err != nil {
		panic("clock: " + s)
	}
	return ClockAt(h, m)
}

// intervals reads UTC intervals written "2027-03-23 16:00/18:00,
// 2027-03-13 22:00/2027-03-14 00:00": an end without a date is on the
// start's date. "" is none.
func intervals(s string) []Interval {
	if s == "" {
		return nil
	}
	var out []Interval
	for _, iv := range strings.Split(s, ", ") {
		start, end, _ := strings.Cut(iv, "/")
		if len(end) == len("15:04") {
			end = start[:len("2006-01-02 ")] + end
		}
		out = append(out, Interval{instant(start), instant(end)})
	}
	return out
}

func instant(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestExpandDST(t *testing.T) {
	berlin, newYork := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	for _, tc := range []struct {
		name                string
		loc                 *time.Location
		rules, during, want string
	}{
		// CET, then CEST.
		{"Berlin Tuesdays around spring forward", berlin, "Tue 17:00-19:00", "2027-03-22 00:00/2027-04-05 00:00", "2027-03-23 16:00/18:00, 2027-03-30 15:00/17:00"},
		{"Berlin Tuesdays around fall back", berlin, "Tue 17:00-19:00", "2027-10-25 00:00/2027-11-08 00:00", "2027-10-26 15:00/17:00, 2027-11-02 16:00/18:00"},
		// 2027-03-28: at 02:00 CET (01:00Z) the clock jumps to 03:00 CEST.
		{"Berlin spring forward, across the gap", berlin, "Sun 01:00-04:00", "2027-03-27 00:00/2027-03-29 00:00", "2027-03-28 00:00/02:00"},
		{"Berlin spring forward, start in the gap", berlin, "Sun 02:30-05:00", "2027-03-27 00:00/2027-03-29 00:00", "2027-03-28 01:00/03:00"},
		{"Berlin spring forward, end in the gap", berlin, "Sun 01:00-02:30", "2027-03-27 00:00/2027-03-29 00:00", "2027-03-28 00:00/01:00"},
		{"Berlin spring forward, span in the gap vanishes", berlin, "Sun 02:00-03:00, Sat 02:00-03:00", "2027-03-27 00:00/2027-03-29 00:00", "2027-03-27 01:00/02:00"},
		// 2027-10-31: at 03:00 CEST (01:00Z) the clock goes back to 02:00 CET.
		{"Berlin fall back, the repeated hour", berlin, "Sun 02:00-03:00", "2027-10-30 00:00/2027-11-01 00:00", "2027-10-31 00:00/02:00"},
		{"Berlin fall back, end in the repeated hour", berlin, "Sun 01:00-02:30", "2027-10-30 00:00/2027-11-01 00:00", "2027-10-30 23:00/2027-10-31 00:30"},
		// 25 hours.
		{"Berlin fall back, whole day", berlin, "Sun 00:00-24:00", "2027-10-30 00:00/2027-11-01 00:00", "2027-10-30 22:00/2027-10-31 23:00"},
		// EST, then EDT.
		{"New York evenings around spring forward", newYork, "Sat 17:00-19:00, Sun 17:00-19:00", "2027-03-13 00:00/2027-03-15 12:00", "2027-03-13 22:00/2027-03-14 00:00, 2027-03-14 21:00/23:00"},
		// 2027-03-14: at 02:00 EST (07:00Z) the clock jumps to 03:00 EDT.
		{"New York spring forward, 02:00-04:00 is one real hour", newYork, "Sun 02:00-04:00", "2027-03-13 00:00/2027-03-15 00:00", "2027-03-14 07:00/08:00"},
		{"New York spring forward, 01:30-02:30", newYork, "Sun 01:30-02:30", "2027-03-13 00:00/2027-03-15 00:00", "2027-03-14 06:30/07:00"},
		{"New York spring forward, 02:00-02:30 vanishes", newYork, "Sun 02:00-02:30", "2027-03-13 00:00/2027-03-15 00:00", ""},
		{"New York spring forward, spans either side of the gap join", newYork, "Sun 01:00-02:00, Sun 03:00-04:00", "2027-03-13 00:00/2027-03-15 00:00", "2027-03-14 06:00/08:00"},
		// 2027-11-07: at 02:00 EDT (06:00Z) the clock goes back to 01:00 EST.
		{"New York fall back, 01:00-02:00 is two real hours", newYork, "Sun 01:00-02:00", "2027-11-06 00:00/2027-11-08 00:00", "2027-11-07 05:00/07:00"},
		{"New York fall back, 00:00-01:30 ends at the first 01:30", newYork, "Sun 00:00-01:30", "2027-11-06 00:00/2027-11-08 00:00", "2027-11-07 04:00/05:30"},
		{"New York fall back, 01:30-03:00", newYork, "Sun 01:30-03:00", "2027-11-06 00:00/2027-11-08 00:00", "2027-11-07 05:30/08:00"},
		{"New York evenings around fall back", newYork, "Sat 17:00-19:00, Sun 17:00-19:00", "2027-11-06 00:00/2027-11-08 12:00", "2027-11-06 21:00/23:00, 2027-11-07 22:00/2027-11-08 00:00"},
	} {
		during := intervals(tc.during)[0]
		got := Expand(weekly(tc.rules), nil, tc.loc, during.Start, during.End)
		expectIntervals(t, tc.name, got, intervals(tc.want))
		for _, iv := range got {
			if iv.Start.Location() != time.UTC || iv.End.Location() != time.UTC {
				t.Errorf("%s: %v is not in UTC", tc.name, iv)
			}
		}
	}
}

func TestExpandExceptions(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	rules := weekly("Mon 09:00-12:00, Tue 09:00-12:00, Tue 14:00-16:00")
	mon, tue := Date{2027, time.June, 7}, Date{2027, time.June, 8} // CEST, UTC+2
	from, to := utc(2027, 6, 7, 0, 0), utc(2027, 6, 9, 0, 0)
	const monday, tuesday = "2027-06-07 07:00/10:00", "2027-06-08 07:00/10:00, 2027-06-08 12:00/14:00"
	for _, tc := range []struct {
		name string
		ex   []DateException
		want string
	}{
		{"no exceptions", nil, monday + ", " + tuesday},
		{"day off", []DateException{{Date: tue, Off: true}}, monday},
		{"extra hours", []DateException{{Date: mon, Extra: []ClockSpan{span(18, 0, 20, 0)}}}, monday + ", 2027-06-07 16:00/18:00, " + tuesday},
		{"extra hours overlapping weekly ones merge", []DateException{{Date: tue, Extra: []ClockSpan{span(11, 0, 15, 0)}}}, monday + ", 2027-06-08 07:00/14:00"},
		{"extra hours touching weekly ones merge", []DateException{{Date: mon, Extra: []ClockSpan{span(12, 0, 13, 0), span(8, 0, 9, 0)}}}, "2027-06-07 06:00/11:00, " + tuesday},
		{"off with extra: only the extra hours", []DateException{{Date: tue, Off: true, Extra: []ClockSpan{span(10, 0, 11, 0)}}}, monday + ", 2027-06-08 08:00/09:00"},
		{"an exception on a day without rules", []DateException{{Date: Date{2027, time.June, 6}, Extra: []ClockSpan{span(10, 0, 11, 0)}}}, monday + ", " + tuesday},
		{"an exception outside the range", []DateException{
			{Date: Date{2027, time.June, 14}, Off: true},
			{Date: Date{2027, time.June, 9}, Extra: []ClockSpan{span(10, 0, 11, 0)}},
		}, monday + ", " + tuesday},
		{"two exceptions for one date combine", []DateException{
			{Date: mon, Extra: []ClockSpan{span(18, 0, 19, 0)}},
			{Date: mon, Off: true},
		}, "2027-06-07 16:00/17:00, " + tuesday},
		{"a whole extra day", []DateException{{Date: mon, Off: true, Extra: []ClockSpan{{0, EndOfDay}}}}, "2027-06-06 22:00/2027-06-07 22:00, " + tuesday},
	} {
		got := Expand(rules, tc.ex, berlin, from, to)
		expectIntervals(t, tc.name, got, intervals(tc.want))
	}

	// Exceptions on a spring-forward night follow the same reading.
	newYork := zone(t, "America/New_York")
	got := Expand(nil, []DateException{{Date: Date{2027, time.March, 14}, Extra: []ClockSpan{span(2, 0, 4, 0)}}},
		newYork, utc(2027, 3, 14, 0, 0), utc(2027, 3, 15, 0, 0))
	expectIntervals(t, "extra hours in the gap", got, intervals("2027-03-14 07:00/08:00"))
}

func TestExpandRange(t *testing.T) {
	// Mondays 09:00-12:00 UTC; 2027-06-07 is a Monday.
	rules := weekly("Mon 09:00-12:00")
	mon := intervals("2027-06-07 09:00/12:00")[0]
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     []Interval
	}{
		{"inside", utc(2027, 6, 7, 0, 0), utc(2027, 6, 8, 0, 0), []Interval{mon}},
		{"exactly", mon.Start, mon.End, []Interval{mon}},
		{"starts before the range: whole, not clipped", utc(2027, 6, 7, 10, 0), utc(2027, 6, 8, 0, 0), []Interval{mon}},
		{"ends after the range: whole, not clipped", utc(2027, 6, 7, 0, 0), utc(2027, 6, 7, 9, 1), []Interval{mon}},
		{"range inside the span", utc(2027, 6, 7, 10, 0), utc(2027, 6, 7, 11, 0), []Interval{mon}},
		{"ends where the range starts", mon.End, utc(2027, 6, 8, 0, 0), nil},
		{"starts where the range ends", utc(2027, 6, 7, 0, 0), mon.Start, nil},
		{"empty range", mon.Start, mon.Start, nil},
		{"backwards range", mon.End, mon.Start, nil},
		{"several weeks", utc(2027, 6, 1, 0, 0), utc(2027, 6, 22, 0, 0), intervals("2027-06-07 09:00/12:00, 2027-06-14 09:00/12:00, 2027-06-21 09:00/12:00")},
	} {
		got := Expand(rules, nil, time.UTC, tc.from, tc.to)
		expectIntervals(t, tc.name, got, tc.want)
	}

	// The range is instants: from and to in any zone mean the same, and a
	// span of a date the range's ends do not fall on in loc still counts.
	tokyo, honolulu := zone(t, "Asia/Tokyo"), zone(t, "Pacific/Honolulu")
	// Monday 09:00-12:00 in Tokyo is Sunday 14:00-17:00 in Honolulu.
	got := Expand(rules, nil, tokyo,
		time.Date(2027, 6, 6, 15, 0, 0, 0, honolulu), time.Date(2027, 6, 6, 16, 0, 0, 0, honolulu))
	expectIntervals(t, "range in another zone", got, intervals("2027-06-07 00:00/03:00"))
}

func TestExpandMerging(t *testing.T) {
	mon := Date{2027, time.June, 7}
	from, to := utc(2027, 6, 7, 0, 0), utc(2027, 6, 9, 0, 0)
	for _, tc := range []struct {
		name  string
		rules []WeeklyRule
		want  string
	}{
		{"touching rules of one day merge", weekly("Mon 12:00-13:00, Mon 09:00-12:00"), "2027-06-07 09:00/13:00"},
		{"overlapping rules (invalid) merge", weekly("Mon 09:00-12:00, Mon 10:00-14:00"), "2027-06-07 09:00/14:00"},
		{"spans of two days stay apart at midnight", weekly("Mon 22:00-24:00, Tue 00:00-02:00"), "2027-06-07 22:00/2027-06-08 00:00, 2027-06-08 00:00/02:00"},
		{"bad rules are skipped", []WeeklyRule{
			rule(time.Monday, 12, 0, 9, 0),
			{time.Monday, -60, 60},
			{time.Monday, 60, EndOfDay + 60},
			{9, 60, 120},
			rule(time.Monday, 13, 0, 14, 0),
		}, "2027-06-07 13:00/14:00"},
	} {
		got := Expand(tc.rules, nil, time.UTC, from, to)
		expectIntervals(t, tc.name, got, intervals(tc.want))
	}
	got := Expand(nil, []DateException{{Date: mon, Extra: []ClockSpan{span(9, 0, 8, 0), span(10, 0, 11, 0)}}}, time.UTC, from, to)
	expectIntervals(t, "bad extra span", got, intervals("2027-06-07 10:00/11:00"))
}

// firstReading is wallInstant by brute force: the first whole minute at
// which a clock in loc shows c on d, or later. Every zone below changes its
// offset on a whole minute by whole minutes, so minutes are exact.
func firstReading(d Date, c Clock, loc *time.Location) time.Time {
	wall := d.midnightUTC().Add(time.Duration(c) * time.Minute)
	reads := func(t time.Time) time.Time {
		l := t.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
	}
	// Start before any reading of wall: back from Go's guess until the clock
	// read less, and then 3 more hours, more than these clocks ever go back.
	t := time.Date(d.Year, d.Month, d.Day, c.Hour(), c.Minute(), 0, 0, loc).Add(-3 * time.Hour)
	for !reads(t).Before(wall) {
		t = t.Add(-3 * time.Hour)
	}
	t = t.Add(-3 * time.Hour).UTC()
	for reads(t).Before(wall) {
		t = t.Add(time.Minute)
	}
	return t
}

// transitionDates are the dates on which loc changes its offset in year, and
// the dates either side.
func transitionDates(loc *time.Location, year int) []Date {
	var out []Date
	for d := (Date{year, time.January, 1}); d.Year == year; d = d.AddDays(1) {
		_, a := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc).Zone()
		n := d.AddDays(1)
		_, b := time.Date(n.Year, n.Month, n.Day, 0, 0, 0, 0, loc).Zone()
		if a != b {
			out = append(out, d.AddDays(-1), d, n)
		}
	}
	return out
}

// Zones with unusual changes: half-hour DST (Lord_Howe), changes at
// midnight (Santiago, Havana, Asuncion), two-hour DST (Troll), negative DST
// (Dublin, Casablanca), odd offsets (Chatham, Kathmandu, St_Johns), and
// Apia, which skipped 2011-12-30.
var fuzzZones = []string{
	"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
	"America/Santiago", "America/Havana", "America/Asuncion", "Antarctica/Troll",
	"Europe/Dublin", "Africa/Casablanca", "Pacific/Chatham", "Asia/Kathmandu",
	"America/St_Johns", "Pacific/Apia", "Asia/Tokyo", "Pacific/Kiritimati",
}

func TestWallInstant(t *testing.T) {
	for _, name := range fuzzZones {
		loc := zone(t, name)
		dates := transitionDates(loc, 2027)
		if name == "Pacific/Apia" {
			dates = append(dates, transitionDates(loc, 2011)...)
		}
		for _, d := range dates {
			for c := Clock(0); c <= EndOfDay; c += 15 {
				got, want := wallInstant(d, c, loc), firstReading(d, c, loc)
				if !got.Equal(want) || got.Location() != time.UTC {
					t.Errorf("%s %v %v: %v, want %v", name, d, c, got, want)
				}
			}
		}
	}
	// The day Apia skipped has no spans.
	apia := zone(t, "Pacific/Apia")
	if got := Expand([]WeeklyRule{{time.Friday, 0, EndOfDay}}, nil, apia,
		utc(2011, 12, 28, 0, 0), utc(2012, 1, 2, 0, 0)); len(got) != 0 {
		t.Errorf("Apia's 2011-12-30: %s", fmtIntervals(got))
	}
}

// spansOn is what the rules and exceptions give date d, written plainly:
// the exceptions' extra hours, and the rules of its weekday unless an
// exception takes the day off.
func spansOn(rules []WeeklyRule, exceptions []DateException, d Date) []ClockSpan {
	var spans []ClockSpan
	off := false
	for _, e := range exceptions {
		if e.Date == d {
			off = off || e.Off
			spans = append(spans, e.Extra...)
		}
	}
	if !off {
		for _, r := range rules {
			if r.Weekday == d.Weekday() {
				spans = append(spans, r.Span())
			}
		}
	}
	return spans
}

// reference is Expand written plainly, on firstReading, for FuzzExpand.
func reference(rules []WeeklyRule, exceptions []DateException, loc *time.Location, from, to time.Time) []Interval {
	var out []Interval
	if !to.After(from) {
		return nil
	}
	for d := DateOf(from.In(loc)).AddDays(-3); d.Before(DateOf(to.In(loc)).AddDays(4)); d = d.AddDays(1) {
		var day []Interval
		for _, s := range spansOn(rules, exceptions, d) {
			if s.Start < 0 || s.End > EndOfDay || s.End <= s.Start || s.Start >= EndOfDay {
				continue
			}
			iv := Interval{firstReading(d, s.Start, loc), firstReading(d, s.End, loc)}
			if iv.Valid() {
				day = append(day, iv)
			}
		}
		for _, iv := range Merge(day) {
			if iv.Overlaps(Interval{from, to}) {
				out = append(out, iv)
			}
		}
	}
	return out
}

// FuzzExpand checks Expand against reference, and its promises directly.
// spec is read 4 bytes a span: a rule on a weekday, or an exception (off,
// or extra hours) on a date near from.
func FuzzExpand(f *testing.F) {
	seed := func(zone, when string, days int, spec ...byte) {
		zi := -1
		for i, z := range fuzzZones {
			if z == zone {
				zi = i
			}
		}
		t, err := time.Parse("2006-01-02", when)
		if zi < 0 || err != nil {
			panic(zone + " " + when)
		}
		day := uint16(t.Sub(fuzzBase).Hours() / 24)
		f.Add(spec, uint8(zi), day, uint16(0), uint16(days*24*60))
	}
	// Sunday and Saturday spans over the four DST weekends of the tests,
	// with a day off and extra hours.
	seed("Europe/Berlin", "2027-03-22", 10, 0, 0, 4, 12, 6, 0, 72, 8, 14, 6, 0, 0, 15, 7, 8, 4)
	seed("Europe/Berlin", "2027-10-25", 10, 0, 0, 8, 4, 6, 0, 72, 8, 15, 6, 4, 8)
	seed("America/New_York", "2027-03-10", 7, 0, 0, 8, 8, 0, 3, 6, 3, 15, 4, 10, 2)
	seed("America/New_York", "2027-11-03", 7, 0, 0, 4, 4, 0, 0, 0, 95, 14, 4, 0, 0)
	seed("Pacific/Apia", "2011-12-26", 8, 5, 0, 0, 95, 6, 0, 90, 10)
	seed("America/Santiago", "2027-04-01", 6, 6, 0, 88, 12, 0, 0, 0, 8)
	seed("Antarctica/Troll", "2027-03-25", 6, 0, 0, 0, 31, 0, 0, 8, 0xff)
	f.Fuzz(func(t *testing.T, spec []byte, zi uint8, day, minute, length uint16) {
		loc := zone(t, fuzzZones[int(zi)%len(fuzzZones)])
		from := fuzzBase.AddDate(0, 0, int(day)%(30*365)).Add(time.Duration(minute%1440) * time.Minute)
		to := from.Add(time.Duration(length%(21*24*60)) * time.Minute)
		first := DateOf(from.In(loc))
		var rules []WeeklyRule
		var exceptions []DateException
		for i := 0; i+4 <= len(spec) && i < 4*32; i += 4 {
			b := spec[i : i+4]
			s := ClockSpan{Start: Clock(b[2]%96)*15 + Clock(b[1]%15)}
			s.End = min(s.Start+Clock(b[3]%32+1)*15, EndOfDay)
			if b[3] >= 0xf0 { // now and then a bad span, which Expand skips
				s.End = s.Start - Clock(b[3]%16)
			}
			switch k := b[0] % 16; {
			case k < 14:
				rules = append(rules, WeeklyRule{time.Weekday(k % 7), s.Start, s.End})
			default:
				e := DateException{Date: first.AddDays(int(b[1]%24) - 1), Off: k == 14}
				if k == 15 || b[3]&0x40 != 0 {
					e.Extra = []ClockSpan{s}
				}
				exceptions = append(exceptions, e)
			}
		}

		got := Expand(rules, exceptions, loc, from, to)
		want := reference(rules, exceptions, loc, from, to)
		if !sameIntervals(got, want) {
			t.Fatalf("%v %v-%v rules %v exceptions %v:\n got  %s\n want %s", loc, from, to, rules, exceptions, fmtIntervals(got), fmtIntervals(want))
		}

		// Each span's date has the spans of its rules and exceptions.
		// A time is where the clock jumped when a period of the zone begins.
		jumped := func(at time.Time) bool {
			start, _ := at.In(loc).ZoneBounds()
			return start.Equal(at)
		}
		for i, iv := range got {
			if !iv.Valid() || !iv.Overlaps(Interval{from, to}) || iv.Start.Location() != time.UTC {
				t.Fatalf("span %d %v, range %v-%v", i, iv, from, to)
			}
			if i > 0 && iv.Start.Before(got[i-1].End) {
				t.Fatalf("span %d %v overlaps or precedes %v", i, iv, got[i-1])
			}
			ls, le := iv.Start.In(loc), iv.End.In(loc)
			d := DateOf(ls)
			if i > 0 && iv.Start.Equal(got[i-1].End) && DateOf(got[i-1].Start.In(loc)) == d {
				t.Fatalf("spans %d and %d touch on %v and were not merged", i-1, i, d)
			}
			startClock := ClockAt(ls.Hour(), ls.Minute())
			endClock := ClockAt(le.Hour(), le.Minute())
			if DateOf(le) != d && endClock == 0 {
				endClock = EndOfDay
			}
			var startOK, endOK bool
			for _, s := range spansOn(rules, exceptions, d) {
				startOK = startOK || s.Start == startClock
				endOK = endOK || s.End == endClock
			}
			if !startOK && !jumped(iv.Start) {
				t.Fatalf("span %d %v starts at %v %v, no start of %v", i, iv, d, startClock, spansOn(rules, exceptions, d))
			}
			if !endOK && !jumped(iv.End) {
				t.Fatalf("span %d %v ends at %v, no end of %v", i, iv, le, spansOn(rules, exceptions, d))
			}
		}
	})
}

var fuzzBase = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)

// TestDateAt: At reads wall times to the second as wallInstant reads
// minutes: a skipped time is the end of the gap, a repeated one its first
// occurrence, and a skipped midnight the first instant of the day.
func TestDateAt(t *testing.T) {
	at := func(h, m, s int) time.Duration {
		return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
	}
	for _, c := range []struct {
		zone  string
		d     Date
		clock time.Duration
		want  time.Time
	}{
		{"America/New_York", Date{2027, 3, 14}, at(2, 30, 15), time.Date(2027, 3, 14, 7, 0, 0, 0, time.UTC)},
		{"America/New_York", Date{2027, 11, 7}, at(1, 30, 0), time.Date(2027, 11, 7, 5, 30, 0, 0, time.UTC)},
		{"Australia/Lord_Howe", Date{2027, 10, 3}, at(2, 15, 0), time.Date(2027, 10, 2, 15, 30, 0, 0, time.UTC)},
		{"Asia/Kathmandu", Date{2027, 1, 5}, at(10, 0, 30), time.Date(2027, 1, 5, 4, 15, 30, 0, time.UTC)},
		{"America/Santiago", Date{2027, 9, 5}, 0, time.Date(2027, 9, 5, 4, 0, 0, 0, time.UTC)},
		{"America/Santiago", Date{2027, 9, 4}, at(24, 0, 0), time.Date(2027, 9, 5, 4, 0, 0, 0, time.UTC)},
	} {
		if got := c.d.At(c.clock, zone(t, c.zone)); !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("%s %v + %v: %v, want %v", c.zone, c.d, c.clock, got, c.want)
		}
	}
}
