package momentors_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/notify/smtptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

var (
	day = time.Date(2030, 3, 4, 0, 0, 0, 0, time.UTC)
	// gapStart and gapEnd bound the stretch when no worker runs.
	gapStart, gapEnd = day.Add(10 * time.Hour), day.Add(10*time.Hour + 10*time.Minute)
)

type dayPlan struct {
	mentors, mentees []apptest.User
	sessions         []daySession
}

type daySession struct {
	pk             int
	mentor, mentee int // indexes
	start          time.Time
	fate           string // confirmed, pending, cancel-early, cancel-mid, move-early, move-mid
	done           bool   // the mid-day fate has happened
}

// TestRemindersThroughADay holds 100 confirmed, pending, canceled and
// rescheduled sessions with mixed switches, steps a fake clock through the
// day minute by minute, and checks that every due reminder is delivered
// exactly once, to the right people, and never after the start, with a worker
// stopped and restarted mid-day (a new process), and on PostgreSQL with two
// processes delivering at once.
func TestRemindersThroughADay(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		runReminderDay(t, e, false)
	})
}

func TestRemindersThroughADayTwoWorkersOnPostgres(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		if e != store.Postgres {
			t.Skip("several mentord processes share a database only on PostgreSQL")
		}
		runReminderDay(t, e, true)
	})
}

func runReminderDay(t *testing.T, e store.Engine, twoWorkers bool) {
	url := storetest.URL(t, e)
	mail := smtptest.Start(t)
	clk := clock.NewFake(day.Add(6 * time.Hour))
	s := apptest.Start(t, e, apptest.Options{URL: url, NoWorker: true, SMTP: mail, Clock: clk})
	plan := buildDay(t, s)
	procs := []*apptest.Server{s}
	if twoWorkers {
		procs = append(procs, apptest.Start(t, e, apptest.Options{URL: url, NoWorker: true, SMTP: mail, Clock: clk}))
	}

	type delivered struct {
		key string
		at  time.Time
	}
	var got []delivered
	seen := len(mail.Messages())
	stopped := false
	for now := day.Add(6 * time.Hour); !now.After(day.Add(23 * time.Hour)); now = now.Add(time.Minute) {
		clk.Set(now)
		// The fates that happen during the day.
		for i := range plan.sessions {
			ps := &plan.sessions[i]
			switch {
			case ps.done:
			case ps.fate == "cancel-mid" && now.Equal(ps.start.Add(-30*time.Minute)):
				ps.done = true
				s.Patch(fmt.Sprintf("/sessionrequest/%d/", ps.pk)).Token(plan.mentees[ps.mentee].Token).JSON(map[string]string{"status": "Canceled"}).Do().Expect(200)
			case ps.fate == "move-mid" && now.Equal(ps.start.Add(-50*time.Minute)):
				ps.done = true
				ps.start = ps.start.Add(30 * time.Minute)
				s.Patch(fmt.Sprintf("/sessionrequest/%d/", ps.pk)).Token(plan.mentors[ps.mentor].Token).
					JSON(map[string]string{"start_time": ps.start.Format(time.RFC3339)}).Do().Expect(200)
			}
		}
		// No worker runs during the gap; then a new process takes over.
		if now.Equal(gapStart) {
			stopped = true
		}
		if now.Equal(gapEnd) {
			stopped = false
			procs[0] = apptest.Start(t, e, apptest.Options{URL: url, NoWorker: true, SMTP: mail, Clock: clk})
		}
		if !stopped {
			var wg sync.WaitGroup
			for _, p := range procs {
				wg.Add(1)
				go func(p *apptest.Server) {
					defer wg.Done()
					for {
						n, err := p.App.Worker.RunOnce(t.Context())
						if err != nil {
							t.Error(err)
							return
						}
						if n == 0 {
							return
						}
					}
				}(p)
			}
			wg.Wait()
		}
		msgs := mail.Messages()
		for _, m := range msgs[seen:] {
			if strings.HasPrefix(m.Subject, "Mentor Session in ") {
				got = append(got, delivered{reminderKey(m.To[0], m.Subject, m.Text), now})
			}
		}
		seen = len(msgs)
	}

	want := expectedReminders(plan)
	counts := map[string]int{}
	for _, d := range got {
		counts[d.key]++
		if start := startOf(t, d.key); !d.at.Before(start) {
			t.Errorf("reminder after the start: %s at %s", d.key, d.at.Format("15:04"))
		}
	}
	for k, n := range counts {
		if n != 1 && want[k] {
			t.Errorf("%s delivered %d times", k, n)
		}
		if !want[k] {
			t.Errorf("unexpected reminder %s", k)
		}
	}
	for k := range want {
		if counts[k] == 0 {
			t.Errorf("missing reminder %s", k)
		}
	}
	if len(want) < 150 {
		t.Fatalf("the plan expects only %d reminders", len(want))
	}
	t.Logf("%d reminders delivered exactly once", len(got))
}

// reminderKey identifies a reminder by recipient, kind and session start
// (shown as HH:MM UTC in the text).
func reminderKey(to, subject, text string) string {
	rest := text[strings.Index(text, " at ")+4:]
	return fmt.Sprintf("%s|%s|%s", to, strings.TrimPrefix(subject, "Mentor Session in "), rest[:strings.Index(rest, " UTC")])
}

func startOf(t *testing.T, key string) time.Time {
	parts := strings.Split(key, "|")
	at, err := time.Parse("3:04 PM", parts[2])
	if err != nil {
		t.Fatalf("key %q: %v", key, err)
	}
	return day.Add(time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute)
}

func buildDay(t *testing.T, s *apptest.Server) *dayPlan {
	p := &dayPlan{}
	for j := 0; j < 10; j++ {
		u := s.Mentor(fmt.Sprintf("mentor%02d", j))
		p.mentors = append(p.mentors, u)
		s.Post("/availability/").Token(u.Token).JSON(span(day.Add(7*time.Hour).Format(time.RFC3339), day.Add(20*time.Hour).Format(time.RFC3339))).Do().Expect(201)
		if j%5 == 0 {
			s.Patch(fmt.Sprintf("/notificationsettings/%d/", u.ID)).Token(u.Token).JSON(map[string]bool{"sixty_minute_alert": false}).Do().Expect(200)
		}
	}
	for k := 0; k < 25; k++ {
		u := s.Mentee(fmt.Sprintf("mentee%02d", k))
		p.mentees = append(p.mentees, u)
		off := map[string]bool{}
		if k%3 == 0 {
			off["sixty_minute_alert"] = false
		}
		if k%4 == 0 {
			off["fifteen_minute_alert"] = false
		}
		if len(off) > 0 {
			s.Patch(fmt.Sprintf("/notificationsettings/%d/", u.ID)).Token(u.Token).JSON(off).Do().Expect(200)
		}
	}
	for i := 0; i < 100; i++ {
		ps := daySession{mentor: i % 10, mentee: i % 25, start: day.Add(8*time.Hour + time.Duration(i/10)*time.Hour)}
		switch {
		case i%17 == 0:
			ps.fate = "pending"
		case i%13 == 0:
			ps.fate = "cancel-early"
		case i%11 == 0:
			ps.fate = "move-early"
		case i%7 == 0:
			ps.fate = "cancel-mid"
		case i%19 == 0:
			ps.fate = "move-mid"
		default:
			ps.fate = "confirmed"
		}
		var out struct {
			PK int `json:"pk"`
		}
		mentor, mentee := p.mentors[ps.mentor], p.mentees[ps.mentee]
		s.Post("/sessionrequest/").Token(mentee.Token).JSON(map[string]any{"mentor_availability": ps.mentor + 1, "start_time": ps.start.Format(time.RFC3339)}).Do().Expect(201).Decode(&out)
		ps.pk = out.PK
		path := fmt.Sprintf("/sessionrequest/%d/", ps.pk)
		if ps.fate != "pending" {
			s.Patch(path).Token(mentor.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		}
		switch ps.fate {
		case "cancel-early":
			s.Patch(path).Token(mentor.Token).JSON(map[string]string{"status": "Canceled"}).Do().Expect(200)
		case "move-early":
			ps.start = ps.start.Add(30 * time.Minute)
			s.Patch(path).Token(mentor.Token).JSON(map[string]string{"start_time": ps.start.Format(time.RFC3339)}).Do().Expect(200)
		}
		p.sessions = append(p.sessions, ps)
	}
	return p
}

// ranBetween reports whether a worker pass ran at some minute in [from, to).
func ranBetween(from, to time.Time) bool {
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		if t.Before(gapStart) || !t.Before(gapEnd) {
			return true
		}
	}
	return false
}

// firstPass is when a worker first runs at or after t.
func firstPass(t time.Time) time.Time {
	if !t.Before(gapStart) && t.Before(gapEnd) {
		return gapEnd
	}
	return t
}

func expectedReminders(p *dayPlan) map[string]bool {
	want := map[string]bool{}
	// A reminder's subject says the time really left when it is sent: the
	// lead, unless no worker ran at its moment (then less).
	add := func(u apptest.User, lead int, start time.Time, on bool) {
		if on {
			left := int(start.Sub(firstPass(start.Add(-time.Duration(lead)*time.Minute))) / time.Minute)
			want[fmt.Sprintf("%s|%d Minutes|%s", u.Email, left, start.Format("3:04 PM"))] = true
		}
	}
	for _, ps := range p.sessions {
		mentor, mentee := p.mentors[ps.mentor], p.mentees[ps.mentee]
		sixtyMentor, sixtyMentee := ps.mentor%5 != 0, ps.mentee%3 != 0
		fifteenMentee := ps.mentee%4 != 0
		switch ps.fate {
		case "pending", "cancel-early":
		case "cancel-mid": // canceled 30 minutes before: the 60-minute reminder only
			add(mentor, 60, ps.start, sixtyMentor)
			add(mentee, 60, ps.start, sixtyMentee)
		case "move-mid": // moved 50 minutes before by 30 minutes: 60 for both times, 15 for the new one
			old := ps.start.Add(-30 * time.Minute)
			// The old time's reminder is due only if a worker ran between
			// its window opening and the move.
			if ranBetween(old.Add(-60*time.Minute), old.Add(-50*time.Minute)) {
				add(mentor, 60, old, sixtyMentor)
				add(mentee, 60, old, sixtyMentee)
			}
			fallthrough
		default:
			add(mentor, 60, ps.start, sixtyMentor)
			add(mentee, 60, ps.start, sixtyMentee)
			add(mentor, 15, ps.start, true)
			add(mentee, 15, ps.start, fifteenMentee)
		}
	}
	return want
}
