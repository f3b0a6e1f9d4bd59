package store

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// AuthToken is a user's one DRF-style token, without the key itself.
type AuthToken struct {
	UserID    int64
	KeyHash   string
	Seed      string
	CreatedAt time.Time
}

// TokenOf returns the user's token row.
func (q *Q) TokenOf(ctx context.Context, userID int64) (*AuthToken, error) {
	t := &AuthToken{}
	err := q.row(ctx, "SELECT user_id, key_hash, seed, created_at FROM auth_tokens WHERE user_id = ?", userID).
		Scan(&t.UserID, &t.KeyHash, &t.Seed, scanTime(&t.CreatedAt))
	return t, one(err)
}

// PutToken stores the user's token, replacing any previous one.
func (q *Q) PutToken(ctx context.Context, t AuthToken) error {
	_, err := q.exec(ctx, `INSERT INTO auth_tokens (user_id, key_hash, seed, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET key_hash = excluded.key_hash, seed = excluded.seed, created_at = excluded.created_at`,
		t.UserID, t.KeyHash, t.Seed, t.CreatedAt)
	return err
}

// DeleteToken removes the user's token.
func (q *Q) DeleteToken(ctx context.Context, userID int64) error {
	_, err := q.exec(ctx, "DELETE FROM auth_tokens WHERE user_id = ?", userID)
	return err
}

// UserByTokenHash finds the owner of a token.
func (q *Q) UserByTokenHash(ctx context.Context, keyHash string) (*domain.User, error) {
	return q.user(ctx, "SELECT "+userColumns+" FROM auth_tokens t JOIN users u ON u.id = t.user_id WHERE t.key_hash = ?", keyHash)
}

// PasswordReset is one emailed reset token, stored by hash.
type PasswordReset struct {
	ID        int64
	UserID    int64
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// CreatePasswordReset stores a reset token hash.
func (q *Q) CreatePasswordReset(ctx context.Context, userID int64, tokenHash string, expires, now time.Time) error {
	_, err := q.exec(ctx, "INSERT INTO password_resets (user_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?)",
		userID, tokenHash, expires, now)
	return err
}

// PasswordResetByHash finds a reset token.
func (q *Q) PasswordResetByHash(ctx context.Context, tokenHash string) (*PasswordReset, error) {
	p := &PasswordReset{}
	err := q.row(ctx, "SELECT id, user_id, expires_at, used_at FROM password_resets WHERE token_hash = ?", tokenHash).
		Scan(&p.ID, &p.UserID, scanTime(&p.ExpiresAt), scanNullTime(&p.UsedAt))
	return p, one(err)
}

// ConsumePasswordReset marks one reset token used, and reports whether this
// call was the one that did it.
func (q *Q) ConsumePasswordReset(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.affected(ctx, "UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL", now, id)
	return n == 1, err
}

// UsePasswordResets marks every unused reset token of the user as used, so a
// token works once and a successful reset retires the others.
func (q *Q) UsePasswordResets(ctx context.Context, userID int64, now time.Time) error {
	_, err := q.exec(ctx, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", now, userID)
	return err
}

// Secret returns a server secret by name.
func (q *Q) Secret(ctx context.Context, name string) (string, error) {
	var v string
	err := q.row(ctx, "SELECT value FROM server_secrets WHERE name = ?", name).Scan(&v)
	return v, one(err)
}

// PutSecretIfAbsent stores value under name unless a value is there already,
// and returns the value that is stored.
func (q *Q) PutSecretIfAbsent(ctx context.Context, name, value string) (string, error) {
	if _, err := q.exec(ctx, "INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, value); err != nil {
		return "", err
	}
	return q.Secret(ctx, name)
}
