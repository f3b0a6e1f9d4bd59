-- Token buckets shared by every mentord process on this database, so that
-- N processes behind a load balancer allow the rate limit once, not N
-- times. tat is the bucket's "theoretical arrival time" (GCRA): a request
-- is allowed while tat stays within the burst of now. A SQLite database
-- serves one process, which keeps its buckets in memory; the table is there
-- too so both engines have one schema.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL PRIMARY KEY,
    tat {{.Time}} NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);
