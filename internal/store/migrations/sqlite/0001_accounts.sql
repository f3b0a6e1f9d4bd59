-- Times are fixed-width UTC text (2006-01-02T15:04:05.000000Z) so they order
-- and compare correctly as strings; booleans are 0/1.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL,
    email         TEXT    NOT NULL DEFAULT '',
    password      TEXT    NOT NULL DEFAULT '',
    first_name    TEXT    NOT NULL DEFAULT '',
    last_name     TEXT    NOT NULL DEFAULT '',
    phone_number  TEXT,
    profile_photo TEXT,
    timezone      TEXT    NOT NULL DEFAULT 'UTC',
    is_mentor     INTEGER NOT NULL DEFAULT 0,
    is_mentee     INTEGER NOT NULL DEFAULT 0,
    is_active     INTEGER NOT NULL DEFAULT 1,
    is_staff      INTEGER NOT NULL DEFAULT 0,
    is_superuser  INTEGER NOT NULL DEFAULT 0,
    date_joined   TEXT    NOT NULL,
    last_login    TEXT
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email <> '';
CREATE UNIQUE INDEX users_phone_number_key ON users (phone_number) WHERE phone_number IS NOT NULL;
CREATE INDEX users_is_mentor ON users (id) WHERE is_mentor = 1;
CREATE INDEX users_is_mentee ON users (id) WHERE is_mentee = 1;

-- One DRF-style token per user. The key itself is never stored: it is derived
-- from seed with SECRET_KEY, and looked up by its SHA-256.
CREATE TABLE auth_tokens (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    key_hash   TEXT NOT NULL,
    seed       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX auth_tokens_key_hash_key ON auth_tokens (key_hash);

CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX password_resets_token_hash_key ON password_resets (token_hash);
CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE TABLE mentors (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    about_me    TEXT    NOT NULL DEFAULT '',
    team_number INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

-- Skills in the mentor's own order; name_key is the lower-cased name used for
-- matching and de-duplication.
CREATE TABLE mentor_skills (
    mentor_id INTEGER NOT NULL REFERENCES mentors (user_id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    name_key  TEXT    NOT NULL,
    PRIMARY KEY (mentor_id, position)
);
CREATE UNIQUE INDEX mentor_skills_mentor_id_name_key_key ON mentor_skills (mentor_id, name_key);
CREATE INDEX mentor_skills_name_key ON mentor_skills (name_key);

CREATE TABLE mentees (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    team_number INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE notification_settings (
    user_id              INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    session_requested    INTEGER NOT NULL DEFAULT 1,
    session_confirmed    INTEGER NOT NULL DEFAULT 1,
    session_canceled     INTEGER NOT NULL DEFAULT 1,
    fifteen_minute_alert INTEGER NOT NULL DEFAULT 1,
    sixty_minute_alert   INTEGER NOT NULL DEFAULT 1
);

-- Server-wide secrets kept with the data (the DEBUG signing key).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Durable jobs: emails and other deliveries, written in the same transaction
-- as the change that causes them and run by the delivery worker.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    dedupe_key   TEXT,
    payload      TEXT    NOT NULL,
    sensitive    INTEGER NOT NULL DEFAULT 0,
    due_at       TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    locked_by    TEXT,
    done_at      TEXT,
    failed_at    TEXT,
    last_error   TEXT,
    created_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX outbox_dedupe_key_key ON outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX outbox_pending ON outbox (due_at) WHERE done_at IS NULL AND failed_at IS NULL;
