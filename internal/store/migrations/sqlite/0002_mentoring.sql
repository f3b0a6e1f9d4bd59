-- Mentor availability and 1:1 sessions. On SQLite, overlap rules are kept by
-- write transactions taken with BEGIN IMMEDIATE (one writer at a time).
CREATE TABLE availabilities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    mentor_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    start_time  TEXT    NOT NULL,
    end_time    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    modified_at TEXT    NOT NULL,
    CHECK (end_time > start_time)
);
CREATE INDEX availabilities_mentor_end ON availabilities (mentor_id, end_time);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    mentor_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mentee_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    availability_id INTEGER REFERENCES availabilities (id) ON DELETE SET NULL,
    start_time      TEXT    NOT NULL,
    end_time        TEXT    NOT NULL,
    session_length  INTEGER NOT NULL CHECK (session_length IN (30, 60)),
    status          TEXT    NOT NULL DEFAULT 'Pending' CHECK (status IN ('Pending', 'Confirmed', 'Canceled', 'Completed')),
    meeting_link    TEXT,
    ics_sequence    INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    modified_at     TEXT    NOT NULL
);
CREATE INDEX sessions_mentor_start ON sessions (mentor_id, start_time);
CREATE INDEX sessions_mentee_start ON sessions (mentee_id, start_time);
CREATE INDEX sessions_availability ON sessions (availability_id);
CREATE INDEX sessions_confirmed_start ON sessions (start_time) WHERE status = 'Confirmed';
CREATE INDEX sessions_live_mentor_end ON sessions (mentor_id, end_time) WHERE status IN ('Pending', 'Confirmed');
