package scheduling

import (
	"sort"
	"time"
)

// Slot is a span of time offered with a preference from 1 (least) to 3.
type Slot struct {
	Start, End time.Time
	Pref       int
}

// Candidate is a meeting the owner could hold: one block of an owner slot.
type Candidate struct {
	Start, End time.Time
	OwnerPref  int
}

// Candidates cuts each owner slot into consecutive blocks of length, counted
// from the slot's start (a 13:00-15:00 slot with 60-minute meetings offers
// 13:00 and 14:00); a remainder shorter than length is not offered. The
// result is ordered by start time.
func Candidates(slots []Slot, length time.Duration) []Candidate {
	var out []Candidate
	if length <= 0 {
		return nil
	}
	for _, s := range slots {
		for _, b := range Chunks(s.Start, s.End, length) {
			out = append(out, Candidate{Start: b.Start, End: b.End, OwnerPref: s.Pref})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// Meeting pairs an invitee (by index) with a candidate (by index).
type Meeting struct {
	Invitee, Candidate int
	Score              int // owner preference + invitee preference
}

// Suggestion is one schedule: at most one meeting per invitee and per
// candidate.
type Suggestion struct {
	Meetings  []Meeting // by start time
	Scheduled int
	Score     int
}

// Suggest returns the k best distinct schedules, best first. A candidate
// suits an invitee when it lies inside one of the invitee's slots, and then
// scores the owner's preference plus that slot's (the best such slot). Best
// means: the most invitees scheduled; among those, the highest total score;
// among those, the earliest meetings (the smallest sum of the candidates'
// positions in time).
func Suggest(cands []Candidate, invitees [][]Slot, k int) []Suggestion {
	n, m := len(invitees), len(cands)
	score := make([][]int, n)
	for i, slots := range invitees {
		score[i] = make([]int, m)
		for c, cand := range cands {
			best := 0
			for _, s := range slots {
				if !cand.Start.Before(s.Start) && !cand.End.After(s.End) && s.Pref > best {
					best = s.Pref
				}
			}
			if best > 0 {
				score[i][c] = cand.OwnerPref + best
			}
		}
	}
	// Lexicographic goals folded into one weight: any extra meeting (A)
	// outweighs all scores, any score point (B) outweighs all earliness.
	B := int64(n)*int64(m) + 1
	A := int64(n)*(6*B+int64(m)) + 1
	w := make([][]int64, n)
	for i := range w {
		w[i] = make([]int64, m)
		for c := range w[i] {
			if score[i][c] == 0 {
				w[i][c] = Forbidden
			} else {
				w[i][c] = A + B*int64(score[i][c]) + int64(m-c)
			}
		}
	}
	var out []Suggestion
	for _, a := range KBestAssignments(w, m, k) {
		var s Suggestion
		for i, c := range a.Col {
			if c < 0 {
				continue
			}
			s.Meetings = append(s.Meetings, Meeting{Invitee: i, Candidate: c, Score: score[i][c]})
			s.Scheduled++
			s.Score += score[i][c]
		}
		sort.Slice(s.Meetings, func(x, y int) bool { return s.Meetings[x].Candidate < s.Meetings[y].Candidate })
		out = append(out, s)
	}
	return out
}
