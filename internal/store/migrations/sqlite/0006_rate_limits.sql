-- Token buckets shared by every mentord process on this database (see the
-- PostgreSQL migration). A SQLite database serves one process, which keeps
-- its buckets in memory; the table is here so both engines have one schema.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL PRIMARY KEY,
    tat TEXT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);
