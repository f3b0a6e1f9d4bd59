package notify

import (
	"testing"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

var (
	sessions  = Reminder{Kind: "k", Prefix: "reminder", Leads: SessionLeads}
	deadlines = Reminder{Kind: "d", Prefix: "calendar-reminder", Leads: []Lead{{Before: 24 * time.Hour}}}
)

func TestReminderWhich(t *testing.T) {
	start := time.Date(2030, 1, 10, 14, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		before  time.Duration // now = start - before
		r       Reminder
		minutes int // 0: none due
	}{
		{61 * time.Minute, sessions, 0},
		{60 * time.Minute, sessions, 60},
		{16 * time.Minute, sessions, 60},
		{15 * time.Minute, sessions, 15},
		{time.Second, sessions, 15},
		{0, sessions, 0}, // started: never after the start
		{-time.Minute, sessions, 0},
		{25 * time.Hour, deadlines, 0},
		{24 * time.Hour, deadlines, 24 * 60},
		{time.Minute, deadlines, 24 * 60},
		{0, deadlines, 0},
	} {
		l, ok := tc.r.Which(start.Add(-tc.before), start, time.Time{})
		if got := map[bool]int{true: l.Minutes()}[ok]; got != tc.minutes {
			t.Errorf("%s, %v before: %d-minute reminder, want %d", tc.r.Prefix, tc.before, got, tc.minutes)
		}
	}
	// Confirmed after its 60-minute mark: only the reminder still ahead.
	for _, tc := range []struct {
		since, now time.Duration // before the start
		minutes    int
	}{
		{since: 15*time.Minute + 25*time.Second, now: 15*time.Minute + 25*time.Second, minutes: 0},
		{since: 15*time.Minute + 25*time.Second, now: 15 * time.Minute, minutes: 15},
		{since: 59 * time.Minute, now: 40 * time.Minute, minutes: 0},
		{since: 61 * time.Minute, now: 40 * time.Minute, minutes: 60},
		{since: 10 * time.Minute, now: 5 * time.Minute, minutes: 0},
	} {
		l, ok := sessions.Which(start.Add(-tc.now), start, start.Add(-tc.since))
		if got := map[bool]int{true: l.Minutes()}[ok]; got != tc.minutes {
			t.Errorf("confirmed %v before, now %v before: %d-minute reminder, want %d", tc.since, tc.now, got, tc.minutes)
		}
	}
	if from, to := sessions.Window(start); !from.Equal(start) || !to.Equal(start.Add(time.Hour)) {
		t.Errorf("session window %v-%v", from, to)
	}
	if _, to := deadlines.Window(start); !to.Equal(start.Add(24 * time.Hour)) {
		t.Errorf("deadline window ends %v", to)
	}
}

func TestReminderKey(t *testing.T) {
	at := time.Unix(1893456000, 0)
	for _, tc := range []struct{ got, want string }{
		{sessions.Key(SessionLeads[0], 7, 42, at), "reminder:60:7:42:1893456000"},
		{sessions.Key(SessionLeads[1], 7, 42, at), "reminder:15:7:42:1893456000"},
		{Reminder{Prefix: "group-reminder", Leads: SessionLeads}.Key(SessionLeads[1], 3, 9, at), "group-reminder:15:3:9:1893456000"},
		{deadlines.Key(deadlines.Leads[0], 5, 0, at), "calendar-reminder:5:1893456000"},
	} {
		if tc.got != tc.want {
			t.Errorf("key %q, want %q", tc.got, tc.want)
		}
	}
}

func TestReminderLeads(t *testing.T) {
	on := &domain.NotificationSettings{SixtyMinuteAlert: true}
	if l, ok := sessions.lead(60); !ok || !l.Switch(on) {
		t.Error("the 60-minute lead follows sixty_minute_alert")
	}
	if l, ok := sessions.lead(15); !ok || l.Switch(on) {
		t.Error("the 15-minute lead follows fifteen_minute_alert")
	}
	if _, ok := sessions.lead(30); ok {
		t.Error("a 30-minute lead")
	}
	if l, ok := deadlines.lead(0); !ok || l.Switch != nil {
		t.Error("a kind with one lead need not name it, and a deadline has no switch")
	}
}
