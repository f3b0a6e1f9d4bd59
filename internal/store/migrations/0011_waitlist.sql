-- The waitlist of full group sessions: people who asked for a seat when none
-- was left, first come, first served (by id, which grows in the order the
-- entries were made under the session's lock). When a seat frees, the
-- first entry becomes a participant in the same transaction. The unique
-- key refuses a second entry for the same person; that nobody is both
-- seated and waiting is kept by the session's lock (every change of seats
-- or waitlist takes it first: on PostgreSQL the session's row lock, SELECT
-- ... FOR NO KEY UPDATE; on SQLite the database's write lock).
CREATE TABLE group_waitlist (
    id         {{.ID}},
    session_id {{.Ref}}  NOT NULL REFERENCES group_sessions (id) ON DELETE CASCADE,
    user_id    {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT      NOT NULL DEFAULT 'student' CHECK (role IN ('student', 'tutor')),
    added_at   {{.Time}} NOT NULL
);
CREATE UNIQUE INDEX group_waitlist_session_id_user_id_key ON group_waitlist (session_id, user_id);
CREATE INDEX group_waitlist_order ON group_waitlist (session_id, id);
CREATE INDEX group_waitlist_user ON group_waitlist (user_id);
