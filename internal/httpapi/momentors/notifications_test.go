package momentors_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/notify/smtptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

func TestSessionEmails(t *testing.T) {
	apptest.EachAt(t, morning, func(t *testing.T, s *apptest.Server) {
		m := s.Mentor("mentor1")
		me := s.Mentee("mentee1")
		s.Patch("/myprofile/").Token(m.Token).JSON(map[string]string{"timezone": "America/New_York"}).Do().Expect(200)
		s.Patch("/myprofile/").Token(me.Token).JSON(map[string]string{"timezone": "Europe/Paris"}).Do().Expect(200)
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T15:00:00Z", "2030-01-15T18:00:00Z")).Do().Expect(201)
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T15:00:00Z"}).Do().Expect(201)
		s.Deliver()
		got := s.SMTP.Messages()
		if len(got) != 1 || got[0].To[0] != m.Email || got[0].Subject != "Mentee1 Mentee has requested your help" ||
			!strings.Contains(got[0].Text, "Mentee1 Mentee from Team 1 has requested a 30-min mentoring session with you at 10:00 AM EST on Tuesday, January 15.") {
			t.Fatalf("request mail: %+v", got)
		}

		// Confirmation: both, with the link and an invitation.
		conf := s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200).Obj()
		link := conf["meeting_link"].(string)
		s.Deliver()
		toMentee, toMentor := s.SMTP.To(me.Email), s.SMTP.To(m.Email)
		if len(toMentee) != 1 || len(toMentor) != 2 {
			t.Fatalf("mails: mentee %d mentor %d", len(toMentee), len(toMentor))
		}
		for _, mail := range []smtptest.Mail{toMentee[0], toMentor[1]} {
			if mail.Subject != "Mentor Session Confirmed" || !strings.Contains(mail.Text, link) {
				t.Fatalf("confirm mail: %+v", mail)
			}
			ics := mail.Calendar(t)
			if smtptest.CalendarField(ics, "METHOD") != "REQUEST" || smtptest.CalendarField(ics, "UID") != "session-1@mentord" || smtptest.CalendarField(ics, "SEQUENCE") != "0" ||
				smtptest.CalendarField(ics, "DTSTART") != "20300115T150000Z" || smtptest.CalendarField(ics, "DTEND") != "20300115T153000Z" || !strings.Contains(ics, link) {
				t.Fatalf("invite:\n%s", ics)
			}
		}
		if !strings.Contains(toMentee[0].Text, "at 4:00 PM CET on Tuesday, January 15") || !strings.Contains(toMentor[1].Text, "at 10:00 AM EST") {
			t.Fatalf("time zones: %q / %q", toMentee[0].Text, toMentor[1].Text)
		}

		// Cancellation by the mentee: the mentor hears, with METHOD:CANCEL.
		s.Patch("/sessionrequest/1/").Token(me.Token).JSON(map[string]string{"status": "Canceled"}).Do().Expect(200)
		s.Deliver()
		toMentor = s.SMTP.To(m.Email)
		if len(toMentor) != 3 || len(s.SMTP.To(me.Email)) != 1 {
			t.Fatalf("after cancel: mentor %d mentee %d", len(toMentor), len(s.SMTP.To(me.Email)))
		}
		cancel := toMentor[2]
		ics := cancel.Calendar(t)
		if cancel.Subject != "Mentee1 Mentee has canceled their session" || smtptest.CalendarField(ics, "METHOD") != "CANCEL" ||
			smtptest.CalendarField(ics, "UID") != "session-1@mentord" || smtptest.CalendarField(ics, "SEQUENCE") != "1" || smtptest.CalendarField(ics, "STATUS") != "CANCELLED" {
			t.Fatalf("cancel mail %q:\n%s", cancel.Subject, ics)
		}

		// Each recipient's own switch decides.
		s.Patch(fmt.Sprintf("/notificationsettings/%d/", m.ID)).Token(m.Token).JSON(map[string]bool{"session_requested": false, "session_confirmed": false}).Do().Expect(200)
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T16:00:00Z"}).Do().Expect(201)
		s.Patch("/sessionrequest/2/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		s.Patch("/sessionrequest/2/").Token(m.Token).JSON(map[string]string{"status": "Canceled"}).Do().Expect(200)
		s.Deliver()
		if n := len(s.SMTP.To(m.Email)); n != 3 {
			t.Fatalf("mentor with switches off got %d more", n-3)
		}
		toMentee = s.SMTP.To(me.Email)
		if len(toMentee) != 3 || toMentee[1].Subject != "Mentor Session Confirmed" || toMentee[2].Subject != "Mentor1 Mentor has canceled your session" {
			t.Fatalf("mentee mails: %d %q %q", len(toMentee), toMentee[1].Subject, toMentee[2].Subject)
		}
	})
}

// A confirmation made while the mail server is down still succeeds; the
// e-mails arrive once it is back, even after a restart of mentord.
func TestEmailsSurviveSMTPOutageAndRestart(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		url := storetest.URL(t, e)
		mail := smtptest.Start(t)
		s := apptest.Start(t, e, apptest.Options{URL: url, Now: morning, NoWorker: true, SMTP: mail})
		m, me := mentorAndMentee(s, "2030-01-15T15:00:00Z", "2030-01-15T18:00:00Z")
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T15:00:00Z"}).Do().Expect(201)
		s.Deliver()
		mail.Stop()
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		s.Deliver() // fails, schedules retries
		if n := len(mail.Messages()); n != 1 {
			t.Fatalf("%d messages while down", n)
		}
		// mentord restarts (a new process on the same database), SMTP comes back.
		s2 := apptest.Start(t, e, apptest.Options{URL: url, NoWorker: true, SMTP: mail, Clock: s.Clock})
		mail.Restart()
		s.Clock.Advance(time.Minute)
		s2.Deliver()
		if got := mail.Messages(); len(got) != 3 || got[1].Subject != "Mentor Session Confirmed" || got[2].Subject != "Mentor Session Confirmed" {
			t.Fatalf("after recovery: %d messages", len(got))
		}
		s2.Deliver()
		s.Deliver()
		if n := len(mail.Messages()); n != 3 {
			t.Fatalf("redelivered: %d", n)
		}
	})
}

func TestRemindersFollowTheSession(t *testing.T) {
	apptest.EachAt(t, morning, func(t *testing.T, s *apptest.Server) {
		m, _ := confirmedSession(s, "2030-01-15T16:00:00Z")
		base := len(s.SMTP.Messages())
		reminders := func() []string {
			var out []string
			for _, mail := range s.SMTP.Messages()[base:] {
				out = append(out, mail.To[0]+" "+mail.Subject)
			}
			return out
		}
		at := func(h, min int) { s.Clock.Set(time.Date(2030, 1, 15, h, min, 0, 0, time.UTC)); s.Deliver() }
		at(14, 59)
		if r := reminders(); len(r) != 0 {
			t.Fatalf("early: %v", r)
		}
		at(15, 0)
		at(15, 1)
		if r := reminders(); len(r) != 2 || !strings.Contains(r[0], "60 Minutes") {
			t.Fatalf("60-minute reminders: %v", r)
		}
		// The mentor moves the session by an hour: reminders follow.
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"start_time": "2030-01-15T17:00:00Z"}).Do().Expect(200)
		s.Deliver()
		base = len(s.SMTP.Messages())
		at(15, 45) // the old 15-minute reminder is not sent
		at(16, 0)
		at(16, 45)
		at(17, 0)
		r := reminders()
		if len(r) != 4 || !strings.Contains(r[0], "60 Minutes") || !strings.Contains(r[3], "15 Minutes") {
			t.Fatalf("after the move: %v", r)
		}
		mail := s.SMTP.Messages()[base]
		if !strings.Contains(mail.Text, "at 5:00 PM UTC is coming up in 60 minutes") || !strings.Contains(mail.Text, "meet.jit.si") {
			t.Fatalf("reminder text %q", mail.Text)
		}
	})
}

// TestLateReminders: a session confirmed 15 min 25 s before its start gets
// only the 15-minute reminder (none that names a lead no longer true), and
// after a worker outage the reminders that are left come at least ten
// minutes apart, each subject saying the time really left.
func TestLateReminders(t *testing.T) {
	apptest.EachAt(t, morning, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-15T15:00:00Z", "2030-01-15T18:00:00Z")
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T16:00:00Z"}).Do().Expect(201)
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T17:00:00Z"}).Do().Expect(201)
		s.Deliver()
		base := len(s.SMTP.Messages())
		sent := func() (out []string) {
			for _, mail := range s.SMTP.Messages()[base:] {
				out = append(out, s.Clock.Now().Format("15:04:05")+" "+mail.To[0]+" "+mail.Subject)
			}
			base = len(s.SMTP.Messages())
			return out
		}
		step := func(to time.Time) (out []string) {
			for s.Clock.Now().Before(to) {
				s.Clock.Advance(5 * time.Second)
				s.Deliver()
				out = append(out, sent()...)
			}
			return out
		}
		// Session 1 at 16:00, confirmed at 15:44:35.
		s.Clock.Set(time.Date(2030, 1, 15, 15, 44, 35, 0, time.UTC))
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		s.Deliver()
		sent() // the confirmations
		got := step(time.Date(2030, 1, 15, 15, 59, 0, 0, time.UTC))
		want := []string{"15:45:00 mentor1@example.com Mentor Session in 15 Minutes", "15:45:00 mentee1@example.com Mentor Session in 15 Minutes"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("confirmed 15 min 25 s ahead:\n got %v\nwant %v", got, want)
		}

		// Session 2 at 17:00, confirmed long before; no worker from 15:59
		// until 16:40.
		s.Clock.Set(time.Date(2030, 1, 15, 15, 0, 0, 0, time.UTC))
		s.Patch("/sessionrequest/2/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		s.Deliver()
		sent()
		s.Clock.Set(time.Date(2030, 1, 15, 16, 40, 0, 0, time.UTC))
		s.Deliver()
		got = sent()
		got = append(got, step(time.Date(2030, 1, 15, 16, 59, 0, 0, time.UTC))...)
		want = []string{"16:40:00 mentor1@example.com Mentor Session in 20 Minutes", "16:40:00 mentee1@example.com Mentor Session in 20 Minutes",
			"16:50:00 mentor1@example.com Mentor Session in 10 Minutes", "16:50:00 mentee1@example.com Mentor Session in 10 Minutes"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("after an outage:\n got %v\nwant %v", got, want)
		}
	})
}

// TestReconfirmedSessionSupersedesItsCancellation: a confirmed session
// that the mentee moves goes back to Pending and its event is cancelled
// (at the old time, which is what calendars hold); the mentor's new
// confirmation must carry a higher SEQUENCE than that cancellation, or
// calendars ignore it and the session stays cancelled there.
func TestReconfirmedSessionSupersedesItsCancellation(t *testing.T) {
	apptest.EachAt(t, morning, func(t *testing.T, s *apptest.Server) {
		m, me := confirmedSession(s, "2030-01-15T15:00:00Z")
		base := len(s.SMTP.Messages())
		s.Patch("/sessionrequest/1/").Token(me.Token).JSON(map[string]string{"start_time": "2030-01-15T16:00:00Z"}).Do().Expect(200)
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		s.Deliver()
		apptest.ExpectLines(t, "invitations", mailLines(t, s.SMTP.Messages()[base:]), []string{
			"mentor1@example.com Mentor Session Rescheduled: cancel.ics CANCEL seq 1 session-1@mentord at 20300115T150000Z",
			"mentee1@example.com Mentor Session Rescheduled: cancel.ics CANCEL seq 1 session-1@mentord at 20300115T150000Z",
			"mentee1@example.com Mentor Session Confirmed: invite.ics REQUEST seq 2 session-1@mentord at 20300115T160000Z",
			"mentor1@example.com Mentor Session Confirmed: invite.ics REQUEST seq 2 session-1@mentord at 20300115T160000Z",
		})
	})
}

// TestDeletedAccountCancelsItsSessions: an account deleted with sessions
// still ahead takes them along; the other participant of each is told as
// by a cancellation, with the calendar event of a confirmed one cancelled
// (a higher SEQUENCE than its invitation), and those holding a seat in a
// group session the user created hear it will not happen, as do the
// contacts of their finalized meetings. Sessions over already tell nobody.
func TestDeletedAccountCancelsItsSessions(t *testing.T) {
	apptest.EachAt(t, morning, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-15T08:00:00Z", "2030-01-15T18:00:00Z")
		// Session 1 is past (made before the clock moved), 2 confirmed, 3 pending.
		s.Clock.Set(morning.Add(-2 * time.Hour))
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T08:00:00Z"}).Do().Expect(201)
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		s.Clock.Set(morning)
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T15:00:00Z"}).Do().Expect(201)
		s.Patch("/sessionrequest/2/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T16:00:00Z"}).Do().Expect(201)
		amy := s.Mentee("amy")
		s.Post("/api/sessions/").Token(m.Token).JSON(map[string]any{"title": "Office hours", "description": "d", "date": "2030-01-16T10:00:00Z", "max_participants": 5}).Do().Expect(201)
		s.Post("/api/sessions/1/join/").Token(amy.Token).Do().Expect(201)
		// And a finalized meeting with a contact.
		s.Post("/schedules/contacts/").Token(m.Token).JSON(map[string]string{"first_Name": "Cal", "last_Name": "Guest", "email": "cal@guests.example"}).Do().Expect(201)
		s.Post("/schedules/calendars/create/").Token(m.Token).JSON(map[string]any{"name": "Chat", "description": "d", "deadline": "2030-01-16", "invitees": []int{1},
			"available_slots": []any{map[string]any{"date": "2030-01-17", "start_time": "13:00:00", "end_time": "14:00:00", "preference_level": 3}}}).Do().Expect(201)
		s.Post("/schedules/calendars/1/confirm/").Token(m.Token).JSON(map[string]any{"finalized_schedule": []any{
			map[string]any{"contact_id": 1, "start_time": "2030/01/17 13:00:00", "end_time": "2030/01/17 14:00:00"}}}).Do().Expect(200)
		s.Deliver()
		base := len(s.SMTP.Messages())
		s.Delete("/auth/users/me/").Token(m.Token).JSON(map[string]string{"current_password": apptest.Password}).Do().Expect(204)
		s.Deliver()
		apptest.ExpectLines(t, "mails", mailLines(t, s.SMTP.Messages()[base:]), []string{
			"mentee1@example.com Mentor1 Mentor has canceled your session: cancel.ics CANCEL seq 1 session-2@mentord at 20300115T150000Z",
			"mentee1@example.com Mentor1 Mentor has canceled your session",
			"amy@example.com Session cancelled: Office hours",
			"cal@guests.example Meeting Cancelled: cancel.ics CANCEL seq 1 meeting-1@mentord at 20300117T130000Z",
		})
	})
}

// mailLines is each mail as "to subject", with its .ics (name, METHOD,
// SEQUENCE, UID, DTSTART) when it has one.
func mailLines(t *testing.T, mails []smtptest.Mail) []string {
	var out []string
	for _, mail := range mails {
		line := mail.To[0] + " " + mail.Subject
		for _, a := range mail.Attachments {
			ics := mail.Calendar(t)
			line += fmt.Sprintf(": %s %s seq %s %s at %s", a.Name, smtptest.CalendarField(ics, "METHOD"), smtptest.CalendarField(ics, "SEQUENCE"),
				smtptest.CalendarField(ics, "UID"), smtptest.CalendarField(ics, "DTSTART"))
		}
		out = append(out, line)
	}
	return out
}

// TestReminderInTheLastMinute: a worker back from an outage less than a
// minute before the start sends the reminder still due, saying "1 Minute"
// (it said "1 Minutes", or "0 Minutes" with 10 seconds left), for a 1:1 and
// a group session alike.
func TestReminderInTheLastMinute(t *testing.T) {
	apptest.EachAt(t, morning, func(t *testing.T, s *apptest.Server) {
		m, me := confirmedSession(s, "2030-01-15T16:00:00Z")
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": "2030-01-15T17:00:00Z"}).Do().Expect(201)
		s.Patch("/sessionrequest/2/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		s.Post("/api/sessions/").Token(m.Token).JSON(map[string]any{"title": "Office hours", "description": "d", "date": "2030-01-15T18:00:00Z", "max_participants": 5}).Do().Expect(201)
		s.Deliver()
		base := len(s.SMTP.Messages())
		for _, at := range []time.Duration{15*time.Hour + 59*time.Minute + 10*time.Second, 16*time.Hour + 59*time.Minute + 40*time.Second,
			17*time.Hour + 59*time.Minute + 50*time.Second} {
			s.Clock.Set(time.Date(2030, 1, 15, 0, 0, 0, 0, time.UTC).Add(at))
			s.Deliver()
		}
		var got []string
		for _, mail := range s.SMTP.Messages()[base:] {
			got = append(got, mail.To[0]+" "+mail.Subject+" | "+strings.SplitN(mail.Text, "\n", 2)[0])
		}
		line := func(to, at string) string {
			return to + " Mentor Session in 1 Minute | Your 30-minute session with Mentee1 and Mentor1 at " + at + " UTC is coming up in 1 minute."
		}
		apptest.ExpectLines(t, "last-minute reminders", got, []string{line(m.Email, "4:00 PM"), line(me.Email, "4:00 PM"),
			line(m.Email, "5:00 PM"), line(me.Email, "5:00 PM"),
			m.Email + " Office hours starts in 1 minute | \"Office hours\" with Mentor1 Mentor starts at 6:00 PM UTC on Tuesday, January 15, in 1 minute."})
	})
}
