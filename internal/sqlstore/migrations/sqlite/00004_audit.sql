-- +goose Up
-- The audit trail: one row per event, in a gapless sequence, with the
-- stored hashes of an RFC 6962 Merkle tree over the events and signed
-- checkpoints of its head. Rows hold ids and codes, never names or notes.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_org   TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    result      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    ip_hmac     BLOB,
    detail      BLOB
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);

CREATE TABLE audit_hashes (
    idx  BIGINT PRIMARY KEY,
    hash BLOB NOT NULL
);

CREATE TABLE audit_checkpoints (
    size       BIGINT PRIMARY KEY,
    root       BLOB NOT NULL,
    note       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
