package groups

import (
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
)

func TestPermitted(t *testing.T) {
	now := time.Date(2030, 1, 15, 9, 0, 0, 0, time.UTC)
	s := &Service{clock: clock.NewFake(now)}
	creator, other := &domain.User{ID: 1, IsMentor: true}, &domain.User{ID: 2, IsMentor: true}
	student, staff := &domain.User{ID: 3, IsMentee: true}, &domain.User{ID: 4, IsStaff: true}
	later, earlier := now.Add(time.Hour), now.Add(-time.Minute)
	// says lists what is permitted, in the order of the struct.
	says := func(p Permitted) string {
		var out []string
		for _, f := range []struct {
			ok   bool
			name string
		}{{p.Manage, "manage"}, {p.Update, "update"}, {p.Delete, "delete"}, {p.Cancel, "cancel"}, {p.Start, "start"},
			{p.Complete, "complete"}, {p.Join, "join"}, {p.Leave, "leave"}} {
			if f.ok {
				out = append(out, f.name)
			}
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		status string
		start  time.Time
		taken  int
		who    *domain.User
		joined bool
		want   string
	}{
		{domain.GroupUpcoming, later, 0, creator, false, "manage update delete cancel"},
		{domain.GroupUpcoming, earlier, 0, creator, false, "manage update delete cancel start"},
		{domain.GroupUpcoming, later, 0, staff, false, "manage update delete cancel join"},
		{domain.GroupUpcoming, later, 0, other, false, "join"},
		{domain.GroupUpcoming, later, 0, student, false, "join"},
		{domain.GroupUpcoming, later, 3, student, false, ""}, // full
		{domain.GroupUpcoming, later, 3, student, true, "leave"},
		{domain.GroupUpcoming, earlier, 0, student, false, ""}, // started by the clock
		{domain.GroupOngoing, earlier, 1, creator, false, "manage update cancel complete"},
		{domain.GroupOngoing, earlier, 1, student, true, ""},
		{domain.GroupCompleted, earlier, 1, creator, false, "manage"},
		{domain.GroupCancelled, later, 1, creator, false, "manage delete"},
		{domain.GroupCancelled, later, 1, student, true, "leave"},
	} {
		g := &domain.GroupSession{CreatorID: 1, Status: tc.status, Start: tc.start, Capacity: 3, Taken: tc.taken}
		if got := says(s.Permitted(tc.who, g, tc.joined)); got != tc.want {
			t.Errorf("%s session, %d taken, starting in %v, user %d (joined %v): %q, want %q",
				tc.status, tc.taken, tc.start.Sub(now), tc.who.ID, tc.joined, got, tc.want)
		}
	}
}
