-- What staff did in the staff admin: who, what, to what, when. The names
-- are copied, so the record outlives the accounts it names.
CREATE TABLE staff_actions (
    id           {{.ID}},
    actor_id     {{.Ref}}  REFERENCES users (id) ON DELETE SET NULL,
    actor_name   TEXT      NOT NULL,
    action       TEXT      NOT NULL,
    target_kind  TEXT      NOT NULL,
    target_id    {{.Ref}}  NOT NULL,
    target_label TEXT      NOT NULL DEFAULT '',
    detail       TEXT      NOT NULL DEFAULT '',
    created_at   {{.Time}} NOT NULL
);
CREATE INDEX staff_actions_created ON staff_actions (created_at);
CREATE INDEX staff_actions_target ON staff_actions (target_kind, target_id);

-- Raised when staff deactivate an account: every JWT carries the value it
-- was issued under, so a deactivation ends them for good, even once the
-- account is reactivated.
ALTER TABLE users ADD COLUMN credential_epoch INTEGER NOT NULL DEFAULT 0;
