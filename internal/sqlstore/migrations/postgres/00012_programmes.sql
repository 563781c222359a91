-- +goose Up
-- Support programmes as versioned rule sets (SP-15), the provider
-- registry (SP-06), and individual support plans (SP-01). Programmes and
-- providers hold no personal data. A plan's codes, dates and costs stay
-- in clear, for deadlines, budgets and statistics (SP-05, RE-04); her
-- goals, reasons, outcomes and notes are sealed under her data key.
CREATE TABLE programme_versions (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    target_group TEXT NOT NULL,
    rules        TEXT NOT NULL,
    budget       BIGINT NOT NULL DEFAULT 0,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    UNIQUE (programme_id, version)
);

CREATE TABLE providers (
    org_id          TEXT PRIMARY KEY REFERENCES organisations (id),
    certification   TEXT NOT NULL,
    certified_until TEXT NOT NULL DEFAULT '',
    services        TEXT NOT NULL DEFAULT '',
    languages       TEXT NOT NULL DEFAULT '',
    regions         TEXT NOT NULL DEFAULT '',
    places          INTEGER NOT NULL DEFAULT 0,
    takes_children  BOOLEAN NOT NULL DEFAULT FALSE,
    takes_men       BOOLEAN NOT NULL DEFAULT FALSE,
    accessible      BOOLEAN NOT NULL DEFAULT FALSE,
    contact         TEXT NOT NULL DEFAULT '',
    updated_by      TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE plans (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    version_id       TEXT NOT NULL REFERENCES programme_versions (id),
    enrolled_on      TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    phase            TEXT NOT NULL,
    phase_started_on TEXT NOT NULL,
    renewals         INTEGER NOT NULL DEFAULT 0,
    next_review_on   TEXT NOT NULL DEFAULT '',
    ended_on         TEXT NOT NULL DEFAULT '',
    exit_reason      TEXT NOT NULL DEFAULT '',
    exit_outcomes    TEXT NOT NULL DEFAULT '',
    plan_version     INTEGER NOT NULL,
    data_ct          BYTEA NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
-- One active plan per case.
CREATE UNIQUE INDEX plans_active ON plans (case_id) WHERE status = 'active';
CREATE INDEX plans_review ON plans (next_review_on);

-- Every version of a plan, sealed whole.
CREATE TABLE plan_versions (
    plan_id    TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    change     TEXT NOT NULL,
    data_ct    BYTEA NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE plan_interventions (
    id             TEXT PRIMARY KEY,
    plan_id        TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    version_id     TEXT NOT NULL REFERENCES programme_versions (id),
    type           TEXT NOT NULL,
    domain         TEXT NOT NULL,
    provider_id    TEXT REFERENCES organisations (id),
    funding_source TEXT NOT NULL,
    phase          TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('planned', 'started', 'done', 'cancelled')),
    planned_start  TEXT NOT NULL,
    planned_end    TEXT NOT NULL DEFAULT '',
    actual_start   TEXT NOT NULL DEFAULT '',
    actual_end     TEXT NOT NULL DEFAULT '',
    cost_committed BIGINT NOT NULL DEFAULT 0,
    cost_spent     BIGINT NOT NULL DEFAULT 0,
    data_ct        BYTEA NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_interventions_plan ON plan_interventions (plan_id, planned_start);
CREATE INDEX plan_interventions_provider ON plan_interventions (provider_id);

CREATE TABLE plan_events (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('enrol', 'renew', 'advance', 'end')),
    phase      TEXT NOT NULL,
    on_date    TEXT NOT NULL,
    reason_ct  BYTEA,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_events_plan ON plan_events (plan_id, created_at);

CREATE TABLE plan_reviews (
    id             TEXT PRIMARY KEY,
    plan_id        TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    held_on        TEXT NOT NULL,
    outcomes       TEXT NOT NULL DEFAULT '',
    next_review_on TEXT NOT NULL DEFAULT '',
    data_ct        BYTEA NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_reviews_plan ON plan_reviews (plan_id, held_on);
