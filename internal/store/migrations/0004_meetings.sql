-- Meeting scheduler: an owner's contacts, calendars with slots the owner
-- offers, invitations answered through a private link, and the meetings of
-- a finalized calendar. Slots keep the wall-clock values as given (date,
-- start, end in the calendar's time zone) and the instants they stand for.
CREATE TABLE contacts (
    id         {{.ID}},
    owner_id   {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_name TEXT      NOT NULL,
    last_name  TEXT      NOT NULL,
    email      TEXT      NOT NULL,
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL
);
CREATE UNIQUE INDEX contacts_owner_id_email_key ON contacts (owner_id, lower(email));

CREATE TABLE calendars (
    id             {{.ID}},
    owner_id       {{.Ref}}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT      NOT NULL,
    description    TEXT      NOT NULL,
    deadline       {{.Time}} NOT NULL,
    meeting_length INTEGER   NOT NULL,
    timezone       TEXT      NOT NULL,
    link_base      TEXT      NOT NULL,
    finalized      {{.Bool}} NOT NULL DEFAULT {{.False}},
    finalized_at   {{.Time}},
    created_at     {{.Time}} NOT NULL,
    updated_at     {{.Time}} NOT NULL
);
CREATE INDEX calendars_owner ON calendars (owner_id, id);
CREATE INDEX calendars_open_deadline ON calendars (deadline) WHERE finalized = {{.False}};

CREATE TABLE owner_slots (
    id          {{.ID}},
    calendar_id {{.Ref}}  NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    day         TEXT      NOT NULL,
    start_clock TEXT      NOT NULL,
    end_clock   TEXT      NOT NULL,
    preference  INTEGER   NOT NULL CHECK (preference BETWEEN 1 AND 3),
    start_time  {{.Time}} NOT NULL,
    end_time    {{.Time}} NOT NULL
);
CREATE INDEX owner_slots_calendar ON owner_slots (calendar_id, start_time);

-- The invitation token is never stored: it is derived from token_seed with
-- SECRET_KEY (so reminder e-mails can carry the same link) and looked up by
-- its SHA-256.
CREATE TABLE invitations (
    id           {{.ID}},
    calendar_id  {{.Ref}}  NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    contact_id   {{.Ref}}  NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    token_hash   TEXT      NOT NULL,
    token_seed   TEXT      NOT NULL,
    responded    {{.Bool}} NOT NULL DEFAULT {{.False}},
    responded_at {{.Time}},
    created_at   {{.Time}} NOT NULL
);
CREATE UNIQUE INDEX invitations_calendar_id_contact_id_key ON invitations (calendar_id, contact_id);
CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash);

CREATE TABLE invitee_slots (
    id            {{.ID}},
    invitation_id {{.Ref}}  NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    day           TEXT      NOT NULL,
    start_clock   TEXT      NOT NULL,
    end_clock     TEXT      NOT NULL,
    preference    INTEGER   NOT NULL CHECK (preference BETWEEN 1 AND 3),
    start_time    {{.Time}} NOT NULL,
    end_time      {{.Time}} NOT NULL
);
CREATE INDEX invitee_slots_invitation ON invitee_slots (invitation_id, start_time);

CREATE TABLE meetings (
    id          {{.ID}},
    calendar_id {{.Ref}}  NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    contact_id  {{.Ref}}  NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    start_time  {{.Time}} NOT NULL,
    end_time    {{.Time}} NOT NULL,
    created_at  {{.Time}} NOT NULL
);
CREATE INDEX meetings_calendar ON meetings (calendar_id, start_time);
