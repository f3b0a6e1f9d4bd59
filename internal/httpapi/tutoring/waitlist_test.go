package tutoring_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/domain"
)

// roster reads a session, who holds its seats and who waits, in order,
// from the domain.
func roster(t *testing.T, s *apptest.Server, id int64) (*domain.GroupSession, []domain.Participant, []domain.Waiter) {
	t.Helper()
	ctx := t.Context()
	g, err := s.App.Groups.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := s.App.Groups.Participants(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wl, err := s.App.Groups.Waitlist(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return g, parts, wl
}

// waitlistState is the domain's view of a session: who holds seats and who
// waits, by username, in order.
func waitlistState(t *testing.T, s *apptest.Server, id int64) (seated, waiting string) {
	t.Helper()
	_, parts, wl := roster(t, s, id)
	var a, b []string
	for _, p := range parts {
		a = append(a, p.User.Username)
	}
	for _, w := range wl {
		b = append(b, w.User.Username)
	}
	return strings.Join(a, " "), strings.Join(b, " ")
}

// TestWaitlist walks every waitlist rule over the tutoring API: a full
// session refuses as before without the choice; with it the student waits,
// in order; nobody seated waits, nobody waits twice; a freed seat (leave,
// more seats) goes to the first waiting at once, with an e-mail; leaving
// the waitlist moves the others up; cancelling clears it and tells them.
func TestWaitlist(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("inst")
		amy, ben, cal, dan, eve, fay := s.Mentee("amy"), s.Mentee("ben"), s.Mentee("cal"), s.Mentee("dan"), s.Mentee("eve"), s.Mentee("fay")
		s.Post("/api/sessions/").As(inst).JSON(session("Graphs", 48*time.Hour, 2)).Do().Expect(201)
		join := func(u apptest.User, body any) *apptest.Response {
			r := s.Post("/api/sessions/1/join/").As(u)
			if body != nil {
				r = r.JSON(body)
			}
			return r.Do()
		}
		detail := func(u apptest.User) map[string]any {
			return s.Get("/api/sessions/1/").As(u).Do().Expect(200).Obj()
		}
		join(amy, nil).Expect(201)
		// A body that asks for no waitlist, or is not an object, joins as before.
		join(ben, `[1]`).Expect(201)
		// Old clients: a full session is refused exactly as before.
		join(cal, nil).ExpectBody(400, `{"error":"Session is full"}`)
		join(cal, map[string]any{"waitlist": false}).ExpectBody(400, `{"error":"Session is full"}`)
		join(cal, map[string]any{"waitlist": "maybe"}).ExpectBody(400, `{"waitlist":["Must be a valid boolean."]}`)

		res := join(cal, map[string]any{"waitlist": true}).Expect(202).Obj()
		sess := res["session"].(map[string]any)
		if res["message"] != "Added to the waitlist" || sess["waitlist_position"] != 1.0 || sess["waitlist_count"] != 1.0 || sess["is_full"] != true {
			t.Fatalf("waitlisted: %v", res)
		}
		if sess := join(dan, map[string]any{"waitlist": "true"}).Expect(202).Obj()["session"].(map[string]any); sess["waitlist_position"] != 2.0 || sess["waitlist_count"] != 2.0 {
			t.Fatalf("second on the waitlist: %v", sess)
		}
		join(cal, map[string]any{"waitlist": true}).ExpectBody(400, `{"error":"Already on the waitlist of this session"}`)
		join(amy, map[string]any{"waitlist": true}).ExpectBody(400, `{"error":"Already joined this session"}`)
		join(inst, map[string]any{"waitlist": true}).ExpectBody(400, `{"error":"You cannot join a session you created"}`)
		if d := detail(dan); d["waitlist_position"] != 2.0 || d["waitlist_count"] != 2.0 {
			t.Fatalf("detail for dan: %v", d)
		}
		if d := detail(amy); d["waitlist_position"] != nil || d["waitlist_count"] != 2.0 {
			t.Fatalf("detail for amy: %v", d)
		}
		if seated, waiting := waitlistState(t, s, 1); seated != "amy ben" || waiting != "cal dan" {
			t.Fatalf("state: seated %q, waiting %q", seated, waiting)
		}
		s.Deliver()
		base := len(s.SMTP.Messages())

		// amy leaves: cal, first waiting, has the seat at once.
		res = s.Post("/api/sessions/1/leave/").As(amy).Do().Expect(200).Obj()
		sess = res["session"].(map[string]any)
		if sess["waitlist_count"] != 1.0 || sess["is_full"] != true || len(sess["participants"].([]any)) != 2 {
			t.Fatalf("after amy left: %v", sess)
		}
		if seated, waiting := waitlistState(t, s, 1); seated != "ben cal" || waiting != "dan" {
			t.Fatalf("after amy left: seated %q, waiting %q", seated, waiting)
		}
		if d := detail(dan); d["waitlist_position"] != 1.0 {
			t.Fatalf("dan moved up: %v", d)
		}
		s.Deliver()
		mails := s.SMTP.Messages()[base:]
		if len(mails) != 1 || mails[0].To[0] != cal.Email || mails[0].Subject != "You have a seat: Graphs" ||
			!strings.Contains(mails[0].Text, "you were first on the waitlist") {
			t.Fatalf("mails after amy left: %+v", mails)
		}

		// Leaving the waitlist.
		res = s.Post("/api/sessions/1/leave_waitlist/").As(dan).Do().Expect(200).Obj()
		if res["message"] != "Left the waitlist" || res["session"].(map[string]any)["waitlist_count"] != 0.0 {
			t.Fatalf("left the waitlist: %v", res)
		}
		s.Post("/api/sessions/1/leave_waitlist/").As(dan).Do().ExpectBody(400, `{"error":"Not on the waitlist of this session"}`)
		s.Post("/api/sessions/9/leave_waitlist/").As(dan).Do().Expect(404)

		// More seats: the first waiting gets the new one, the next waits on.
		join(eve, map[string]any{"waitlist": true}).Expect(202)
		join(fay, map[string]any{"waitlist": true}).Expect(202)
		join(dan, map[string]any{"waitlist": true}).Expect(202)
		upd := s.Patch("/api/sessions/1/").As(inst).JSON(map[string]any{"max_participants": 3}).Do().Expect(200).Obj()
		if upd["waitlist_count"] != 2.0 || upd["available_spots"] != 0.0 {
			t.Fatalf("after more seats: %v", upd)
		}
		if seated, waiting := waitlistState(t, s, 1); seated != "ben cal eve" || waiting != "fay dan" {
			t.Fatalf("after more seats: seated %q, waiting %q", seated, waiting)
		}
		// A free seat and a waiting student cannot coexist, so one who
		// waits and joins plainly is told the session is full.
		join(fay, nil).ExpectBody(400, `{"error":"Session is full"}`)

		// Cancelling clears the waitlist and tells those waiting.
		s.Deliver()
		base = len(s.SMTP.Messages())
		s.Post("/api/sessions/1/cancel/").As(inst).Do().Expect(200)
		if seated, waiting := waitlistState(t, s, 1); seated != "ben cal eve" || waiting != "" {
			t.Fatalf("after cancel: seated %q, waiting %q", seated, waiting)
		}
		if d := detail(fay); d["waitlist_count"] != 0.0 || d["waitlist_position"] != nil {
			t.Fatalf("detail after cancel: %v", d)
		}
		join(fay, map[string]any{"waitlist": true}).ExpectBody(400, `{"error":"Cannot join this session. It may be cancelled, completed, or already started"}`)
		s.Deliver()
		var got []string
		for _, m := range s.SMTP.Messages()[base:] {
			got = append(got, strings.SplitN(m.To[0], "@", 2)[0])
			if m.To[0] == fay.Email && !strings.Contains(m.Text, "You were on its waitlist") {
				t.Errorf("fay's cancel mail: %q", m.Text)
			}
		}
		if strings.Join(slices.Sorted(slices.Values(got)), " ") != "ben cal dan eve fay" {
			t.Fatalf("cancel mails to %v", got)
		}
	})
}

// TestWaitlistAfterStart: a seat freed once the session's time has come is
// not given (nobody joins a started session), and starting the session
// ends its waitlist.
func TestWaitlistAfterStart(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("inst")
		u := []apptest.User{s.Mentee("amy"), s.Mentee("ben"), s.Mentee("cal")}
		s.Post("/api/sessions/").As(inst).JSON(session("Trees", time.Hour, 2)).Do().Expect(201)
		for i, want := range []int{201, 201, 202} {
			s.Post("/api/sessions/1/join/").As(u[i]).JSON(map[string]any{"waitlist": true}).Do().Expect(want)
		}
		s.Clock.Set(t0.Add(90 * time.Minute))
		s.Post("/api/sessions/1/leave/").As(u[0]).Do().Expect(200)
		if seated, waiting := waitlistState(t, s, 1); seated != "ben" || waiting != "cal" {
			t.Fatalf("after a leave past the start: seated %q, waiting %q", seated, waiting)
		}
		// Starting the session ends its waitlist.
		s.Post("/api/sessions/1/start/").As(inst).Do().Expect(200)
		if _, waiting := waitlistState(t, s, 1); waiting != "" {
			t.Fatalf("waiting after the start: %q", waiting)
		}
		if got := fmt.Sprint(s.Get("/api/sessions/1/").As(u[2]).Do().Expect(200).Obj()["waitlist_count"]); got != "0" {
			t.Fatalf("waitlist_count after the start: %s", got)
		}
	})
}

// TestWaitlistAccountDeleted: a seat holder who deletes their account
// (DELETE /myprofile/) frees the seat, and the first waiting has it in the
// same transaction.
func TestWaitlistAccountDeleted(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("inst")
		amy, ben, cal, dan := s.Mentee("amy"), s.Mentee("ben"), s.Mentee("cal"), s.Mentee("dan")
		s.Post("/api/sessions/").As(inst).JSON(session("Heaps", 48*time.Hour, 2)).Do().Expect(201)
		for i, u := range []apptest.User{amy, ben, cal, dan} {
			s.Post("/api/sessions/1/join/").As(u).JSON(map[string]any{"waitlist": true}).Do().Expect([]int{201, 201, 202, 202}[i])
		}
		s.Delete("/myprofile/").Token(amy.Token).Do().Expect(204)
		if seated, waiting := waitlistState(t, s, 1); seated != "ben cal" || waiting != "dan" {
			t.Fatalf("after amy's account went: seated %q, waiting %q", seated, waiting)
		}
		if d := s.Get("/api/sessions/1/").As(dan).Do().Expect(200).Obj(); d["available_spots"] != 0.0 || d["waitlist_position"] != 1.0 {
			t.Fatalf("detail: %v", d)
		}
		s.Deliver()
		if m := s.SMTP.Messages(); len(m) == 0 || m[len(m)-1].To[0] != cal.Email || m[len(m)-1].Subject != "You have a seat: Heaps" {
			t.Fatalf("mails: %+v", m)
		}
	})
}
