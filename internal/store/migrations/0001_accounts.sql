-- On SQLite, times are fixed-width UTC text (2006-01-02T15:04:05.000000Z) so
-- they order and compare correctly as strings, and booleans are 0/1.
CREATE TABLE users (
    id            {{.ID}},
    username      TEXT      NOT NULL,
    email         TEXT      NOT NULL DEFAULT '',
    password      TEXT      NOT NULL DEFAULT '',
    first_name    TEXT      NOT NULL DEFAULT '',
    last_name     TEXT      NOT NULL DEFAULT '',
    phone_number  TEXT,
    profile_photo TEXT,
    timezone      TEXT      NOT NULL DEFAULT 'UTC',
    is_mentor     {{.Bool}} NOT NULL DEFAULT {{.False}},
    is_mentee     {{.Bool}} NOT NULL DEFAULT {{.False}},
    is_active     {{.Bool}} NOT NULL DEFAULT {{.True}},
    is_staff      {{.Bool}} NOT NULL DEFAULT {{.False}},
    is_superuser  {{.Bool}} NOT NULL DEFAULT {{.False}},
    date_joined   {{.Time}} NOT NULL,
    last_login    {{.Time}}
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email <> '';
CREATE UNIQUE INDEX users_phone_number_key ON users (phone_number) WHERE phone_number IS NOT NULL;
{{- if .Postgres}}
CREATE INDEX users_is_mentor ON users (id) WHERE is_mentor;
CREATE INDEX users_is_mentee ON users (id) WHERE is_mentee;
{{- else}}
CREATE INDEX users_is_mentor ON users (id) WHERE is_mentor = 1;
CREATE INDEX users_is_mentee ON users (id) WHERE is_mentee = 1;
{{- end}}

-- One DRF-style token per user. The key itself is never stored: it is derived
-- from seed with SECRET_KEY, and looked up by its SHA-256.
CREATE TABLE auth_tokens (
    user_id    {{.Ref}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    key_hash   TEXT      NOT NULL,
    seed       TEXT      NOT NULL,
    created_at {{.Time}} NOT NULL
);
CREATE UNIQUE INDEX auth_tokens_key_hash_key ON auth_tokens (key_hash);

CREATE TABLE password_resets (
    id         {{.ID}},
    user_id    {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT      NOT NULL,
    expires_at {{.Time}} NOT NULL,
    used_at    {{.Time}},
    created_at {{.Time}} NOT NULL
);
CREATE UNIQUE INDEX password_resets_token_hash_key ON password_resets (token_hash);
CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE TABLE mentors (
    user_id     {{.Ref}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    about_me    TEXT      NOT NULL DEFAULT '',
    team_number INTEGER   NOT NULL DEFAULT 0,
    created_at  {{.Time}} NOT NULL,
    updated_at  {{.Time}} NOT NULL
);

-- Skills in the mentor's own order; name_key is the lower-cased name used for
-- matching and de-duplication.
CREATE TABLE mentor_skills (
    mentor_id {{.Ref}} NOT NULL REFERENCES mentors (user_id) ON DELETE CASCADE,
    position  INTEGER  NOT NULL,
    name      TEXT     NOT NULL,
    name_key  TEXT     NOT NULL,
    PRIMARY KEY (mentor_id, position)
);
CREATE UNIQUE INDEX mentor_skills_mentor_id_name_key_key ON mentor_skills (mentor_id, name_key);
CREATE INDEX mentor_skills_name_key ON mentor_skills (name_key);

CREATE TABLE mentees (
    user_id     {{.Ref}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    team_number INTEGER   NOT NULL DEFAULT 0,
    created_at  {{.Time}} NOT NULL,
    updated_at  {{.Time}} NOT NULL
);

CREATE TABLE notification_settings (
    user_id              {{.Ref}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    session_requested    {{.Bool}} NOT NULL DEFAULT {{.True}},
    session_confirmed    {{.Bool}} NOT NULL DEFAULT {{.True}},
    session_canceled     {{.Bool}} NOT NULL DEFAULT {{.True}},
    fifteen_minute_alert {{.Bool}} NOT NULL DEFAULT {{.True}},
    sixty_minute_alert   {{.Bool}} NOT NULL DEFAULT {{.True}}
);

-- Server-wide secrets kept with the data (the DEBUG signing key).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Durable jobs: emails and other deliveries, written in the same transaction
-- as the change that causes them and run by the delivery worker.
CREATE TABLE outbox (
    id           {{.ID}},
    kind         TEXT      NOT NULL,
    dedupe_key   TEXT,
    payload      TEXT      NOT NULL,
    sensitive    {{.Bool}} NOT NULL DEFAULT {{.False}},
    due_at       {{.Time}} NOT NULL,
    attempts     INTEGER   NOT NULL DEFAULT 0,
    locked_until {{.Time}},
    locked_by    TEXT,
    done_at      {{.Time}},
    failed_at    {{.Time}},
    last_error   TEXT,
    created_at   {{.Time}} NOT NULL
);
CREATE UNIQUE INDEX outbox_dedupe_key_key ON outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX outbox_pending ON outbox (due_at) WHERE done_at IS NULL AND failed_at IS NULL;
