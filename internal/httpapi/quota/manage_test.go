package quota_test

import (
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestWhoMayManage: mentors add; the creator or staff update and delete; a
// student is refused before the session is looked up or the body read.
func TestWhoMayManage(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		mentor := s.Mentor("jane")
		other := s.Mentor("other")
		student := s.Mentee("john")
		staff := s.JWT(s.Staff("root"))
		good := map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 5}
		s.Post("/session/api/addSession").Token(mentor.Token).JSON(good).Do().Expect(200)
		s.Post("/session/api/addSession").Bearer(staff).JSON(good).Do().
			ExpectBody(403, `{"success":false,"message":"only mentors can manage sessions"}`)

		const onlyMentors = `{"success":false,"message":"only mentors can manage sessions"}`
		const notFound = `{"success":false,"message":"session is not found"}`
		for _, id := range []string{"1", "999"} {
			// A student: 403 whether the session exists or not, whatever the body.
			for _, body := range []string{`{"quota": 3}`, `{"scheduledAt": "soon"}`, `{"quota": `, `[1]`} {
				s.Put("/session/api/updateSession/"+id).Token(student.Token).JSON(body).Do().ExpectBody(403, onlyMentors)
			}
			s.Delete("/session/api/deleteSession/"+id).Token(student.Token).Do().ExpectBody(403, onlyMentors)
			// Another mentor: someone else's session is not found, as a missing one;
			// a body that cannot be read is answered first.
			s.Put("/session/api/updateSession/"+id).Token(other.Token).JSON(`{"quota": 3}`).Do().ExpectBody(404, notFound)
			s.Put("/session/api/updateSession/"+id).Token(other.Token).JSON(`{"scheduledAt": "soon"}`).Do().
				ExpectBody(400, `{"success":false,"message":"Invalid date"}`)
			s.Delete("/session/api/deleteSession/"+id).Token(other.Token).Do().ExpectBody(404, notFound)
		}
		// Staff may act for the creator, as on the tutoring API.
		s.Put("/session/api/updateSession/1").Bearer(staff).JSON(map[string]any{"quota": 7}).Do().Expect(200)
		s.Delete("/session/api/deleteSession/1").Bearer(staff).Do().
			ExpectBody(200, `{"success":true,"message":"successfully delete mentor session"}`)
	})
}
