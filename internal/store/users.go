package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// userCols lists a user's columns under a table alias, in scanUser's order.
func userCols(alias string) string {
	cols := []string{"id", "username", "email", "password", "first_name", "last_name", "phone_number", "profile_photo",
		"timezone", "is_mentor", "is_mentee", "is_active", "is_staff", "is_superuser", "date_joined", "last_login", "credential_epoch"}
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

var userColumns = userCols("u")

// userDest is where the columns of userCols scan to.
func userDest(u *domain.User) []any {
	return []any{&u.ID, &u.Username, &u.Email, &u.PasswordHash, &u.FirstName, &u.LastName, &u.PhoneNumber,
		&u.ProfilePhoto, &u.Timezone, &u.IsMentor, &u.IsMentee, &u.IsActive, &u.IsStaff, &u.IsSuperuser,
		scanTime(&u.DateJoined), scanNullTime(&u.LastLogin), &u.CredentialEpoch}
}

func scanUser(sc scanner, u *domain.User, extra ...any) error {
	return sc.Scan(append(userDest(u), extra...)...)
}

// user reads one user by a query selecting userColumns.
func (q *Q) user(ctx context.Context, query string, args ...any) (*domain.User, error) {
	return get(ctx, q, userDest, query, args...)
}

// CreateUser inserts u, sets its ID, and creates its notification settings
// with every flag on.
func (q *Q) CreateUser(ctx context.Context, u *domain.User) error {
	err := q.row(ctx, `INSERT INTO users (username, email, password, first_name, last_name, phone_number,
		profile_photo, timezone, is_mentor, is_mentee, is_active, is_staff, is_superuser, date_joined)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.Email, u.PasswordHash, u.FirstName, u.LastName, u.PhoneNumber, u.ProfilePhoto,
		u.Timezone, u.IsMentor, u.IsMentee, u.IsActive, u.IsStaff, u.IsSuperuser, u.DateJoined).Scan(&u.ID)
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, "INSERT INTO notification_settings (user_id) VALUES (?)", u.ID)
	return err
}

// UpdateUser writes every mutable column of u.
func (q *Q) UpdateUser(ctx context.Context, u *domain.User) error {
	_, err := q.exec(ctx, `UPDATE users SET username = ?, email = ?, first_name = ?, last_name = ?,
		phone_number = ?, profile_photo = ?, timezone = ?, is_mentor = ?, is_mentee = ?, is_active = ?,
		is_staff = ?, is_superuser = ? WHERE id = ?`,
		u.Username, u.Email, u.FirstName, u.LastName, u.PhoneNumber, u.ProfilePhoto, u.Timezone,
		u.IsMentor, u.IsMentee, u.IsActive, u.IsStaff, u.IsSuperuser, u.ID)
	return err
}

// SetPassword stores a new password hash.
func (q *Q) SetPassword(ctx context.Context, userID int64, hash string) error {
	_, err := q.exec(ctx, "UPDATE users SET password = ? WHERE id = ?", hash, userID)
	return err
}

// SetLastLogin records a successful login.
func (q *Q) SetLastLogin(ctx context.Context, userID int64, at time.Time) error {
	_, err := q.exec(ctx, "UPDATE users SET last_login = ? WHERE id = ?", at, userID)
	return err
}

// DeleteUser removes a user and, by cascade, everything that is theirs,
// first giving back the group-session seats they held.
func (q *Q) DeleteUser(ctx context.Context, userID int64) error {
	if _, err := q.exec(ctx, `UPDATE group_sessions SET taken = taken - 1
		WHERE id IN (SELECT session_id FROM group_participants WHERE user_id = ?)`, userID); err != nil {
		return err
	}
	_, err := q.exec(ctx, "DELETE FROM users WHERE id = ?", userID)
	return err
}

// UserByID finds a user by id.
func (q *Q) UserByID(ctx context.Context, id int64) (*domain.User, error) {
	return q.user(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = ?", id)
}

// LockUser reads a user and, on PostgreSQL, locks the row until the
// transaction ends; SQLite's write transaction is already exclusive.
func (q *Q) LockUser(ctx context.Context, id int64) (*domain.User, error) {
	query := "SELECT " + userColumns + " FROM users u WHERE u.id = ?"
	if q.s.engine == Postgres {
		query += " FOR UPDATE"
	}
	return q.user(ctx, query, id)
}

// UserByUsername finds a user by (lower-case) username.
func (q *Q) UserByUsername(ctx context.Context, username string) (*domain.User, error) {
	return q.user(ctx, "SELECT "+userColumns+" FROM users u WHERE u.username = ?", username)
}

// UserByEmail finds a user by e-mail address, ignoring case.
func (q *Q) UserByEmail(ctx context.Context, email string) (*domain.User, error) {
	return q.user(ctx, "SELECT "+userColumns+" FROM users u WHERE lower(u.email) = lower(?) AND u.email <> ''", email)
}

// UsernameTaken reports whether another user than exceptID has username.
func (q *Q) UsernameTaken(ctx context.Context, username string, exceptID int64) (bool, error) {
	return q.exists(ctx, "SELECT 1 FROM users WHERE username = ? AND id <> ?", username, exceptID)
}

// EmailTaken reports whether another user than exceptID has email, ignoring case.
func (q *Q) EmailTaken(ctx context.Context, email string, exceptID int64) (bool, error) {
	return q.exists(ctx, "SELECT 1 FROM users WHERE lower(email) = lower(?) AND email <> '' AND id <> ?", email, exceptID)
}

// PhoneTaken reports whether another user than exceptID has phone.
func (q *Q) PhoneTaken(ctx context.Context, phone string, exceptID int64) (bool, error) {
	return q.exists(ctx, "SELECT 1 FROM users WHERE phone_number = ? AND id <> ?", phone, exceptID)
}

func (q *Q) exists(ctx context.Context, query string, args ...any) (bool, error) {
	var one int
	err := q.row(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ListUsers returns every user, by id.
func (q *Q) ListUsers(ctx context.Context) ([]domain.User, error) {
	return list(ctx, q, userDest, "SELECT "+userColumns+" FROM users u ORDER BY u.id")
}
