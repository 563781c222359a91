-- +goose Up
-- The indicator checklist of a case (ID-04), with how she was controlled
-- and recruited and her own account: each save a new record, all of it
-- sealed under her data key.
CREATE TABLE case_indicators (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    data_ct     BYTEA NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_indicators_case ON case_indicators (case_id, created_at);
