package store

import (
	"context"
	"database/sql"
	"slices"
	"sync"
)

// prepared returns the cached prepared statement of query, bound to the
// transaction when there is one, or nil to send the text.
func (q *Q) prepared(ctx context.Context, query string) *sql.Stmt {
	if q.stmts == nil {
		return nil
	}
	if q.tx == nil {
		return q.stmts.prepare(ctx, query)
	}
	// Preparing on the database would wait for a connection, and on SQLite
	// the transaction holds the only one: use what is cached, and cache the
	// rest once the transaction is over.
	st, ok := q.stmts.lookup(query)
	if !ok {
		if st == nil && !slices.Contains(q.unprepared, query) {
			q.unprepared = append(q.unprepared, query)
		}
		return nil
	}
	return q.tx.StmtContext(ctx, st)
}

// stmtCache keeps prepared statements by query text. The SQLite driver
// parses and plans every statement it is given anew, which costs more than
// running the small queries of a request; a prepared *sql.Stmt is prepared
// once per connection and reused. Query texts with a variable number of
// placeholders could be endless, so the cache stops growing at a bound.
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

const maxCachedStatements = 512

// lookup returns the cached statement of query; ok is false when it is not
// cached and there is room for it.
func (c *stmtCache) lookup(query string) (st *sql.Stmt, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st, ok = c.stmts[query]
	return st, ok || len(c.stmts) >= maxCachedStatements
}

// prepare returns the cached statement of query, preparing it on the pool
// first if need be; nil when the cache is full or preparing failed.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.lookup(query); ok {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared; the error shows there
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have, ok := c.stmts[query]; ok {
		st.Close()
		return have
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}
