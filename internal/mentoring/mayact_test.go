package mentoring

import (
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
)

func TestNextStatuses(t *testing.T) {
	now := time.Date(2030, 1, 15, 9, 0, 0, 0, time.UTC)
	s := &Service{clock: clock.NewFake(now)}
	mentor, mentee := &domain.User{ID: 1, IsMentor: true}, &domain.User{ID: 2, IsMentee: true}
	stranger, staff := &domain.User{ID: 3, IsMentee: true}, &domain.User{ID: 4, IsStaff: true}
	later, earlier := now.Add(time.Hour), now.Add(-time.Minute)
	for _, tc := range []struct {
		status string
		start  time.Time
		who    *domain.User
		want   string
	}{
		{domain.StatusPending, later, mentor, "Confirmed Canceled"},
		{domain.StatusPending, later, mentee, "Canceled"},
		{domain.StatusPending, later, staff, "Confirmed Canceled"},
		{domain.StatusPending, later, stranger, ""},
		{domain.StatusConfirmed, later, mentor, "Canceled"},
		{domain.StatusConfirmed, later, mentee, "Canceled"},
		{domain.StatusPending, earlier, mentor, ""},
		{domain.StatusConfirmed, earlier, mentor, "Completed"},
		{domain.StatusConfirmed, earlier, mentee, ""},
		{domain.StatusCanceled, later, mentor, ""},
		{domain.StatusCompleted, earlier, mentor, ""},
	} {
		sess := &domain.Session{MentorID: 1, MenteeID: 2, Status: tc.status, Start: tc.start, End: tc.start.Add(time.Hour)}
		got := strings.Join(s.NextStatuses(tc.who, sess), " ")
		if got != tc.want {
			t.Errorf("%s session starting %v, user %d: %q, want %q", tc.status, tc.start.Sub(now), tc.who.ID, got, tc.want)
		}
		// Each status offered is one the change itself accepts, and the others are refused.
		for _, to := range []string{domain.StatusConfirmed, domain.StatusCanceled, domain.StatusCompleted} {
			if tc.who == stranger {
				continue // not theirs: NextStatuses offers nothing, ChangeSession refuses before the rule
			}
			if ok := transitionRule(now, tc.who, sess, to) == nil; ok != strings.Contains(" "+got+" ", " "+to+" ") {
				t.Errorf("%s -> %s by %d: rule %v, offered %q", tc.status, to, tc.who.ID, ok, got)
			}
		}
	}
}

func TestMayRequest(t *testing.T) {
	s := &Service{clock: clock.NewFake(time.Now())}
	if err := s.MayRequest(&domain.User{ID: 2, IsMentee: true}, 1); err != nil {
		t.Errorf("a mentee: %v", err)
	}
	if err := s.MayRequest(&domain.User{ID: 2, IsMentor: true}, 1); errs.CodeOf(err) != "not_mentee" {
		t.Errorf("a mentor who is not a mentee: %v", err)
	}
	v, ok := errs.AsInvalid(s.MayRequest(&domain.User{ID: 1, IsMentee: true, IsMentor: true}, 1))
	if !ok || len(v.NonField) != 1 || v.NonField[0].Code != "own_session" {
		t.Errorf("oneself: %v", v)
	}
}
