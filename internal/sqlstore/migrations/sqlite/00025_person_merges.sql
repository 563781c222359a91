-- +goose Up
-- Two records of one person can be merged when her identity is confirmed
-- (ID-10). The record merged away stays, as a tombstone pointing at the
-- survivor, with its own sealed identity: both histories are kept, and
-- old references still lead somewhere. A case keeps the data key its
-- content was sealed under (seal_subject): the person it belongs to can
-- change by a merge, its sealed notes and documents do not move keys.
ALTER TABLE persons ADD COLUMN merged_into TEXT REFERENCES persons (id);
ALTER TABLE persons ADD COLUMN merged_at TIMESTAMP;
CREATE INDEX persons_merged_into ON persons (merged_into);

ALTER TABLE cases ADD COLUMN seal_subject TEXT NOT NULL DEFAULT '';
UPDATE cases SET seal_subject = person_id;

-- Each merge, with which side's value was kept for each field (names of
-- fields and sides only: the values stay sealed in the two records).
CREATE TABLE person_merges (
    id         TEXT PRIMARY KEY,
    into_id    TEXT NOT NULL REFERENCES persons (id),
    from_id    TEXT NOT NULL REFERENCES persons (id),
    kept       TEXT NOT NULL DEFAULT '',
    cases      TEXT NOT NULL DEFAULT '',
    merged_by  TEXT NOT NULL,
    merged_at  TIMESTAMP NOT NULL
);
CREATE INDEX person_merges_into ON person_merges (into_id);
CREATE INDEX person_merges_from ON person_merges (from_id);
