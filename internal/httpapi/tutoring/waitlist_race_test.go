package tutoring_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestWaitlistUnderConcurrency races joins, leaves and waitlist requests
// at one 10-seat session, split across two mentord instances sharing one
// PostgreSQL (and on one instance of each engine), through both APIs.
//
// Round 1: 70 students ask at once to join or wait: exactly 10 are seated
// and the 60 others wait at the distinct places 1..60.
//
// Round 2, 200 requests at once: the 10 seated leave, the students at
// places 41..60 leave the waitlist, 100 newcomers ask to wait (half through
// the quota API) and 70 newcomers join plainly. Every freed seat must go to
// the earliest waiting: afterwards the seated are exactly those who were at
// places 1..10, places 11..40 wait first and in their order, then the 100
// newcomers; no plain join gets in (a free seat and a waiting student never
// coexist), nobody is seated past the capacity or both seated and waiting.
func TestWaitlistUnderConcurrency(t *testing.T) {
	apptest.EachCluster(t, apptest.Options{Now: t0, NoWorker: true}, func(t *testing.T, servers []*apptest.Server) {
		s := servers[0]
		inst := s.Mentor("inst")
		s.Post("/api/sessions/").As(inst).JSON(session("Race", 48*time.Hour, 10)).Do().Expect(201)
		const id = 1
		on := func(i int) *apptest.Server { return servers[i%len(servers)] }

		first := s.Students("first", 70)
		status := make([]int, len(first))
		place := make([]int, len(first))
		apptest.AtOnce(len(first), func(i int) {
			res := on(i).Post(fmt.Sprintf("/api/sessions/%d/join/", id)).As(first[i]).JSON(map[string]any{"waitlist": true}).Do()
			status[i] = res.Status
			if res.Status == 202 {
				place[i] = int(res.Obj()["session"].(map[string]any)["waitlist_position"].(float64))
			}
		})
		if seated := apptest.Winners(t, status, 201, 202); seated != 10 {
			t.Fatalf("round 1 seated %d, want 10", seated)
		}
		byPlace := map[int]apptest.User{} // the waiting of round 1 by place
		var seated1 []int64
		for i, p := range place {
			switch {
			case status[i] == 201:
				seated1 = append(seated1, first[i].ID)
			case byPlace[p].ID != 0 || p < 1 || p > 60:
				t.Fatalf("round 1: place %d given twice or out of range", p)
			default:
				byPlace[p] = first[i]
			}
		}
		checkState(t, s, id, 10)

		// Round 2.
		newcomers := s.Students("late", 170)
		type op struct {
			name string
			u    apptest.User
			want int
		}
		var ops []op
		for _, uid := range seated1 {
			ops = append(ops, op{"leave", apptest.User{ID: uid}, 200})
		}
		for p := 41; p <= 60; p++ {
			ops = append(ops, op{"unwait", byPlace[p], 200})
		}
		for i, u := range newcomers {
			switch {
			case i < 50:
				ops = append(ops, op{"wait", u, 202})
			case i < 100:
				ops = append(ops, op{"book-wait", u, 200})
			default:
				ops = append(ops, op{"join", u, 400})
			}
		}
		for i := range ops {
			if ops[i].u.Token == "" {
				ops[i].u.Token = s.JWT(ops[i].u)
			}
		}
		if len(ops) != 200 {
			t.Fatalf("%d requests, want 200", len(ops))
		}
		got := make([]*apptest.Response, len(ops))
		apptest.AtOnce(len(ops), func(i int) {
			srv, o := on(i), ops[i]
			switch o.name {
			case "leave":
				got[i] = srv.Post(fmt.Sprintf("/api/sessions/%d/leave/", id)).As(o.u).Do()
			case "unwait":
				got[i] = srv.Post(fmt.Sprintf("/api/sessions/%d/leave_waitlist/", id)).As(o.u).Do()
			case "wait":
				got[i] = srv.Post(fmt.Sprintf("/api/sessions/%d/join/", id)).As(o.u).JSON(map[string]any{"waitlist": true}).Do()
			case "book-wait":
				got[i] = srv.Post(fmt.Sprintf("/session/api/student/bookSession/%d", inst.ID)).Cookie("auth", o.u.Token).
					JSON(map[string]any{"session_id": id, "waitlist": true}).Do()
			case "join":
				got[i] = srv.Post(fmt.Sprintf("/api/sessions/%d/join/", id)).As(o.u).Do()
			}
		})
		for i, o := range ops {
			if got[i].Status != o.want {
				t.Errorf("%s by %d: %d %s, want %d", o.name, o.u.ID, got[i].Status, got[i].Body, o.want)
			}
			if o.name == "book-wait" && got[i].Obj()["message"] != "successfully joined the waitlist" {
				t.Errorf("book-wait: %s", got[i].Body)
			}
		}

		seated, waiting := checkState(t, s, id, 10)
		var want []int64
		for p := 1; p <= 10; p++ {
			want = append(want, byPlace[p].ID)
		}
		slices.Sort(want)
		slices.Sort(seated)
		if !slices.Equal(seated, want) {
			t.Fatalf("seated after round 2: %v, want the first 10 waiting %v", seated, want)
		}
		if len(waiting) != 30+100 {
			t.Fatalf("%d waiting after round 2, want 130", len(waiting))
		}
		for p := 11; p <= 40; p++ {
			if waiting[p-11] != byPlace[p].ID {
				t.Fatalf("waiting place %d is user %d, want %d (round 1's place %d)", p-10, waiting[p-11], byPlace[p].ID, p)
			}
		}
		late := append([]int64(nil), waiting[30:]...)
		slices.Sort(late)
		var lateWant []int64
		for _, u := range newcomers[:100] {
			lateWant = append(lateWant, u.ID)
		}
		if !slices.Equal(late, lateWant) {
			t.Fatalf("the newcomers waiting: %v", late)
		}
	})
}

// checkState checks a session's invariants in the database: seats taken
// match the participants and never pass capacity, and nobody is both
// seated and waiting. It returns the seated and the waiting (in order) by
// user id.
func checkState(t *testing.T, s *apptest.Server, id int64, capacity int) (seated, waiting []int64) {
	t.Helper()
	g, parts, wl := roster(t, s, id)
	if g.Taken != len(parts) || g.Taken > g.Capacity || g.Capacity != capacity {
		t.Fatalf("taken %d, %d participants, capacity %d", g.Taken, len(parts), g.Capacity)
	}
	in := map[int64]bool{}
	for _, p := range parts {
		seated = append(seated, p.UserID)
		in[p.UserID] = true
	}
	for _, w := range wl {
		if in[w.UserID] {
			t.Fatalf("user %d is seated and waiting", w.UserID)
		}
		waiting = append(waiting, w.UserID)
	}
	if len(wl) > 0 && g.Taken < g.Capacity {
		t.Fatalf("a free seat (%d of %d taken) while %d wait", g.Taken, g.Capacity, len(wl))
	}
	return seated, waiting
}
