package scheduling

import (
	"math/rand"
	"sort"
	"testing"
)

// eachMatching enumerates every way to give each of rows a distinct column
// below cols, or none, for the brute-force checks. It starts from the state
// start; step gives the state after row r takes column c, and whether it
// may; fn gets the final state of each way.
func eachMatching[S any](rows, cols int, start S, step func(s S, r, c int) (S, bool), fn func(S)) {
	used := make([]bool, cols)
	var rec func(r int, s S)
	rec = func(r int, s S) {
		if r == rows {
			fn(s)
			return
		}
		rec(r+1, s) // left out
		for c := 0; c < cols; c++ {
			if used[c] {
				continue
			}
			if next, ok := step(s, r, c); ok {
				used[c] = true
				rec(r+1, next)
				used[c] = false
			}
		}
	}
	rec(0, start)
}

// bruteForce lists the weights of every assignment (each row to a distinct
// column or left out), best first.
func bruteForce(w [][]int64, cols int) []int64 {
	var out []int64
	eachMatching(len(w), cols, int64(0), func(total int64, r, c int) (int64, bool) {
		return total + w[r][c], w[r][c] != Forbidden
	}, func(total int64) { out = append(out, total) })
	sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
	return out
}

func randomMatrix(rng *rand.Rand, n, m int, density float64, maxW int64) [][]int64 {
	w := make([][]int64, n)
	for r := range w {
		w[r] = make([]int64, m)
		for c := range w[r] {
			if rng.Float64() < density {
				w[r][c] = 1 + rng.Int63n(maxW)
			} else {
				w[r][c] = Forbidden
			}
		}
	}
	return w
}

func checkAssignment(t *testing.T, w [][]int64, cols int, a Assignment) {
	t.Helper()
	seen := map[int]bool{}
	var total int64
	for r, c := range a.Col {
		if c < 0 {
			continue
		}
		if c >= cols || w[r][c] == Forbidden || seen[c] {
			t.Fatalf("invalid pair row %d col %d in %v", r, c, a.Col)
		}
		seen[c] = true
		total += w[r][c]
	}
	if total != a.Weight {
		t.Fatalf("weight %d, pairs sum to %d", a.Weight, total)
	}
}

// randomInstances calls fn for n random instances (a tenth of them under
// -short), numbered from 0, all drawing on one generator seeded with seed.
func randomInstances(seed int64, n int, fn func(i int, rng *rand.Rand)) {
	rng := rand.New(rand.NewSource(seed))
	if testing.Short() {
		n /= 10
	}
	for i := 0; i < n; i++ {
		fn(i, rng)
	}
}

// TestKBestAgainstBruteForce compares the k best weights with exhaustive
// search on thousands of random instances up to 7 rows and 10 columns.
func TestKBestAgainstBruteForce(t *testing.T) {
	randomInstances(20261123, 3000, func(i int, rng *rand.Rand) {
		n, m := rng.Intn(8), rng.Intn(11)
		maxW := []int64{1, 3, 10, 1000}[rng.Intn(4)] // small ranges make many ties
		w := randomMatrix(rng, n, m, 0.2+0.8*rng.Float64(), maxW)
		k := 1 + rng.Intn(5)
		got := KBestAssignments(w, m, k)
		want := bruteForce(w, m)
		want = want[:min(k, len(want))]
		if len(got) != len(want) {
			t.Fatalf("instance %d (%dx%d, k=%d): %d assignments, brute force %d", i, n, m, k, len(got), len(want))
		}
		distinct := map[string]bool{}
		for j, a := range got {
			checkAssignment(t, w, m, a)
			if a.Weight != want[j] {
				t.Fatalf("instance %d (%dx%d): assignment %d weighs %d, brute force %d\nw=%v\ngot=%v\nwant=%v", i, n, m, j, a.Weight, want[j], w, got, want)
			}
			key := ""
			for _, c := range a.Col {
				key += string(rune(c + 2))
			}
			if distinct[key] {
				t.Fatalf("instance %d: assignment %v returned twice", i, a.Col)
			}
			distinct[key] = true
		}
	})
}

func TestNoSlowFallbacks(t *testing.T) {
	before := childFallbacks.Load()
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 2000; i++ {
		n, m := rng.Intn(12), rng.Intn(15)
		KBestAssignments(randomMatrix(rng, n, m, rng.Float64(), 1+rng.Int63n(5)), m, 1+rng.Intn(6))
	}
	if n := childFallbacks.Load() - before; n != 0 {
		t.Fatalf("%d children needed the slow path", n)
	}
}

func TestKBestEdgeCases(t *testing.T) {
	if got := KBestAssignments(nil, 5, 3); len(got) != 1 || got[0].Weight != 0 {
		t.Fatalf("no rows: %+v", got)
	}
	w := [][]int64{{Forbidden, Forbidden}, {Forbidden, Forbidden}}
	got := KBestAssignments(w, 2, 3)
	if len(got) != 1 || got[0].Col[0] != -1 || got[0].Col[1] != -1 {
		t.Fatalf("nothing possible: %+v", got)
	}
	// More rows than columns.
	w = [][]int64{{5}, {7}, {6}}
	got = KBestAssignments(w, 1, 3)
	if got[0].Weight != 7 || got[1].Weight != 6 || got[2].Weight != 5 {
		t.Fatalf("3 rows, 1 column: %+v", got)
	}
}

func FuzzKBest(f *testing.F) {
	f.Add(int64(1), uint8(4), uint8(6), uint8(3))
	f.Add(int64(7), uint8(7), uint8(2), uint8(5))
	f.Fuzz(func(t *testing.T, seed int64, nb, mb, kb uint8) {
		n, m, k := int(nb%8), int(mb%11), 1+int(kb%6)
		rng := rand.New(rand.NewSource(seed))
		w := randomMatrix(rng, n, m, rng.Float64(), 1+rng.Int63n(50))
		got := KBestAssignments(w, m, k)
		want := bruteForce(w, m)
		want = want[:min(k, len(want))]
		if len(got) != len(want) {
			t.Fatalf("%d assignments, want %d", len(got), len(want))
		}
		for j, a := range got {
			checkAssignment(t, w, m, a)
			if a.Weight != want[j] {
				t.Fatalf("assignment %d weighs %d, want %d", j, a.Weight, want[j])
			}
		}
	})
}
