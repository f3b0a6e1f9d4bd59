package momentors

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// The hand-written encoder of availability lists must give exactly what
// encoding/json gives for the same AvailabilityOut values.
func TestAppendAvailabilitiesMatchesEncodingJSON(t *testing.T) {
	base := time.Date(2030, 1, 15, 9, 0, 0, 0, time.UTC)
	paris, _ := time.LoadLocation("Europe/Paris")
	cases := [][]domain.Availability{
		nil,
		{{ID: 1, MentorID: 2, Start: base, End: base.Add(30 * time.Minute), Status: domain.AvailOpen}},
		{
			{ID: 7, MentorID: 9, Start: base.Add(123456 * time.Microsecond), End: base.Add(time.Hour), Status: domain.AvailRequested},
			{ID: 8, MentorID: 9, Start: base.In(paris), End: base.Add(2 * time.Hour).In(paris), Status: domain.AvailConfirmed},
			{ID: 1 << 40, MentorID: -1, Start: base.Add(999 * time.Nanosecond), End: base.Add(1500 * time.Nanosecond), Status: `odd "status"`},
		},
	}
	for _, list := range cases {
		want := []AvailabilityOut{}
		for i := range list {
			want = append(want, availabilityJSON(&list[i]))
		}
		wantJSON, _ := json.Marshal(want)
		if got := appendAvailabilities(nil, list); string(got) != string(wantJSON) {
			t.Errorf("got  %s\nwant %s", got, wantJSON)
		}
	}
}

func TestAppendMentorListItemMatchesEncodingJSON(t *testing.T) {
	about, team, photo := `Likes "quotes" & <tags>`, 4, "http://x/media/p.jpg"
	avail := appendAvailabilities(nil, []domain.Availability{{ID: 1, MentorID: 2, Start: time.Unix(1e9, 0), End: time.Unix(1e9+1800, 0), Status: domain.AvailOpen}})
	for _, it := range []mentorListItem{
		{mentorListHead: mentorListHead{PK: 1, Username: "ann", FirstName: "Ann", LastName: "Lée"}, Availabilities: noAvailability},
		{mentorListHead: mentorListHead{PK: 2, Username: "bob", ProfilePhoto: &photo, IsMentor: true, AboutMe: &about, Skills: []string{"Go", "SQL"}},
			Availabilities: avail, TeamNumber: &team, MentorProfile: &mentorNested{mentorNestedHead{about, []string{"Go", "SQL"}}, avail, team}},
		{mentorListHead: mentorListHead{PK: 3, Skills: []string{}}, Availabilities: avail, TeamNumber: &team,
			MentorProfile: &mentorNested{mentorNestedHead{"", []string{}}, noAvailability, 0}},
	} {
		want, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendMentorListItem(nil, &it); string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}
