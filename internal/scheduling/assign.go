package scheduling

import (
	"container/heap"
	"math"
	"sync/atomic"
)

// Forbidden is the weight of a pairing that may not happen.
const Forbidden = math.MinInt64

const inf = int64(1) << 60

// Assignment is one way to pair rows with columns: Col[r] is the column of
// row r, or -1 when the row is left out.
type Assignment struct {
	Col    []int
	Weight int64
}

// KBestAssignments returns up to k distinct assignments of rows to columns,
// best first, by total weight. w[r][c] is the weight of pairing row r with
// column c (or Forbidden); a row may be left out (weight 0), and no column
// takes two rows. Distinct means a different set of pairs.
//
// The best assignment comes from the Hungarian algorithm (shortest
// augmenting paths with potentials, on a rectangular matrix where each row
// has a private "left out" column). The next ones come from Murty's
// partitioning. A Murty child differs from its parent only in that one row
// loses its column; its optimum is the parent's plus one alternating path
// through that row and that column, which two searches with the parent's
// potentials find (see child). Only the few nodes that are partitioned in
// turn are solved from scratch, for their potentials.
func KBestAssignments(w [][]int64, cols, k int) []Assignment {
	if k <= 0 {
		return nil
	}
	p := newProblem(w, cols)
	root := p.root()
	p.solve(root)
	out := []Assignment{p.assignment(root)}
	q := &nodeQueue{}
	for cur := root; len(out) < k; {
		for _, c := range p.partition(cur) {
			heap.Push(q, c)
		}
		if q.Len() == 0 {
			break
		}
		cur = heap.Pop(q).(*node)
		if len(out)+1 < k {
			// It will be partitioned, which needs its potentials. Solving
			// it may pick another assignment of the same weight; that one
			// is then both returned and excluded from its children.
			p.solve(cur)
		}
		out = append(out, p.assignment(cur))
	}
	return out
}

// problem is the minimisation: n rows, m real columns, then n "left out"
// columns, column m+r private to row r.
type problem struct {
	n, m, width int
	cost        []int64 // row-major n x width; inf = impossible
}

// childFallbacks counts children whose fast evaluation had to be redone
// from scratch; tests expect none.
var childFallbacks atomic.Int64

func newProblem(w [][]int64, cols int) *problem {
	n := len(w)
	p := &problem{n: n, m: cols, width: cols + n}
	p.cost = make([]int64, n*p.width)
	for r := 0; r < n; r++ {
		row := p.cost[r*p.width : (r+1)*p.width]
		for c := range row {
			row[c] = inf
		}
		for c := 0; c < cols; c++ {
			if w[r][c] != Forbidden {
				row[c] = -w[r][c]
			}
		}
		row[cols+r] = 0
	}
	return p
}

// node is a Murty subproblem: some rows' pairings are fixed, some pairings
// banned, and its best assignment. u and v are its optimal potentials, set
// only once it has been solved from scratch.
type node struct {
	colOf  []int // row -> column
	fixed  []bool
	banned [][]int32
	weight int64
	u, v   []int64
}

func (p *problem) root() *node {
	return &node{colOf: make([]int, p.n), fixed: make([]bool, p.n), banned: make([][]int32, p.n)}
}

// c is the cost of pairing row r with column j in nd's subproblem.
func (p *problem) c(nd *node, r, j int) int64 {
	for _, b := range nd.banned[r] {
		if int(b) == j {
			return inf
		}
	}
	return p.cost[r*p.width+j]
}

// solve finds nd's best assignment and potentials from scratch, keeping the
// fixed rows' pairings: one shortest augmenting path per free row. The
// potentials end up dual-optimal: reduced costs c - u - v are never
// negative, zero on pairs in use, v is never positive and zero on free
// columns.
func (p *problem) solve(nd *node) {
	W := p.width
	u := make([]int64, p.n+1) // 1-based rows
	v := make([]int64, W+1)   // 1-based columns
	rowOf := make([]int, W+1) // column -> row+1, 0 = free
	blocked := make([]bool, W+1)
	for r := 0; r < p.n; r++ {
		if nd.fixed[r] {
			blocked[nd.colOf[r]+1] = true
		}
	}
	minv := make([]int64, W+1)
	used := make([]bool, W+1)
	way := make([]int, W+1)
	for r := 0; r < p.n; r++ {
		if nd.fixed[r] {
			continue
		}
		for j := range minv {
			minv[j], used[j] = inf, false
		}
		rowOf[0] = r + 1
		j0 := 0
		for {
			used[j0] = true
			i0 := rowOf[j0] - 1
			delta, j1 := inf, -1
			for j := 1; j <= W; j++ {
				if used[j] || blocked[j] {
					continue
				}
				if cst := p.c(nd, i0, j-1); cst < inf {
					if cur := cst - u[i0+1] - v[j]; cur < minv[j] {
						minv[j], way[j] = cur, j0
					}
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			// Always found: the row's private column is free or on the path.
			for j := 0; j <= W; j++ {
				if used[j] {
					u[rowOf[j]] += delta
					v[j] -= delta
				} else if minv[j] < inf {
					minv[j] -= delta
				}
			}
			j0 = j1
			if rowOf[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			rowOf[j0] = rowOf[j1]
			j0 = j1
		}
	}
	nd.u = make([]int64, p.n)
	nd.v = make([]int64, W)
	for r := 0; r < p.n; r++ {
		nd.u[r] = u[r+1]
	}
	for j := 0; j < W; j++ {
		nd.v[j] = v[j+1]
		if r := rowOf[j+1]; r != 0 {
			nd.colOf[r-1] = j
		}
	}
	nd.weight = p.weight(nd.colOf)
}

func (p *problem) weight(colOf []int) int64 {
	var w int64
	for r, j := range colOf {
		if j < p.m {
			w -= p.cost[r*p.width+j]
		}
	}
	return w
}

// partition splits the rest of nd's subproblem into Murty children: child t
// keeps the pairings of the free rows before t and bans row t's pairing.
func (p *problem) partition(nd *node) []*node {
	var out []*node
	fixed := append([]bool(nil), nd.fixed...)
	blocked := make([]bool, p.width)
	rowOf := make([]int, p.width)
	for j := range rowOf {
		rowOf[j] = -1
	}
	for r, j := range nd.colOf {
		rowOf[j] = r
		if fixed[r] {
			blocked[j] = true
		}
	}
	for r := 0; r < p.n; r++ {
		if fixed[r] {
			continue
		}
		ch := &node{fixed: append([]bool(nil), fixed...), banned: make([][]int32, p.n)}
		copy(ch.banned, nd.banned)
		ch.banned[r] = append(append([]int32(nil), nd.banned[r]...), int32(nd.colOf[r]))
		if p.child(nd, ch, r, rowOf, blocked) {
			out = append(out, ch)
		}
		fixed[r] = true
		blocked[nd.colOf[r]] = true
	}
	return out
}

// child computes the best assignment of ch, which is nd with row r's
// pairing (r, ct) banned and the rows in ch.fixed kept.
//
// With nd's optimal potentials the change in cost is the sum of reduced
// costs along one alternating path (or cycle) through r and ct, plus -v of
// the column it frees at the far end. Either the path leaves r and ends at
// ct (a cycle), or it has a forward half from r to a free column and a
// backward half that moves rows into ct, ending at the column the last one
// leaves. The two halves are searched separately: if the best two happen to
// share a row, the cycle through that row costs no more, so the cheaper of
// "best cycle" and "best forward + best backward" is always feasible and
// optimal.
func (p *problem) child(nd, ch *node, r int, rowOf []int, blocked []bool) bool {
	ct := nd.colOf[r]
	u, v := nd.u, nd.v
	n, W := p.n, p.width
	allowed := func(i, j int) int64 { // reduced cost in ch, or inf
		if blocked[j] || ch.fixed[i] {
			return inf
		}
		cst := p.c(ch, i, j)
		if cst >= inf {
			return inf
		}
		return cst - u[i] - v[j]
	}

	// Backward: rows move into ct, each freeing its column, until one is
	// left free (cost -v of it, v <= 0). Dijkstra over rows, O(n^2).
	bestB, endB := -v[ct], ct
	rows := newLabels(n) // via: the column a row moves into
	relaxInto := func(j int, dj int64) {
		for i := 0; i < n; i++ {
			if i == r || nd.colOf[i] == j {
				continue
			}
			if rc := allowed(i, j); rc < inf {
				rows.relax(i, dj+rc, j)
			}
		}
	}
	relaxInto(ct, 0)
	for {
		i, di := rows.closest()
		if i < 0 || di >= bestB {
			break
		}
		rows.done[i] = true
		pc := nd.colOf[i]
		if di-v[pc] < bestB {
			bestB, endB = di-v[pc], pc
		}
		relaxInto(pc, di)
	}

	// Forward: r takes a column, whose row takes another, ... until a free
	// column (then add the backward half) or ct (a cycle). Dijkstra over
	// columns, O(n W).
	cols := newLabels(W) // via: the row that takes the column
	relaxFrom := func(i int, di int64) {
		for j := 0; j < W; j++ {
			if rc := allowed(i, j); rc < inf {
				cols.relax(j, di+rc, i)
			}
		}
	}
	relaxFrom(r, 0)
	best, endF, cycle := inf, -1, false
	for {
		j, dj := cols.closest()
		if j < 0 || dj > best {
			break
		}
		cols.done[j] = true
		switch {
		case j == ct:
			if dj <= best { // on a tie the cycle is always feasible
				best, endF, cycle = dj, j, true
			}
		case rowOf[j] < 0:
			if dj+bestB < best {
				best, endF, cycle = dj+bestB, j, false
			}
		default:
			relaxFrom(rowOf[j], dj)
		}
	}
	if endF < 0 || best >= inf/2 {
		return false
	}

	col := append([]int(nil), nd.colOf...)
	for j := endF; ; {
		i := cols.via[j]
		prev := nd.colOf[i]
		col[i] = j
		if i == r {
			break
		}
		j = prev
	}
	if !cycle {
		for j := endB; j != ct; {
			i := rowOf[j] // the row that held j moves to rows.via[i]
			col[i] = rows.via[i]
			j = rows.via[i]
		}
	}
	ch.colOf = col
	ch.weight = nd.weight - best
	if !p.valid(ch) {
		// Not expected (see above); solve it the slow way rather than
		// return a wrong assignment.
		childFallbacks.Add(1)
		ch.colOf = append([]int(nil), nd.colOf...)
		p.solve(ch)
	}
	return ch.weight > -inf/2
}

// labels are a Dijkstra search's tentative distances to k nodes, the node
// each came through, and which are settled.
type labels struct {
	d    []int64
	via  []int
	done []bool
}

func newLabels(k int) labels {
	l := labels{d: make([]int64, k), via: make([]int, k), done: make([]bool, k)}
	for x := range l.d {
		l.d[x] = inf
	}
	return l
}

// relax lowers x's distance to d, through via, unless x is settled or
// already as close.
func (l labels) relax(x int, d int64, via int) {
	if !l.done[x] && d < l.d[x] {
		l.d[x], l.via[x] = d, via
	}
}

// closest is the unsettled node at the least distance below inf, or -1.
func (l labels) closest() (int, int64) {
	x, dx := -1, inf
	for i, d := range l.d {
		if !l.done[i] && d < dx {
			x, dx = i, d
		}
	}
	return x, dx
}

// valid reports whether nd's assignment is a matching within its
// constraints and its weight adds up.
func (p *problem) valid(nd *node) bool {
	seen := make([]bool, p.width)
	for r, j := range nd.colOf {
		if j < 0 || j >= p.width || seen[j] || p.c(nd, r, j) >= inf {
			return false
		}
		seen[j] = true
	}
	return p.weight(nd.colOf) == nd.weight
}

func (p *problem) assignment(nd *node) Assignment {
	a := Assignment{Col: make([]int, p.n), Weight: nd.weight}
	for r, c := range nd.colOf {
		if c >= p.m {
			c = -1
		}
		a.Col[r] = c
	}
	return a
}

type nodeQueue []*node

func (q nodeQueue) Len() int           { return len(q) }
func (q nodeQueue) Less(i, j int) bool { return q[i].weight > q[j].weight }
func (q nodeQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)        { *q = append(*q, x.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
