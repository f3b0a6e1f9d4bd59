-- Each user's private calendar feed (an iCalendar subscription URL). The
-- URL's token is never stored: it is derived from token_seed with
-- SECRET_KEY (so the owner can be shown it again) and looked up by its
-- SHA-256. Replacing the seed retires the old URL; deleting the row
-- revokes the feed.
CREATE TABLE calendar_feeds (
    user_id    {{.Ref}}  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT      NOT NULL UNIQUE,
    token_seed TEXT      NOT NULL,
    created_at {{.Time}} NOT NULL
);
