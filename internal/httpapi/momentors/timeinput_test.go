package momentors_test

import (
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestTimeInputs: date-times with offsets other than Z, with and without
// seconds and fractions, are read as the instants they name and answered
// in UTC; V2 chunks of a +05:45 span fall at :15 and :45 UTC. What is not a
// date-time (an offset of 24 hours, February 29 of a common year, 24:00) is
// the surface's format error, never an instant.
func TestTimeInputs(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m := s.Mentor("mentor1")
		// +HHMM and +HH without seconds were refused, though accepted with them.
		s.Post("/v2/availability/").Token(m.Token).JSON(span("2030-01-16T10:00+0545", "2030-01-16T11:00:00.5+05:45")).Do().
			ExpectBody(201, `[{"pk":1,"mentor":1,"start_time":"2030-01-16T04:15:00Z","end_time":"2030-01-16T04:45:00Z","status":"Open"},
				{"pk":2,"mentor":1,"start_time":"2030-01-16T04:45:00Z","end_time":"2030-01-16T05:15:00Z","status":"Open"}]`)
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-16T08:00-05", "2030-01-16T09:00-0500")).Do().
			ExpectBody(201, `{"pk":3,"mentor":1,"start_time":"2030-01-16T13:00:00Z","end_time":"2030-01-16T14:00:00Z"}`)
		s.Post("/availability/").Token(m.Token).JSON(span("2032-02-29T23:30:00.123+01:00", "2032-03-01T00:30:00+01:00")).Do().
			ExpectBody(201, `{"pk":4,"mentor":1,"start_time":"2032-02-29T22:30:00.123000Z","end_time":"2032-02-29T23:30:00Z"}`)
		const wrong = `["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]`
		for _, bad := range []string{"2030-01-16T10:00:00+24:00", "2031-02-29T10:00:00Z", "2030-01-16T24:00:00Z", "2030-01-16T10:00:00+05:45:00"} {
			s.Post("/availability/").Token(m.Token).JSON(span(bad, "2035-01-01T00:00:00Z")).Do().
				ExpectBody(400, `{"start_time":`+wrong+`}`)
		}
	})
}
