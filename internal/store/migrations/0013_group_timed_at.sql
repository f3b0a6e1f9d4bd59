-- When a group session's start was last set (created or moved): its
-- reminders are possible only from then on, as a 1:1 session's are from
-- its confirmation at its time. NULL in rows from before: their creation.
ALTER TABLE group_sessions ADD COLUMN timed_at {{.Time}};
