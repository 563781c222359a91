-- +goose Up
-- Persons and their cases. Identity fields are sealed under each
-- person's own data key (so erasing a person destroys one key); the codes
-- used for statistics stay in clear. person_index holds truncated keyed
-- hashes (blind indexes) for finding a person already known.
CREATE TABLE persons (
    id                 TEXT PRIMARY KEY,
    reference          TEXT NOT NULL UNIQUE,
    alias_ct           BLOB,
    name_ct            BLOB,
    identity_ct        BLOB,
    birth_date_ct      BLOB,
    age_band           TEXT NOT NULL,
    presumed_child     BOOLEAN NOT NULL,
    sex                TEXT NOT NULL,
    citizenships       TEXT NOT NULL DEFAULT '',
    languages          TEXT NOT NULL DEFAULT '',
    interpreter_needed BOOLEAN NOT NULL,
    protection         TEXT NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    erased_at          TIMESTAMP
);

CREATE TABLE person_index (
    field     TEXT NOT NULL,
    token     BLOB NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE
);
CREATE INDEX person_index_token ON person_index (field, token);
CREATE INDEX person_index_person ON person_index (person_id);

CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    person_id    TEXT NOT NULL REFERENCES persons (id),
    lead_org_id  TEXT NOT NULL REFERENCES organisations (id),
    status       TEXT NOT NULL,
    step         TEXT NOT NULL,
    pathway      TEXT NOT NULL,
    exploitation TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX cases_created ON cases (created_at, id);
CREATE INDEX cases_person ON cases (person_id);

CREATE TABLE case_team (
    case_id  TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL REFERENCES organisations (id),
    level    TEXT NOT NULL CHECK (level IN ('lead', 'member')),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, org_id)
);
CREATE INDEX case_team_org ON case_team (org_id, case_id);

CREATE TABLE case_status (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    n            INTEGER NOT NULL,
    status       TEXT NOT NULL,
    decided_on   TEXT NOT NULL,
    deciding_org TEXT NOT NULL,
    basis_ct     BLOB,
    recorded_by  TEXT NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX case_status_case ON case_status (case_id, n);

CREATE TABLE break_glass (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    reason_ct  BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX break_glass_user ON break_glass (user_id, expires_at);

-- notifications tell an organisation about something it must know, such
-- as a break-glass on a case it leads.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    kind       TEXT NOT NULL,
    case_id    TEXT NOT NULL DEFAULT '',
    actor_id   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_org ON notifications (org_id, created_at);
