-- +goose Up
-- The key store: data keys wrapped by the master key, kept apart from the
-- case data. On SQLite it is its own file (keys.db beside the database,
-- attached as "keystore"), so it can be backed up on its own, shorter
-- schedule: once a subject's key is deleted and the key store's backups
-- have aged out, no copy of the case data can be read again.
CREATE TABLE keystore.subject_keys (
    subject_id   TEXT PRIMARY KEY,
    wrapped      BLOB NOT NULL,
    kek_id       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    rewrapped_at TIMESTAMP
);
CREATE INDEX keystore.subject_keys_kek_id ON subject_keys (kek_id);
