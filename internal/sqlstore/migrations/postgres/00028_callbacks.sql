-- +goose Up
-- Call-back requests from the public portal (IN-08). The contact details
-- are sealed under a key of the request's own (subject "callback:ID"),
-- which is destroyed, and contact_ct set to NULL, when the request is
-- handled. Region, language and interpreter route and plan the call.
CREATE TABLE callback_requests (
    id          TEXT PRIMARY KEY,
    region      TEXT NOT NULL,
    language    TEXT NOT NULL,
    interpreter BOOLEAN NOT NULL,
    contact_ct  BYTEA,
    received_at TIMESTAMPTZ NOT NULL,
    handled_at  TIMESTAMPTZ,
    handled_by  TEXT,
    outcome     TEXT
);
CREATE INDEX callback_requests_open ON callback_requests (received_at) WHERE handled_at IS NULL;
