package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestStaffPages: every staff page and action over HTTP; nobody else sees
// them; each action changes what it says and is recorded with who did it.
func TestStaffPages(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		s.Staff("sam")
		mona, bea := s.Mentor("mona"), s.Mentee("bea")
		sessionID := bookSession(t, s, mona, bea)
		s.Deliver()

		// Signed out: the login page; signed in but not staff: no such page.
		expectSentToLogIn(t, s, "/app/staff/users")
		beaWeb := logIn(t, s, "bea")
		for _, path := range []string{"/app/staff", "/app/staff/users", "/app/staff/sessions/" + sessionID, "/app/staff/outbox", "/app/staff/log"} {
			status, body := beaWeb.get(path)
			expectNotFound(t, status, body, "a mentee opening "+path)
		}
		status, body := beaWeb.post("/app/staff/users/"+itoa64(mona.ID)+"/deactivate", nil)
		expectNotFound(t, status, body, "a mentee deactivating a user")

		sam := logIn(t, s, "sam")
		if _, body := sam.get("/app"); !strings.Contains(body, `href="/app/staff"`) {
			t.Error("no staff link in the nav for staff")
		}
		if _, body := beaWeb.get("/app"); strings.Contains(body, `href="/app/staff"`) {
			t.Error("a staff link in the nav for a mentee")
		}

		// Users: search and one user.
		expectPage(t, sam, "/app/staff/users", 200, "Staff: users", "mona", "bea", `name="q"`)
		body = expectPage(t, sam, "/app/staff/users?q=mon", 200, "Staff: users", "mona")
		if strings.Contains(body, ">bea<") {
			t.Error("the search for mon shows bea")
		}
		beaPage := "/app/staff/users/" + itoa64(bea.ID)
		expectPage(t, sam, beaPage, 200, "Staff: user bea", `action="`+beaPage+`/deactivate"`, `action="`+beaPage+`/send-reset"`, `action="`+beaPage+`/grant-staff"`)
		status, body = sam.get("/app/staff/users/99999")
		expectNotFound(t, status, body, "an unknown user")

		// Staff cannot lock themselves out.
		samPage := "/app/staff/users/" + itoa64(1)
		if _, body := sam.get(samPage); strings.Contains(body, "/deactivate\"") {
			t.Error("staff are offered to deactivate themselves")
		}
		if status, body := sam.post(samPage+"/deactivate", nil); status != 400 || !strings.Contains(body, "cannot deactivate your own account") {
			t.Errorf("deactivating oneself: %d\n%s", status, body)
		}

		// Deactivate: every credential of bea stops working.
		jwt := s.JWT(bea)
		s.Get("/myprofile/").Header("Cookie", "auth="+jwt).Do().Expect(200)
		expectPost(t, sam, beaPage+"/bogus", nil, 404, "Page not found") // only the page's buttons are actions
		expectPost(t, sam, beaPage+"/deactivate", nil, 200, "bea is deactivated", `action="`+beaPage+`/reactivate"`)
		s.Get("/myprofile/").Token(bea.Token).Do().Expect(401)
		s.Get("/api/sessions/").Bearer(jwt).Do().Expect(401)
		s.Get("/myprofile/").Header("Cookie", "auth="+bea.Token).Do().Expect(401)
		s.Get("/myprofile/").Header("Cookie", "auth="+jwt).Do().Expect(401)
		beaWeb.get("/app/sessions")
		if beaWeb.res.Request.URL.Path != "/app/login" {
			t.Errorf("bea's web session still works after deactivation: at %s", beaWeb.res.Request.URL)
		}
		again := newBrowser(t, s)
		if status, body := again.post("/app/login", url.Values{"username": {"bea"}, "password": {apptest.Password}}); status != 401 || !strings.Contains(body, "This account is deactivated") {
			t.Errorf("a deactivated login: %d\n%s", status, body)
		}
		// Reactivate: the password works again.
		expectPost(t, sam, beaPage+"/reactivate", nil, 200, "bea is active again")
		beaWeb = logIn(t, s, "bea")
		s.Get("/api/sessions/").Bearer(jwt).Do().Expect(401) // a JWT from before stays ended

		// Staff flag, and a reset e-mail.
		expectPost(t, sam, beaPage+"/grant-staff", nil, 200, "bea is staff now")
		expectPost(t, sam, beaPage+"/remove-staff", nil, 200, "bea is no longer staff")
		expectPost(t, sam, beaPage+"/send-reset", nil, 200, "A password-reset e-mail is on its way to "+bea.Email)
		s.Deliver()
		mailTo(s, bea.Email, func(_, text string) bool { return strings.Contains(text, "/app/password/reset/") })

		// 1:1 sessions and group sessions: search and view.
		expectPage(t, sam, "/app/staff/sessions?q=mona", 200, "Staff: sessions", `href="/app/staff/sessions/`+sessionID+`"`, "Confirmed")
		if _, body := sam.get("/app/staff/sessions?q=nobody"); strings.Contains(body, `href="/app/staff/sessions/`+sessionID+`"`) {
			t.Error("a search for nobody finds the session")
		}
		if status, body := sam.get("/app/staff/sessions?status=Lost"); status != 400 || !strings.Contains(body, `id="e-status"`) {
			t.Errorf("an unknown status: %d", status)
		}
		monaWeb := logIn(t, s, "mona")
		expectPost(t, monaWeb, "/app/groups", groupForm("Algebra drop-in", "Maths", "2030-01-17T18:00", "3"), 200)
		groupID := find(t, `href="/app/staff/groups/(\d+)"`, expectPage(t, sam, "/app/staff/groups?q=algebra", 200, "Staff: group sessions", "Algebra drop-in"))
		s.Post("/api/sessions/" + groupID + "/join/").Bearer(s.JWT(bea)).Do().Expect(201)
		expectPage(t, sam, "/app/staff/groups/"+groupID, 200, "Staff: group session "+groupID, "bea", `action="/app/staff/groups/`+groupID+`/cancel"`)

		// Cancel a group session for its instructor: the seat holders are told.
		expectPost(t, sam, "/app/staff/groups/"+groupID+"/cancel", nil, 200, "is cancelled")
		s.Deliver()
		mailTo(s, bea.Email, func(subject, text string) bool {
			return strings.Contains(subject+text, "Algebra drop-in") && strings.Contains(strings.ToLower(subject+text), "cancel")
		})

		// Cancel the 1:1 session on the mentee's behalf while the mail
		// server refuses everything: the mentor's e-mail fails, and is retried.
		page := "/app/staff/sessions/" + sessionID
		expectPage(t, sam, page, 200, "Staff: session "+sessionID, `name="on_behalf_of"`, `value="`+itoa64(bea.ID)+`"`)
		s.SMTP.SetReject(true)
		expectPost(t, sam, page+"/cancel", url.Values{"on_behalf_of": {itoa64(bea.ID)}}, 200, "The session is canceled")
		if _, body := beaWeb.get("/app/sessions/" + sessionID); !strings.Contains(body, "Canceled") {
			t.Error("the mentee's page does not say the session is canceled")
		}
		s.Deliver()                         // refused: tried again later
		s.Clock.Advance(4 * 24 * time.Hour) // past the worker's give-up time
		s.Deliver()                         // refused again: failed for good
		_, failed := sam.get("/app/staff/outbox?state=failed")
		if !strings.Contains(failed, "/retry\"") {
			t.Fatalf("no failed e-mail to retry in the outbox\n%s", failed)
		}
		if !strings.Contains(failed, mona.Email) || !strings.Contains(failed, "try again later") {
			t.Errorf("the failed e-mail's page: no recipient or last error\n%s", failed)
		}
		retry := find(t, `action="(/app/staff/outbox/\d+/retry)"`, failed)
		s.SMTP.SetReject(false)
		expectPost(t, sam, strings.TrimPrefix(retry, ""), nil, 200, "is queued again")
		s.Deliver()
		mailTo(s, mona.Email, func(_, text string) bool { return strings.Contains(text, "anceled") })

		// The log: every action, with who took it.
		body = expectPage(t, sam, "/app/staff/log", 200, "Staff: log", "Deactivated", "Reactivated", "Granted staff to", "Removed staff from",
			"Sent a password reset to", "Cancelled the group session", "Cancelled the 1:1 session", "Retried the e-mail", ">sam<")
		if strings.Contains(body, "/app/password/reset/") {
			t.Error("the log shows a reset link")
		}
		if _, body := sam.get("/app/staff/outbox"); strings.Contains(body, "/app/password/reset/") {
			t.Error("the outbox shows a reset link")
		}
	})
}

// TestListPagesFarPastTheEnd: a page number so big that its offset would
// overflow is just a page past the end of its list, on every paged list,
// not an error (PostgreSQL refused the negative OFFSET it became).
func TestListPagesFarPastTheEnd(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		s.Staff("sam")
		mona, bea := s.Mentor("mona", "Go"), s.Mentee("bea")
		bookSession(t, s, mona, bea)
		expectPost(t, logIn(t, s, "mona"), "/app/groups", groupForm("Algebra drop-in", "Maths", "2030-01-16T18:00", "3"), 200)
		sam := logIn(t, s, "sam")
		expectPost(t, sam, "/app/staff/users/"+itoa64(bea.ID)+"/deactivate", nil, 200)
		const huge = "368934881474191035" // times 25, or 20, or 10, it overflows int64
		for _, p := range []struct{ path, title, want string }{
			{"/app/mentors?page=" + huge, "Find a mentor", "There are fewer pages than that"},
			{"/app/groups?page=" + huge, "Group sessions", "There are fewer pages than that"},
			{"/app/staff/users?page=" + huge, "Staff: users", `rel="prev"`},
			{"/app/staff/sessions?page=" + huge, "Staff: sessions", `rel="prev"`},
			{"/app/staff/groups?page=" + huge, "Staff: group sessions", `rel="prev"`},
			{"/app/staff/outbox?page=" + huge, "Staff: outbox", `rel="prev"`},
			{"/app/staff/log?page=" + huge, "Staff: log", `rel="prev"`},
		} {
			body := expectPage(t, sam, p.path, 200, p.title, p.want)
			if strings.Contains(body, "mona</a>") || strings.Contains(body, "Algebra drop-in</a>") {
				t.Errorf("%s shows the first page's rows", p.path)
			}
		}
	})
}

// TestStaffPrivileges: as in Django's admin, only a superuser changes a
// staff member's or a superuser's account or anyone's staff access; other
// staff manage ordinary accounts only, and are not offered the rest. The
// rule is the domain's, so the Momentors API's staff delete keeps it too.
// An action that changes nothing says so.
func TestStaffPrivileges(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		root := s.Staff("root") // a superuser
		pat, ula := s.SignUp("pat"), s.SignUp("ula")
		rootWeb := logIn(t, s, "root")
		patPage, ulaPage, rootPage := "/app/staff/users/"+itoa64(pat.ID), "/app/staff/users/"+itoa64(ula.ID), "/app/staff/users/"+itoa64(root.ID)
		expectPost(t, rootWeb, patPage+"/grant-staff", nil, 200, "pat is staff now")
		expectPost(t, rootWeb, patPage+"/grant-staff", nil, 200, "Nothing changed")
		patWeb := logIn(t, s, "pat") // plain staff

		// A superuser's account: nothing offered, everything refused.
		body := expectPage(t, patWeb, rootPage, 200, "Staff: user root", "Only a superuser can change")
		for _, act := range []string{"deactivate", "remove-staff", "reactivate", "grant-staff"} {
			if strings.Contains(body, rootPage+"/"+act+`"`) {
				t.Errorf("plain staff are offered to %s a superuser", act)
			}
			if status, body := patWeb.post(rootPage+"/"+act, nil); status != 403 || !strings.Contains(body, "Only a superuser can change") {
				t.Errorf("plain staff %s a superuser: %d\n%s", act, status, body)
			}
		}
		// An ordinary account: managed, but staff access is not theirs to give.
		body = expectPage(t, patWeb, ulaPage, 200, "Staff: user ula", `action="`+ulaPage+`/deactivate"`, "Only a superuser can grant")
		if strings.Contains(body, ulaPage+`/grant-staff"`) {
			t.Error("plain staff are offered to grant staff access")
		}
		if status, body := patWeb.post(ulaPage+"/grant-staff", nil); status != 403 || !strings.Contains(body, "Only a superuser can grant") {
			t.Errorf("plain staff granting staff: %d\n%s", status, body)
		}
		expectPost(t, patWeb, ulaPage+"/deactivate", nil, 200, "ula is deactivated")
		expectPost(t, patWeb, ulaPage+"/deactivate", nil, 200, "Nothing changed")
		expectPost(t, patWeb, ulaPage+"/reactivate", nil, 200, "ula is active again")
		// Only a superuser's own change is in the log: none of the refusals,
		// nor the repeats.
		if body := expectPage(t, rootWeb, "/app/staff/log", 200, "Staff: log"); strings.Count(body, "Granted staff to") != 1 || strings.Count(body, "Deactivated") != 1 {
			t.Errorf("the log records refusals or repeats\n%s", body)
		}

		// The Momentors API: plain staff delete an ordinary account, not a
		// superuser's (403 in DRF's shape).
		s.Delete("/auth/users/"+itoa64(root.ID)+"/").Token(pat.Token).JSON(map[string]string{}).Do().
			ExpectBody(403, `{"detail":"Only a superuser can change another staff member's or a superuser's account."}`)
		// Nor their e-mail address, which with a reset e-mail would be the account.
		s.Patch("/auth/users/"+itoa64(root.ID)+"/").Token(pat.Token).JSON(map[string]string{"email": "pat@evil.example"}).Do().
			ExpectBody(403, `{"detail":"Only a superuser can change another staff member's or a superuser's account."}`)
		if u, _ := s.Store.UserByID(t.Context(), root.ID); u.Email == "pat@evil.example" {
			t.Fatal("a plain staff member changed a superuser's e-mail")
		}
		s.Patch("/auth/users/" + itoa64(ula.ID) + "/").Token(pat.Token).JSON(map[string]string{"email": "ula2@example.com"}).Do().Expect(200)
		expectPage(t, rootWeb, rootPage, 200, "Staff: user root")
		s.Delete("/auth/users/" + itoa64(ula.ID) + "/").Token(pat.Token).JSON(map[string]string{}).Do().Expect(204)
	})
}
