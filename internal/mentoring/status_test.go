package mentoring

import (
	"testing"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

func TestWithStatus(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2030, 1, 1, h, m, 0, 0, time.UTC) }
	avail := []domain.Availability{
		{MentorID: 1, Start: at(9, 0), End: at(9, 30)},
		{MentorID: 1, Start: at(9, 30), End: at(10, 0)},
		{MentorID: 1, Start: at(10, 0), End: at(11, 0)},
		{MentorID: 1, Start: at(11, 0), End: at(12, 0)},
		{MentorID: 2, Start: at(9, 0), End: at(10, 0)},
		{MentorID: 3, Start: at(9, 0), End: at(10, 0)},
	}
	spans := []domain.SessionSpan{
		{MentorID: 1, Start: at(9, 0), End: at(10, 0), Status: domain.StatusPending},     // spans two chunks
		{MentorID: 1, Start: at(10, 0), End: at(10, 30), Status: domain.StatusPending},   // touching the first
		{MentorID: 1, Start: at(10, 30), End: at(11, 0), Status: domain.StatusConfirmed}, // same availability, confirmed wins
		{MentorID: 2, Start: at(10, 0), End: at(10, 30), Status: domain.StatusConfirmed}, // only touches
		{MentorID: 3, Start: at(9, 15), End: at(9, 45), Status: domain.StatusConfirmed},
	}
	withStatus(avail, spans)
	want := []string{"Requested", "Requested", "Confirmed", "Open", "Open", "Confirmed"}
	for i, a := range avail {
		if a.Status != want[i] {
			t.Errorf("availability %d: %s, want %s", i, a.Status, want[i])
		}
	}
}
