-- Every 1:1 session by time: the staff list pages them newest first, and
-- without this index each page sorted the whole table (38 ms over 20,000
-- sessions on SQLite).
CREATE INDEX sessions_start ON sessions (start_time, id);
