package notify

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

func parseFeed(t *testing.T, data []byte) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	return cal
}

// calProp is the one calendar property named token, or nil.
func calProp(t *testing.T, cal *ics.Calendar, token string) *ics.BaseProperty {
	t.Helper()
	var found *ics.BaseProperty
	for i, p := range cal.CalendarProperties {
		if p.IANAToken == token {
			if found != nil {
				t.Errorf("%s twice", token)
			}
			found = &cal.CalendarProperties[i].BaseProperty
		}
	}
	return found
}

func eventProp(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

// checkLines checks the content lines of an iCalendar text: CRLF after every
// line and nowhere else, at most 75 octets each, no UTF-8 sequence split.
func checkLines(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Error("does not end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a character: %q", i, l)
		}
		if l == "" {
			t.Errorf("line %d is empty", i)
		}
	}
}

func TestFeedRoundTrip(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	events := []FeedEvent{{
		UID:         "session-12@mentord",
		Sequence:    3,
		Start:       time.Date(2027, 3, 30, 17, 0, 0, 0, berlin), // CEST: 15:00Z
		End:         time.Date(2027, 3, 30, 18, 30, 0, 0, berlin),
		Summary:     "Mentoring: Ada, Grace; \"week 3\"",
		Description: "Agenda:\n1. review, plan\n2. C:\\path; done",
		Location:    "Room 4, Building B",
		URL:         "https://meet.example.com/abc?x=1;y=2",
		Status:      StatusTentative,
		Modified:    time.Date(2027, 2, 27, 10, 11, 12, 0, berlin),
	}, {
		UID:     "session-13@mentord",
		Start:   time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC),
		End:     time.Date(2027, 4, 2, 10, 0, 0, 0, time.UTC),
		Summary: "Intro call",
	}}
	data := Feed("Ada's sessions, mentord", events, now)
	checkLines(t, data)
	cal := parseFeed(t, data)

	for token, want := range map[string]string{
		"VERSION":          "2.0",
		"PRODID":           "-//mentord//mentord//EN",
		"METHOD":           "PUBLISH",
		"CALSCALE":         "GREGORIAN",
		"X-WR-CALNAME":     "Ada's sessions, mentord",
		"NAME":             "Ada's sessions, mentord",
		"X-PUBLISHED-TTL":  "PT1H",
		"REFRESH-INTERVAL": "PT1H",
	} {
		p := calProp(t, cal, token)
		if p == nil || p.Value != want {
			t.Errorf("%s: %+v, want %q", token, p, want)
		}
	}
	if p := calProp(t, cal, "REFRESH-INTERVAL"); p == nil || len(p.ICalParameters["VALUE"]) != 1 || p.ICalParameters["VALUE"][0] != "DURATION" {
		t.Errorf("REFRESH-INTERVAL needs VALUE=DURATION: %+v", p)
	}
	if !bytes.HasPrefix(data, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")) {
		t.Errorf("starts %q", data[:40])
	}

	got := cal.Events()
	if len(got) != 2 {
		t.Fatalf("%d events", len(got))
	}
	e := got[0]
	for p, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertyUniqueId:     "session-12@mentord",
		ics.ComponentPropertySequence:     "3",
		ics.ComponentPropertyDtstamp:      "20270301T080000Z",
		ics.ComponentPropertyDtStart:      "20270330T150000Z",
		ics.ComponentPropertyDtEnd:        "20270330T163000Z",
		ics.ComponentPropertySummary:      events[0].Summary,
		ics.ComponentPropertyDescription:  events[0].Description,
		ics.ComponentPropertyLocation:     events[0].Location,
		ics.ComponentPropertyUrl:          events[0].URL,
		ics.ComponentPropertyStatus:       "TENTATIVE",
		ics.ComponentPropertyLastModified: "20270227T091112Z",
	} {
		if v := eventProp(e, p); v != want {
			t.Errorf("%s: %q, want %q", p, v, want)
		}
	}
	if start, err := e.GetStartAt(); err != nil || !start.Equal(events[0].Start) {
		t.Errorf("start %v %v", start, err)
	}
	if end, err := e.GetEndAt(); err != nil || !end.Equal(events[0].End) {
		t.Errorf("end %v %v", end, err)
	}
	if m, err := e.GetLastModifiedAt(); err != nil || !m.Equal(events[0].Modified) {
		t.Errorf("last modified %v %v", m, err)
	}

	// What the second event leaves out is not in the feed.
	e = got[1]
	if e.Id() != "session-13@mentord" || eventProp(e, ics.ComponentPropertySequence) != "0" ||
		eventProp(e, ics.ComponentPropertyStatus) != "CONFIRMED" || eventProp(e, ics.ComponentPropertySummary) != "Intro call" {
		t.Errorf("second event: %+v", e.Properties)
	}
	for _, p := range []ics.ComponentProperty{ics.ComponentPropertyDescription, ics.ComponentPropertyLocation,
		ics.ComponentPropertyUrl, ics.ComponentPropertyLastModified} {
		if v := e.GetProperty(p); v != nil {
			t.Errorf("second event has %s: %q", p, v.Value)
		}
	}
}

func TestFeedURLFromLocation(t *testing.T) {
	start := time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC)
	cal := parseFeed(t, Feed("x", []FeedEvent{
		{UID: "a", Start: start, End: start.Add(time.Hour), Location: "https://meet.example.com/a"},
		{UID: "b", Start: start, End: start.Add(time.Hour), Location: "https://meet.example.com/b", URL: "https://example.com/session/b"},
		{UID: "c", Start: start, End: start.Add(time.Hour), Location: "Café Central"},
	}, start))
	ev := cal.Events()
	if len(ev) != 3 {
		t.Fatalf("%d events", len(ev))
	}
	for i, want := range []string{"https://meet.example.com/a", "https://example.com/session/b", ""} {
		if got := eventProp(ev[i], ics.ComponentPropertyUrl); got != want {
			t.Errorf("event %d URL %q, want %q", i, got, want)
		}
	}
}

func TestFeedStatus(t *testing.T) {
	start := time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		status FeedStatus
		want   string
	}{
		{"", "CONFIRMED"},
		{StatusConfirmed, "CONFIRMED"},
		{StatusTentative, "TENTATIVE"},
		{StatusCancelled, "CANCELLED"},
		{"cancelled", "CONFIRMED"}, // not one of the three
	} {
		data := Feed("x", []FeedEvent{{UID: "a", Sequence: 2, Start: start, End: start.Add(time.Hour), Status: tc.status}}, start)
		if !bytes.Contains(data, []byte("\r\nSTATUS:"+tc.want+"\r\n")) {
			t.Errorf("%q: no STATUS:%s line in\n%s", tc.status, tc.want, data)
		}
		ev := parseFeed(t, data).Events()
		if len(ev) != 1 || eventProp(ev[0], ics.ComponentPropertyStatus) != tc.want {
			t.Errorf("%q: parsed %v", tc.status, ev)
		}
	}
}

func TestFeedFolding(t *testing.T) {
	start := time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC)
	ev := FeedEvent{
		UID:   "long@mentord",
		Start: start, End: start.Add(time.Hour),
		Summary: strings.Repeat("Überprüfung des Lernplans ", 4),
		Description: strings.Repeat("Größenordnung – naïve café déjà vu, 日本語のテキスト 🎓; ", 12) +
			"\n" + strings.Repeat("ü日🎓", 40) + // no spaces: folds inside a word
			"\n" + strings.Repeat("x", 200),
		Location: strings.Repeat("Zürich, Bahnhofstraße ", 5),
	}
	data := Feed(strings.Repeat("Sitzungen für Zoë ", 6), []FeedEvent{ev}, start)
	checkLines(t, data)
	if !bytes.Contains(data, []byte("\r\n ")) {
		t.Fatal("nothing was folded")
	}
	cal := parseFeed(t, data)
	if p := calProp(t, cal, "X-WR-CALNAME"); p == nil || p.Value != strings.Repeat("Sitzungen für Zoë ", 6) {
		t.Errorf("name %+v", p)
	}
	got := cal.Events()
	if len(got) != 1 {
		t.Fatalf("%d events", len(got))
	}
	for p, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertySummary:     ev.Summary,
		ics.ComponentPropertyDescription: ev.Description,
		ics.ComponentPropertyLocation:    ev.Location,
	} {
		if v := eventProp(got[0], p); v != want {
			t.Errorf("%s:\n got  %q\n want %q", p, v, want)
		}
	}
}

func TestFeedControlCharacters(t *testing.T) {
	start := time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC)
	data := Feed("a\rb", []FeedEvent{{
		UID: "c@mentord", Start: start, End: start.Add(time.Hour),
		Summary:     "bell\a and nul\x00 gone",
		Description: "windows\r\nline\rmac\nunix\ttab",
		URL:         "https://example.com/\r\nx",
	}}, start)
	checkLines(t, data)
	cal := parseFeed(t, data)
	if p := calProp(t, cal, "X-WR-CALNAME"); p == nil || p.Value != "a\nb" {
		t.Errorf("name %+v", p)
	}
	e := cal.Events()[0]
	for p, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertySummary:     "bell and nul gone",
		ics.ComponentPropertyDescription: "windows\nline\nmac\nunix\ttab",
		ics.ComponentPropertyUrl:         "https://example.com/x",
	} {
		if v := eventProp(e, p); v != want {
			t.Errorf("%s: %q, want %q", p, v, want)
		}
	}
}

func TestFeedEmpty(t *testing.T) {
	data := Feed("", nil, time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC))
	checkLines(t, data)
	if !bytes.HasPrefix(data, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.HasSuffix(data, []byte("END:VCALENDAR\r\n")) {
		t.Fatalf("not a calendar:\n%s", data)
	}
	cal := parseFeed(t, data)
	if len(cal.Events()) != 0 || len(cal.Components) != 0 {
		t.Errorf("components: %v", cal.Components)
	}
	for _, token := range []string{"VERSION", "PRODID", "METHOD", "CALSCALE", "X-PUBLISHED-TTL", "REFRESH-INTERVAL"} {
		if calProp(t, cal, token) == nil {
			t.Errorf("no %s", token)
		}
	}
	// No name, no empty name property.
	if calProp(t, cal, "X-WR-CALNAME") != nil || calProp(t, cal, "NAME") != nil {
		t.Errorf("name without a name:\n%s", data)
	}
}
