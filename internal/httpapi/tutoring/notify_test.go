package tutoring_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

func TestGroupEmailsAndReminders(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("inst")
		a, b, c := s.Mentee("amy"), s.Mentee("ben"), s.Mentee("cal")
		s.Patch(fmt.Sprintf("/notificationsettings/%d/", b.ID)).Token(b.Token).JSON(map[string]bool{"fifteen_minute_alert": false, "session_confirmed": false}).Do().Expect(200)
		s.Patch("/myprofile/").Token(a.Token).JSON(map[string]string{"timezone": "America/New_York"}).Do().Expect(200)
		s.Post("/api/sessions/").Token(inst.Token).JSON(session("Algorithms", 5*time.Hour, 5)).Do().Expect(201)
		s.Post("/api/sessions/").Token(inst.Token).JSON(session("Graphs", 6*time.Hour, 5)).Do().Expect(201)
		for _, u := range []apptest.User{a, b, c} {
			s.Post("/api/sessions/1/join/").Token(u.Token).Do().Expect(201)
			s.Post("/api/sessions/2/join/").Token(u.Token).Do().Expect(201)
		}
		s.Post("/api/sessions/1/leave/").Token(c.Token).Do().Expect(200)
		s.Deliver()
		base := len(s.SMTP.Messages())
		since := func() []string {
			var out []string
			for _, m := range s.SMTP.Messages()[base:] {
				out = append(out, strings.SplitN(m.To[0], "@", 2)[0]+": "+m.Subject)
			}
			base = len(s.SMTP.Messages())
			return out
		}

		// A new time: participants with the switch on hear, in their own zone.
		s.Patch("/api/sessions/1/").Token(inst.Token).JSON(map[string]any{"date": at(4 * time.Hour)}).Do().Expect(200)
		s.Deliver()
		mails := s.SMTP.Messages()[base:]
		if got := since(); len(got) != 1 || got[0] != "amy: Session rescheduled: Algorithms" {
			t.Fatalf("reschedule mails: %v", got)
		}
		if !strings.Contains(mails[0].Text, "from 9:00 AM EST on Thursday, January 10 to 8:00 AM EST on Thursday, January 10") {
			t.Fatalf("text: %q", mails[0].Text)
		}

		// Reminders for session 1 (now at 13:00 UTC): creator + amy + ben at
		// 60 minutes; creator + amy at 15 (ben switched it off); not cal, who left.
		for _, step := range []time.Duration{179, 180, 181, 225, 226, 240} {
			s.Clock.Set(t0.Add(step * time.Minute))
			s.Deliver()
		}
		got := since()
		want := []string{"amy: Algorithms starts in 60 minutes", "ben: Algorithms starts in 60 minutes", "inst: Algorithms starts in 60 minutes",
			"amy: Algorithms starts in 15 minutes", "inst: Algorithms starts in 15 minutes"}
		if strings.Join(slices.Sorted(slices.Values(got)), "|") != strings.Join(slices.Sorted(slices.Values(want)), "|") {
			t.Fatalf("reminders:\n got %v\nwant %v", got, want)
		}

		// Cancelling session 2: everyone holding a seat hears; no reminders follow.
		s.Post("/api/sessions/2/cancel/").Token(inst.Token).Do().Expect(200)
		s.Deliver()
		if got := since(); len(got) != 3 || !strings.HasSuffix(got[0], "Session cancelled: Graphs") {
			t.Fatalf("cancel mails: %v", got)
		}
		for _, step := range []time.Duration{300, 346, 359} {
			s.Clock.Set(t0.Add(step * time.Minute))
			s.Deliver()
		}
		if got := since(); len(got) != 0 {
			t.Fatalf("mails after the cancellation: %v", got)
		}
	})
}

// TestGroupRemindersFromWhenTheTimeWasSet: as a 1:1 session confirmed
// after its 60-minute mark gets only the 15-minute reminder, a group
// session made, or moved, within the hour gets no "60-minute" reminder on
// the heels of that change: not to its creator, who has just set the time,
// nor to those who held a seat before it moved (they have the
// "rescheduled" e-mail).
func TestGroupRemindersFromWhenTheTimeWasSet(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		inst, amy := s.Mentor("inst"), s.Mentee("amy")
		s.Post("/api/sessions/").Token(inst.Token).JSON(session("Later", 5*time.Hour, 5)).Do().Expect(201)
		s.Post("/api/sessions/1/join/").Token(amy.Token).Do().Expect(201)
		s.Deliver()
		base := len(s.SMTP.Messages())
		var got []string
		step := func(to time.Duration) {
			for s.Clock.Now().Before(t0.Add(to)) {
				s.Clock.Advance(time.Minute)
				s.Deliver()
				for _, m := range s.SMTP.Messages()[base:] {
					got = append(got, s.Clock.Now().Format("15:04")+" "+strings.SplitN(m.To[0], "@", 2)[0]+": "+m.Subject)
				}
				base = len(s.SMTP.Messages())
			}
		}
		step(3 * time.Hour)
		// At 12:00 the instructor makes a session for 12:30 and moves
		// "Later" to 12:40.
		s.Post("/api/sessions/").Token(inst.Token).JSON(session("Soon", 3*time.Hour+30*time.Minute, 5)).Do().Expect(201)
		s.Patch("/api/sessions/1/").Token(inst.Token).JSON(map[string]any{"date": at(3*time.Hour + 40*time.Minute)}).Do().Expect(200)
		step(3*time.Hour + 40*time.Minute)
		want := []string{"12:01 amy: Session rescheduled: Later", "12:15 inst: Soon starts in 15 minutes",
			"12:25 amy: Later starts in 15 minutes", "12:25 inst: Later starts in 15 minutes"}
		if strings.Join(slices.Sorted(slices.Values(got)), "|") != strings.Join(slices.Sorted(slices.Values(want)), "|") {
			t.Fatalf("mails:\n got %v\nwant %v", got, want)
		}
	})
}
