-- +goose Up
-- Accompanying children and other dependants are persons with records of
-- their own, linked to the case of the person they came with (ID-11). A
-- link says only how the two are related; whether a reader sees the other
-- case is decided by that case's own team.
CREATE TABLE case_links (
    case_id        TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    linked_case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    relation       TEXT NOT NULL CHECK (relation IN ('child', 'dependant')),
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, linked_case_id)
);
CREATE INDEX case_links_linked ON case_links (linked_case_id);
