-- The mentor list reads every mentor's future availability and live
-- sessions in two queries (tens of thousands of rows at 1,000 mentors).
-- These indexes hold every column those queries read, so the rows come from
-- the index alone, without a lookup in the table for each one.
CREATE INDEX availabilities_mentor_end_start ON availabilities (mentor_id, end_time, start_time);
DROP INDEX availabilities_mentor_end;
CREATE INDEX sessions_live_mentor_end_start ON sessions (mentor_id, end_time, start_time, status) WHERE status IN ('Pending', 'Confirmed');
DROP INDEX sessions_live_mentor_end;
