package tutoring_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

var t0 = time.Date(2030, 1, 10, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) string { return t0.Add(d).Format(time.RFC3339) }

func session(title string, in time.Duration, max int) map[string]any {
	return map[string]any{"title": title, "description": "About " + title, "date": at(in), "max_participants": max}
}

func TestTutoringWalkThrough(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("john")
		s.Patch("/myprofile/").Token(inst.Token).JSON(map[string]string{"first_name": "John", "last_name": "Doe"}).Do().Expect(200)
		alice := s.Mentee("alice")

		// Login with e-mail and password gives a JWT pair.
		var login struct {
			Message string
			User    map[string]any
			Tokens  struct{ Access, Refresh string }
		}
		s.Post("/api/auth/login/").JSON(map[string]string{"email": "john@example.com", "password": apptest.Password}).Do().Expect(200).Decode(&login)
		if login.Message != "Login successful" || login.User["role"] != "instructor" || login.Tokens.Access == "" {
			t.Fatalf("login: %+v", login)
		}
		s.Post("/api/auth/login/").JSON(map[string]string{"email": "john@example.com", "password": "wrong"}).Do().ExpectBody(401, `{"error":"Invalid credentials"}`)
		var refreshed struct{ Access string }
		s.Post("/api/auth/token/refresh/").JSON(map[string]string{"refresh": login.Tokens.Refresh}).Do().Expect(200).Decode(&refreshed)
		s.Post("/api/auth/token/refresh/").JSON(map[string]string{"refresh": login.Tokens.Access}).Do().
			ExpectBody(401, `{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
		tok := refreshed.Access

		// Create returns the full detail with an id.
		created := s.Post("/api/sessions/").Bearer(tok).JSON(session("React Hooks Workshop", 48*time.Hour, 6)).Do().Expect(201).Obj()
		if created["id"] != 1.0 || created["status"] != "upcoming" || created["available_spots"] != 6.0 || created["can_join"] != true ||
			created["is_full"] != false || len(created["participants"].([]any)) != 0 || created["creator"].(map[string]any)["first_name"] != "John" {
			t.Fatalf("created: %v", created)
		}
		// Students cannot create.
		s.Post("/api/sessions/").Bearer(s.JWT(alice)).JSON(session("x", time.Hour, 4)).Do().ExpectBody(403, `{"error":"Only instructors can create sessions"}`)

		// Join: 201 with the session; again is refused.
		res := s.Post("/api/sessions/1/join/").Bearer(s.JWT(alice)).Do().Expect(201).Obj()
		sess := res["session"].(map[string]any)
		parts := sess["participants"].([]any)
		if res["message"] != "Successfully joined the session" || len(parts) != 1 || sess["available_spots"] != 5.0 ||
			parts[0].(map[string]any)["role"] != "student" || parts[0].(map[string]any)["user"].(map[string]any)["email"] != "alice@example.com" {
			t.Fatalf("join: %v", res)
		}
		s.Post("/api/sessions/1/join/").Bearer(s.JWT(alice)).Do().ExpectBody(400, `{"error":"Already joined this session"}`)
		list := s.Get("/api/sessions/1/participants/").Bearer(tok).Do().Expect(200).List()
		if len(list) != 1 {
			t.Fatalf("participants %v", list)
		}

		page := s.Get("/api/sessions/").Bearer(tok).Do().Expect(200).Obj()
		item := page["results"].([]any)[0].(map[string]any)
		if page["count"] != 1.0 || page["next"] != nil || item["participant_count"] != 1.0 || item["participants"] != nil {
			t.Fatalf("list: %v", page)
		}
		for path, want := range map[string]float64{"/api/sessions/my_sessions/": 1, "/api/sessions/joined_sessions/": 1, "/api/sessions/created_sessions/": 0} {
			if got := s.Get(path).Bearer(s.JWT(alice)).Do().Expect(200).Obj()["count"]; got != want {
				t.Errorf("%s for alice: %v", path, got)
			}
		}
		if got := s.Get("/api/sessions/created_sessions/").Bearer(tok).Do().Expect(200).Obj()["count"]; got != 1.0 {
			t.Errorf("created_sessions for john: %v", got)
		}

		// Update: PATCH partial, PUT full; fewer seats than participants is refused.
		s.Patch("/api/sessions/1/").Bearer(tok).JSON(map[string]any{"title": "Hooks, updated"}).Do().Expect(200)
		s.Put("/api/sessions/1/").Bearer(tok).JSON(map[string]any{"title": "Only title"}).Do().
			ExpectBody(400, `{"description":["This field is required."],"date":["This field is required."],"max_participants":["This field is required."]}`)
		s.Patch("/api/sessions/1/").Bearer(tok).JSON(map[string]any{"date": at(-time.Hour)}).Do().ExpectBody(400, `{"date":["Session date must be in the future"]}`)
		s.Patch("/api/sessions/1/").Bearer(tok).JSON(map[string]any{"max_participants": 21}).Do().ExpectBody(400, `{"max_participants":["Ensure this value is less than or equal to 20."]}`)
		s.Patch("/api/sessions/1/").Bearer(tok).JSON(map[string]any{"max_participants": 1}).Do().ExpectBody(400, `{"max_participants":["Ensure this value is greater than or equal to 2."]}`)
		s.Patch("/api/sessions/1/").Bearer(tok).JSON(map[string]any{"title": strings.Repeat("x", 201)}).Do().ExpectBody(400, `{"title":["Ensure this field has no more than 200 characters."]}`)
		s.Patch("/api/sessions/1/").Bearer(s.JWT(alice)).JSON(map[string]any{"title": "mine"}).Do().ExpectBody(403, `{"error":"Only the creator can update this session"}`)
		two := s.Post("/api/sessions/").Bearer(tok).JSON(session("Small", 72*time.Hour, 2)).Do().Expect(201).Obj()["id"].(float64)
		for _, u := range s.Students("st", 2) {
			s.Post(fmt.Sprintf("/api/sessions/%d/join/", int(two))).As(u).Do().Expect(201)
		}
		s.Post(fmt.Sprintf("/api/sessions/%d/join/", int(two))).Bearer(s.JWT(alice)).Do().ExpectBody(400, `{"error":"Session is full"}`)
		s.Put(fmt.Sprintf("/api/sessions/%d/", int(two))).Bearer(tok).JSON(session("Small", 72*time.Hour, 2)).Do().Expect(200)

		// Leave, then the status flow.
		s.Post("/api/sessions/1/leave/").Bearer(s.JWT(alice)).Do().Expect(200)
		s.Post("/api/sessions/1/leave/").Bearer(s.JWT(alice)).Do().ExpectBody(400, `{"error":"Not joined to this session"}`)
		s.Post("/api/sessions/1/start/").Bearer(tok).Do().ExpectBody(400, `{"error":"Cannot start session before scheduled time"}`)
		s.Clock.Set(t0.Add(49 * time.Hour))
		tok = s.JWT(inst) // the old access token has expired by now
		st := s.Post("/api/sessions/1/start/").Bearer(tok).Do().Expect(200).Obj()
		if st["message"] != "Session started successfully" || st["session"].(map[string]any)["status"] != "ongoing" {
			t.Fatalf("start: %v", st)
		}
		s.Post("/api/sessions/1/complete/").Bearer(tok).Do().Expect(200)
		s.Delete("/api/sessions/1/").Bearer(tok).Do().ExpectBody(400, `{"error":"Cannot delete ongoing or completed sessions"}`)
		s.Get("/api/sessions/99/").Bearer(tok).Do().ExpectBody(404, `{"detail":"Not found."}`)

		// Credentials.
		s.Get("/api/sessions/").Do().ExpectBody(401, `{"detail":"Authentication credentials were not provided."}`)
		s.Get("/api/sessions/").Bearer("nonsense").Do().ExpectBody(401, `{"detail":"Given token not valid for any token type","code":"token_not_valid"}`)
		s.Get("/api/sessions/").Token(inst.Token).Do().Expect(200) // every credential kind works
	})
}

// TestStateMachine runs every action from every status, by the creator and
// by someone else.
func TestStateMachine(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		creator := s.Mentor("creator")
		students := s.Students("st", 100)
		next := 0
		student := func() apptest.User { next++; return students[next-1] }

		// prepare returns a session in the given status with one student
		// already in it, and leaves the clock where that status makes sense.
		prepare := func(status string) (int, apptest.User) {
			s.Clock.Set(t0)
			id := int(s.Post("/api/sessions/").As(creator).JSON(session("S", 2*time.Hour, 10)).Do().Expect(201).Obj()["id"].(float64))
			member := student()
			s.Post(fmt.Sprintf("/api/sessions/%d/join/", id)).Bearer(s.JWT(member)).Do().Expect(201)
			switch status {
			case "ongoing", "completed":
				s.Clock.Set(t0.Add(3 * time.Hour))
				s.Post(fmt.Sprintf("/api/sessions/%d/start/", id)).As(creator).Do().Expect(200)
				if status == "completed" {
					s.Post(fmt.Sprintf("/api/sessions/%d/complete/", id)).As(creator).Do().Expect(200)
				}
			case "cancelled":
				s.Post(fmt.Sprintf("/api/sessions/%d/cancel/", id)).As(creator).Do().Expect(200)
			}
			return id, member
		}
		type want map[string]int // status -> HTTP status
		actions := []struct {
			name      string
			byCreator want
			byOther   want
		}{
			{"update", want{"upcoming": 200, "ongoing": 200, "completed": 400, "cancelled": 400}, want{"upcoming": 403, "ongoing": 403, "completed": 403, "cancelled": 403}},
			{"delete", want{"upcoming": 204, "ongoing": 400, "completed": 400, "cancelled": 204}, want{"upcoming": 403, "ongoing": 403, "completed": 403, "cancelled": 403}},
			{"cancel", want{"upcoming": 200, "ongoing": 200, "completed": 400, "cancelled": 400}, want{"upcoming": 403, "ongoing": 403, "completed": 403, "cancelled": 403}},
			{"start", want{"upcoming": 400, "ongoing": 400, "completed": 400, "cancelled": 400}, want{"upcoming": 403, "ongoing": 403, "completed": 403, "cancelled": 403}},
			{"complete", want{"upcoming": 400, "ongoing": 200, "completed": 400, "cancelled": 400}, want{"upcoming": 403, "ongoing": 403, "completed": 403, "cancelled": 403}},
			{"join", want{"upcoming": 400, "ongoing": 400, "completed": 400, "cancelled": 400}, want{"upcoming": 201, "ongoing": 400, "completed": 400, "cancelled": 400}},
			{"leave", want{"upcoming": 400, "ongoing": 400, "completed": 400, "cancelled": 400}, want{"upcoming": 200, "ongoing": 400, "completed": 400, "cancelled": 200}},
		}
		do := func(action string, id int, as apptest.User) *apptest.Response {
			path := fmt.Sprintf("/api/sessions/%d/", id)
			var req *apptest.Req
			switch action {
			case "update":
				req = s.Patch(path).JSON(map[string]any{"title": "Renamed"})
			case "delete":
				req = s.Delete(path)
			default:
				req = s.Post(path + action + "/")
			}
			// A fresh access token: the clock moves further than tokens live.
			return req.Bearer(s.JWT(as)).Do()
		}
		for _, a := range actions {
			for _, status := range []string{"upcoming", "ongoing", "completed", "cancelled"} {
				id, _ := prepare(status)
				if got := do(a.name, id, creator).Status; got != a.byCreator[status] {
					t.Errorf("%s on %s by the creator: %d, want %d", a.name, status, got, a.byCreator[status])
				}
				id, member := prepare(status)
				other := student()
				if a.name == "leave" {
					other = member // leaving needs a seat
				}
				if got := do(a.name, id, other).Status; got != a.byOther[status] {
					t.Errorf("%s on %s by another user: %d, want %d", a.name, status, got, a.byOther[status])
				}
			}
			if got := do(a.name, 9999, creator).Status; got != 404 {
				t.Errorf("%s on a missing session: %d", a.name, got)
			}
		}
		// Starting is for the scheduled time or later.
		id, _ := prepare("upcoming")
		s.Clock.Set(t0.Add(2 * time.Hour))
		s.Post(fmt.Sprintf("/api/sessions/%d/start/", id)).As(creator).Do().Expect(200)
	})
}

func TestPaginationAndFilters(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		a, b := s.Mentor("ann"), s.Mentor("bob")
		for i := 0; i < 25; i++ {
			u := a
			if i%5 == 0 {
				u = b
			}
			// Created out of date order; lists are by date then id.
			s.Post("/api/sessions/").Token(u.Token).JSON(session(fmt.Sprintf("S%02d", i), time.Duration(25-i)*time.Hour, 5)).Do().Expect(201)
		}
		s.Post("/api/sessions/3/cancel/").Token(a.Token).Do().Expect(200)
		get := func(q string) map[string]any {
			return s.Get("/api/sessions/" + q).Token(a.Token).Do().Expect(200).Obj()
		}

		p := get("")
		res := p["results"].([]any)
		if p["count"] != 25.0 || len(res) != 10 || p["previous"] != nil || res[0].(map[string]any)["title"] != "S24" {
			t.Fatalf("first page: count %v, %d results, first %v", p["count"], len(res), res[0].(map[string]any)["title"])
		}
		// Follow the absolute next links to the end.
		var titles []string
		for path := "/api/sessions/?page_size=7"; path != ""; {
			var page struct {
				Next    *string
				Results []struct{ Title string }
			}
			s.Get(path).Token(a.Token).Do().Expect(200).Decode(&page)
			for _, r := range page.Results {
				titles = append(titles, r.Title)
			}
			path = ""
			if page.Next != nil {
				if !strings.HasPrefix(*page.Next, s.URL) {
					t.Fatalf("next is not absolute: %s", *page.Next)
				}
				path = strings.TrimPrefix(*page.Next, s.URL)
			}
		}
		if len(titles) != 25 || titles[0] != "S24" || titles[24] != "S00" {
			t.Fatalf("walked %d titles: %v", len(titles), titles)
		}
		last := get("?page=3")
		if len(last["results"].([]any)) != 5 || last["next"] != nil || !strings.Contains(*strPtr(last["previous"]), "page=2") {
			t.Fatalf("page 3: %v", last)
		}
		if prev := *strPtr(get("?page=2")["previous"]); strings.Contains(prev, "page=") {
			t.Fatalf("page 2's previous should drop page=: %s", prev)
		}
		if n := len(get("?page_size=500")["results"].([]any)); n != 25 {
			t.Fatalf("page_size 500: %d", n)
		}
		for _, q := range []string{"?page=4", "?page=0", "?page=abc", "?page=-1"} {
			s.Get("/api/sessions/"+q).Token(a.Token).Do().ExpectBody(404, `{"detail":"Invalid page."}`)
		}
		// Over 100 is capped at 100.
		for i := 0; i < 80; i++ {
			s.Post("/api/sessions/").Token(a.Token).JSON(session(fmt.Sprintf("T%02d", i), time.Duration(100+i)*time.Hour, 5)).Do().Expect(201)
		}
		if n := len(get("?page_size=1000")["results"].([]any)); n != 100 {
			t.Fatalf("page_size 1000 gave %d", n)
		}

		if c := get("?status=cancelled")["count"]; c != 1.0 {
			t.Fatalf("cancelled: %v", c)
		}
		if c := get("?creator=2")["count"]; c != 5.0 {
			t.Fatalf("bob's: %v", c)
		}
		if c := get("?date_from=" + at(20*time.Hour) + "&date_to=" + at(22*time.Hour))["count"]; c != 3.0 {
			t.Fatalf("date range: %v", c)
		}
		// Plain dates are whole UTC days, both ends included: S24 to S11
		// start on 10 January (10:00 to 23:00), S10 to S00 on the 11th
		// (00:00 to 10:00).
		if c := get("?date_from=2030-01-11&date_to=2030-01-11")["count"]; c != 11.0 {
			t.Fatalf("11 January: %v", c)
		}
		if c := get("?date_to=2030-01-10")["count"]; c != 14.0 {
			t.Fatalf("up to 10 January: %v", c)
		}
		for q, want := range map[string]string{
			"?status=later":                 `{"status":["Select a valid choice. later is not one of the available choices."]}`,
			"?date_from=yesterday":          `{"date_from":["Enter a valid date/time."]}`,
			"?creator=bob":                  `{"creator":["Enter a number."]}`,
			"?date_to=2030-13-01T00:00:00Z": `{"date_to":["Enter a valid date/time."]}`,
		} {
			s.Get("/api/sessions/"+q).Token(a.Token).Do().ExpectBody(400, want)
		}
	})
}

func strPtr(v any) *string {
	s, _ := v.(string)
	return &s
}

// TestEveryBadFieldAtOnce: several bad fields, one 400 with a message each.
func TestEveryBadFieldAtOnce(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("john")
		body := map[string]any{"title": strings.Repeat("t", 201), "description": "d", "date": at(-time.Hour), "max_participants": 30}
		s.Post("/api/sessions/").Token(inst.Token).JSON(body).Do().ExpectBody(400, `{
			"title":["Ensure this field has no more than 200 characters."],
			"date":["Session date must be in the future"],
			"max_participants":["Ensure this value is less than or equal to 20."]}`)
		s.Post("/api/sessions/").Token(inst.Token).JSON(map[string]any{"date": "tomorrow", "max_participants": 1}).Do().ExpectBody(400, `{
			"title":["This field is required."], "description":["This field is required."],
			"date":["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."],
			"max_participants":["Ensure this value is greater than or equal to 2."]}`)
		id := int(s.Post("/api/sessions/").Token(inst.Token).JSON(session("Go", time.Hour, 5)).Do().Expect(201).Obj()["id"].(float64))
		s.Patch(fmt.Sprintf("/api/sessions/%d/", id)).Token(inst.Token).JSON(map[string]any{"title": "", "date": at(-time.Minute), "max_participants": "many"}).Do().
			ExpectBody(400, `{"title":["This field may not be blank."],"date":["Session date must be in the future"],"max_participants":["A valid integer is required."]}`)
		if got := s.Get(fmt.Sprintf("/api/sessions/%d/", id)).Token(inst.Token).Do().Expect(200).Obj(); got["title"] != "Go" {
			t.Fatalf("a refused PATCH changed the session: %v", got)
		}
	})
}
