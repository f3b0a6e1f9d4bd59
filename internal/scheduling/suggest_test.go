package scheduling

import (
	"math/rand"
	"testing"
	"time"
)

var day0 = time.Date(2030, 3, 12, 0, 0, 0, 0, time.UTC)

func hm(d, h, m int) time.Time {
	return day0.Add(time.Duration(d)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func TestCandidatesFromOwnerSlots(t *testing.T) {
	c := Candidates([]Slot{{hm(1, 10, 0), hm(1, 12, 0), 1}, {hm(0, 13, 0), hm(0, 15, 30), 3}}, time.Hour)
	if len(c) != 4 || !c[0].Start.Equal(hm(0, 13, 0)) || !c[1].Start.Equal(hm(0, 14, 0)) || c[0].OwnerPref != 3 || c[3].OwnerPref != 1 {
		t.Fatalf("candidates: %+v", c)
	}
}

func TestSuggestPrefersMoreMeetingsThenScoreThenEarlier(t *testing.T) {
	cands := Candidates([]Slot{{hm(0, 9, 0), hm(0, 12, 0), 1}, {hm(0, 14, 0), hm(0, 15, 0), 3}}, time.Hour)
	// 9:00 (1), 10:00 (1), 11:00 (1), 14:00 (3)
	inv := [][]Slot{
		{{hm(0, 9, 0), hm(0, 15, 0), 1}},  // anything
		{{hm(0, 14, 0), hm(0, 15, 0), 3}}, // only 14:00
		{{hm(0, 9, 0), hm(0, 11, 0), 2}},  // 9 or 10
	}
	got := Suggest(cands, inv, 3)
	if len(got) != 3 {
		t.Fatalf("%d suggestions", len(got))
	}
	best := got[0]
	// All three scheduled; invitee 1 must have 14:00 (score 6); invitees 0
	// and 2 share 9:00 and 10:00 (the earliest pair; 11:00 scores no more).
	if best.Scheduled != 3 || best.Score != 2+3+6 {
		t.Fatalf("best: %+v", best)
	}
	used := map[int]int{}
	for _, mt := range best.Meetings {
		used[mt.Candidate] = mt.Invitee
	}
	if used[3] != 1 || len(used) != 3 {
		t.Fatalf("best meetings %+v", best.Meetings)
	}
	if _, late := used[2]; late {
		t.Fatalf("11:00 used although 9:00 and 10:00 score the same: %+v", best.Meetings)
	}
	if got[1].Scheduled != 3 || got[1].Score != 11 {
		t.Fatalf("second: %+v", got[1])
	}
}

func TestSuggestPartialAndNobody(t *testing.T) {
	cands := Candidates([]Slot{{hm(0, 9, 0), hm(0, 10, 0), 2}}, time.Hour)
	got := Suggest(cands, [][]Slot{{{hm(0, 9, 0), hm(0, 10, 0), 3}}, {{hm(0, 9, 0), hm(0, 10, 0), 1}}, {}}, 3)
	if got[0].Scheduled != 1 || got[0].Meetings[0].Invitee != 0 || got[1].Meetings[0].Invitee != 1 || got[2].Scheduled != 0 {
		t.Fatalf("one slot, three invitees: %+v", got)
	}
	if got := Suggest(nil, [][]Slot{{}}, 3); len(got) != 1 || got[0].Scheduled != 0 {
		t.Fatalf("no candidates: %+v", got)
	}
}

// randomCalendar builds an owner with `blocks` one-hour candidates over ten
// days and n invitees who each offer a few windows.
func randomCalendar(rng *rand.Rand, n, blocks int) ([]Candidate, [][]Slot) {
	var owner []Slot
	perDay := blocks / 10
	for d := 0; d < 10; d++ {
		owner = append(owner, Slot{hm(d, 0, 0), hm(d, 0, 0).Add(time.Duration(perDay) * time.Hour), 1 + rng.Intn(3)})
	}
	cands := Candidates(owner, time.Hour)
	inv := make([][]Slot, n)
	for i := range inv {
		for w := 0; w < 1+rng.Intn(4); w++ {
			d, h := rng.Intn(10), rng.Intn(perDay)
			inv[i] = append(inv[i], Slot{hm(d, h, 0), hm(d, h, 0).Add(time.Duration(1+rng.Intn(8)) * time.Hour), 1 + rng.Intn(3)})
		}
	}
	return cands, inv
}

// BenchmarkSuggest100x500 is the acceptance target: 100 invitees, 500
// candidate blocks, 3 suggestions, under 50 ms.
func BenchmarkSuggest100x500(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	cands, inv := randomCalendar(rng, 100, 500)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := Suggest(cands, inv, 3); len(got) != 3 {
			b.Fatalf("%d suggestions", len(got))
		}
	}
}

type rank struct{ count, score, earliness int }

func better(a, b rank) bool {
	if a.count != b.count {
		return a.count > b.count
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return a.earliness < b.earliness
}

// bruteSuggest ranks every schedule by (invitees, score, earliness).
func bruteSuggest(cands []Candidate, inv [][]Slot) []rank {
	var out []rank
	eachMatching(len(inv), len(cands), rank{}, func(r rank, i, c int) (rank, bool) {
		cand, best := cands[c], 0
		for _, s := range inv[i] {
			if !cand.Start.Before(s.Start) && !cand.End.After(s.End) && s.Pref > best {
				best = s.Pref
			}
		}
		return rank{r.count + 1, r.score + cand.OwnerPref + best, r.earliness + c}, best > 0
	}, func(r rank) { out = append(out, r) })
	for i := 1; i < len(out); i++ { // insertion sort, best first
		for j := i; j > 0 && better(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestSuggestAgainstBruteForce: thousands of random calendars up to 7
// invitees and 10 candidates; the k best (count, score, earliness) agree.
func TestSuggestAgainstBruteForce(t *testing.T) {
	randomInstances(42, 2000, func(it int, rng *rand.Rand) {
		n, blocks := rng.Intn(8), rng.Intn(11)
		var owner []Slot
		for b := 0; b < blocks; b++ {
			owner = append(owner, Slot{hm(0, 8+b, 0), hm(0, 9+b, 0), 1 + rng.Intn(3)})
		}
		cands := Candidates(owner, time.Hour)
		inv := make([][]Slot, n)
		for i := range inv {
			for w := 0; w < rng.Intn(3); w++ {
				h := 8 + rng.Intn(11)
				inv[i] = append(inv[i], Slot{hm(0, h, 0), hm(0, h+1+rng.Intn(4), 0), 1 + rng.Intn(3)})
			}
		}
		k := 1 + rng.Intn(4)
		got := Suggest(cands, inv, k)
		want := bruteSuggest(cands, inv)
		want = want[:min(k, len(want))]
		if len(got) != len(want) {
			t.Fatalf("instance %d: %d suggestions, want %d", it, len(got), len(want))
		}
		for j, s := range got {
			r := rank{s.Scheduled, s.Score, 0}
			for _, mt := range s.Meetings {
				r.earliness += mt.Candidate
			}
			if r != want[j] {
				t.Fatalf("instance %d, suggestion %d: %+v, brute force %+v", it, j, r, want[j])
			}
		}
	})
}
