-- +goose Up
-- Needs and risk assessments and safety plans. The risk level and the
-- dates stay in clear, for lists and deadlines; everything else is sealed
-- under the person's data key, in data_ct.
CREATE TABLE assessments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('needs', 'risk')),
    assessed_on TEXT NOT NULL,
    level       TEXT NOT NULL DEFAULT '',
    reassess_on TEXT NOT NULL DEFAULT '',
    data_ct     BYTEA NOT NULL,
    assessed_by TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX assessments_case ON assessments (case_id, kind, created_at);
CREATE INDEX assessments_reassess ON assessments (reassess_on);

CREATE TABLE safety_plans (
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    data_ct    BYTEA NOT NULL,
    updated_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, version)
);

-- The current risk level, kept on the case for lists and filters.
ALTER TABLE cases ADD COLUMN risk_level TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_risk ON cases (risk_level, created_at);
