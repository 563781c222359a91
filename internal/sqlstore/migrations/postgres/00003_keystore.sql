-- +goose Up
-- The key store: data keys wrapped by the master key, kept apart from the
-- case data in a schema of its own, so it can be backed up on its own,
-- shorter schedule (pg_dump --schema=keystore; exclude it from the case
-- data backups): once a subject's key is deleted and the key store's
-- backups have aged out, no copy of the case data can be read again.
CREATE SCHEMA keystore;
CREATE TABLE keystore.subject_keys (
    subject_id   TEXT PRIMARY KEY,
    wrapped      BYTEA NOT NULL,
    kek_id       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    rewrapped_at TIMESTAMPTZ
);
CREATE INDEX subject_keys_kek_id ON keystore.subject_keys (kek_id);
