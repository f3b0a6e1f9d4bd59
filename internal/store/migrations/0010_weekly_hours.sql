-- A mentor's weekly hours with their date exceptions, read and written
-- whole as JSON (the mentoring package's shape). They are expanded into
-- availabilities (weekly true) up to filled_until, a local midnight a few
-- weeks ahead that the worker moves on as days pass.
CREATE TABLE weekly_hours (
    mentor_id    {{.Ref}}  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    definition   TEXT      NOT NULL,
    filled_until {{.Time}} NOT NULL,
    updated_at   {{.Time}} NOT NULL
);
CREATE INDEX weekly_hours_filled_until ON weekly_hours (filled_until);
ALTER TABLE availabilities ADD COLUMN weekly {{.Bool}} NOT NULL DEFAULT {{.False}};
