-- A mentor's booking rules; 0 switches a rule off and no row means none.
CREATE TABLE booking_rules (
    mentor_id           {{.Ref}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    min_notice_minutes  INTEGER   NOT NULL DEFAULT 0 CHECK (min_notice_minutes >= 0),
    buffer_minutes      INTEGER   NOT NULL DEFAULT 0 CHECK (buffer_minutes >= 0),
    max_per_day         INTEGER   NOT NULL DEFAULT 0 CHECK (max_per_day >= 0),
    max_per_week        INTEGER   NOT NULL DEFAULT 0 CHECK (max_per_week >= 0),
    cancel_notice_hours INTEGER   NOT NULL DEFAULT 0 CHECK (cancel_notice_hours >= 0),
    updated_at          {{.Time}} NOT NULL
);
