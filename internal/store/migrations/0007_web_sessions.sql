-- Sign-ins of the web app: the cookie holds a random token, the table only
-- its SHA-256, like every other credential. The id is not the other tables'
-- .ID but as this migration was first written: a BIGSERIAL, and on SQLite a
-- plain rowid (no AUTOINCREMENT, so a deleted row's id may come back;
-- nothing keeps one).
CREATE TABLE web_sessions (
    id {{if .Postgres}}BIGSERIAL{{else}}INTEGER{{end}} PRIMARY KEY,
    user_id {{.Ref}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{.Time}} NOT NULL,
    seen_at {{.Time}} NOT NULL,
    expires_at {{.Time}} NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
