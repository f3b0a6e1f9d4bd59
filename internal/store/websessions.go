package store

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// CreateWebSession stores a web sign-in by the hash of its token.
func (q *Q) CreateWebSession(ctx context.Context, userID int64, tokenHash string, now, expires time.Time) error {
	_, err := q.exec(ctx, "INSERT INTO web_sessions (user_id, token_hash, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		userID, tokenHash, now, now, expires)
	return err
}

// UserByWebSession finds the user of a web sign-in that has not expired
// at now, and when it was last seen.
func (q *Q) UserByWebSession(ctx context.Context, tokenHash string, now time.Time) (*domain.User, time.Time, error) {
	u := &domain.User{}
	var seen time.Time
	err := scanUser(q.row(ctx, "SELECT "+userColumns+", w.seen_at FROM web_sessions w JOIN users u ON u.id = w.user_id WHERE w.token_hash = ? AND w.expires_at > ?",
		tokenHash, now), u, scanTime(&seen))
	return u, seen, one(err)
}

// TouchWebSession records that a sign-in was used and moves its expiry.
func (q *Q) TouchWebSession(ctx context.Context, tokenHash string, now, expires time.Time) error {
	_, err := q.exec(ctx, "UPDATE web_sessions SET seen_at = ?, expires_at = ? WHERE token_hash = ?", now, expires, tokenHash)
	return err
}

// DeleteWebSession ends one sign-in.
func (q *Q) DeleteWebSession(ctx context.Context, tokenHash string) error {
	_, err := q.exec(ctx, "DELETE FROM web_sessions WHERE token_hash = ?", tokenHash)
	return err
}

// DeleteWebSessionsOf ends every sign-in of a user (but keep, when not "",
// the one with that hash).
func (q *Q) DeleteWebSessionsOf(ctx context.Context, userID int64, keepHash string) error {
	_, err := q.exec(ctx, "DELETE FROM web_sessions WHERE user_id = ? AND token_hash <> ?", userID, keepHash)
	return err
}

// PurgeWebSessions deletes the sign-ins expired before now.
func (q *Q) PurgeWebSessions(ctx context.Context, now time.Time) error {
	_, err := q.exec(ctx, "DELETE FROM web_sessions WHERE expires_at <= ?", now)
	return err
}
