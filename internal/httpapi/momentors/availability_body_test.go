package momentors_test

import (
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
)

// The original availability view turned every non_field_errors into a bare
// list, so a body that is not an object is refused with one too; forms, the
// other bodies and the other errors keep their shapes.
func TestAvailabilityBodyNotAnObject(t *testing.T) {
	s := apptest.Start(t, store.SQLite, apptest.Options{Now: morning})
	m := s.Mentor("mentor1")
	for _, path := range []string{"/availability/", "/availabilty/", "/v2/availability/", "/v2/availabilty/"} {
		s.Post(path).Token(m.Token).JSON("null").Do().ExpectBody(400, `["No data provided"]`)
		s.Post(path).Token(m.Token).JSON(`[{"start_time":"2030-01-15T15:00:00Z"}]`).Do().
			ExpectBody(400, `["Invalid data. Expected a dictionary, but got list."]`)
		s.Post(path).Token(m.Token).JSON(`"text"`).Do().ExpectBody(400, `["Invalid data. Expected a dictionary, but got str."]`)
		s.Post(path).Token(m.Token).JSON(`{"start_time":`).Do().Expect(400).Decode(&struct{ Detail string }{})
		s.Post(path).Token(m.Token).Raw("text/plain", []byte("x")).Do().Expect(415)
	}
	s.Post("/availability/").Token(m.Token).Raw("application/x-www-form-urlencoded",
		[]byte("start_time=2030-01-15T15:00:00Z&end_time=2030-01-15T16:00:00Z")).Do().
		ExpectBody(201, `{"pk":1,"mentor":1,"start_time":"2030-01-15T15:00:00Z","end_time":"2030-01-15T16:00:00Z"}`)
	s.Post("/v2/availability/").Token(m.Token).Multipart(map[string]string{
		"start_time": "2030-01-16T15:00:00Z", "end_time": "2030-01-16T15:30:00Z"}).Do().
		ExpectBody(201, `[{"pk":2,"mentor":1,"start_time":"2030-01-16T15:00:00Z","end_time":"2030-01-16T15:30:00Z","status":"Open"}]`)
	// Session routes are not this view: they keep DRF's object.
	me := s.Mentee("mentee1")
	s.Post("/sessionrequest/").Token(me.Token).JSON("null").Do().ExpectBody(400, `{"non_field_errors":["No data provided"]}`)
}
