-- Mentor availability and 1:1 sessions. On PostgreSQL, exclusion constraints
-- make overlapping availability, and overlapping live sessions of one mentor
-- or one mentee, impossible whatever the application does. On SQLite, overlap
-- rules are kept by write transactions taken with BEGIN IMMEDIATE (one writer
-- at a time).
{{- if .Postgres}}
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
{{- end}}

CREATE TABLE availabilities (
    id          {{.ID}},
    mentor_id   {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    start_time  {{.Time}} NOT NULL,
    end_time    {{.Time}} NOT NULL,
    created_at  {{.Time}} NOT NULL,
    modified_at {{.Time}} NOT NULL,
    CHECK (end_time > start_time)
{{- if .Postgres}},
    CONSTRAINT availabilities_no_overlap EXCLUDE USING gist (mentor_id WITH =, tstzrange(start_time, end_time) WITH &&)
{{- end}}
);
CREATE INDEX availabilities_mentor_end ON availabilities (mentor_id, end_time);

CREATE TABLE sessions (
    id              {{.ID}},
    mentor_id       {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mentee_id       {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    availability_id {{.Ref}}  REFERENCES availabilities (id) ON DELETE SET NULL,
    start_time      {{.Time}} NOT NULL,
    end_time        {{.Time}} NOT NULL,
    session_length  INTEGER   NOT NULL CHECK (session_length IN (30, 60)),
    status          TEXT      NOT NULL DEFAULT 'Pending' CHECK (status IN ('Pending', 'Confirmed', 'Canceled', 'Completed')),
    meeting_link    TEXT,
    ics_sequence    INTEGER   NOT NULL DEFAULT 0,
    created_at      {{.Time}} NOT NULL,
    modified_at     {{.Time}} NOT NULL
{{- if .Postgres}},
    CONSTRAINT sessions_mentor_no_overlap EXCLUDE USING gist (mentor_id WITH =, tstzrange(start_time, end_time) WITH &&)
        WHERE (status IN ('Pending', 'Confirmed')),
    CONSTRAINT sessions_mentee_no_overlap EXCLUDE USING gist (mentee_id WITH =, tstzrange(start_time, end_time) WITH &&)
        WHERE (status IN ('Pending', 'Confirmed'))
{{- end}}
);
CREATE INDEX sessions_mentor_start ON sessions (mentor_id, start_time);
CREATE INDEX sessions_mentee_start ON sessions (mentee_id, start_time);
CREATE INDEX sessions_availability ON sessions (availability_id);
CREATE INDEX sessions_confirmed_start ON sessions (start_time) WHERE status = 'Confirmed';
CREATE INDEX sessions_live_mentor_end ON sessions (mentor_id, end_time) WHERE status IN ('Pending', 'Confirmed');
