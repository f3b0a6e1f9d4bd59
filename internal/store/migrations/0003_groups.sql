-- Group sessions (the quota API's sessions and the tutoring API's sessions
-- are the same rows) and their participants. taken counts the seats held; a
-- seat is taken by UPDATE ... SET taken = taken + 1 WHERE taken < capacity,
-- and the CHECK below refuses an oversold row whatever the code does.
CREATE TABLE group_sessions (
    id          {{.ID}},
    creator_id  {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT      NOT NULL,
    description TEXT      NOT NULL DEFAULT '',
    field       TEXT,
    start_time  {{.Time}} NOT NULL,
    capacity    INTEGER   NOT NULL CHECK (capacity >= 1),
    taken       INTEGER   NOT NULL DEFAULT 0,
    status      TEXT      NOT NULL DEFAULT 'upcoming' CHECK (status IN ('upcoming', 'ongoing', 'completed', 'cancelled')),
    created_at  {{.Time}} NOT NULL,
    updated_at  {{.Time}} NOT NULL,
    CHECK (taken >= 0 AND taken <= capacity)
);
CREATE INDEX group_sessions_start ON group_sessions (start_time, id);
CREATE INDEX group_sessions_creator ON group_sessions (creator_id, start_time);
CREATE INDEX group_sessions_upcoming_start ON group_sessions (start_time) WHERE status = 'upcoming';

CREATE TABLE group_participants (
    id         {{.ID}},
    session_id {{.Ref}}  NOT NULL REFERENCES group_sessions (id) ON DELETE CASCADE,
    user_id    {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT      NOT NULL DEFAULT 'student' CHECK (role IN ('student', 'tutor')),
    joined_at  {{.Time}} NOT NULL
);
CREATE UNIQUE INDEX group_participants_session_id_user_id_key ON group_participants (session_id, user_id);
CREATE INDEX group_participants_user ON group_participants (user_id);
