-- +goose Up
-- Passkeys and security keys (WebAuthn credentials): public keys only,
-- so nothing here is secret. webauthn_ceremonies holds the one-time
-- challenge of a registration or login between its two requests.
CREATE TABLE passkeys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    credential   BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX passkeys_user_id ON passkeys (user_id);

CREATE TABLE webauthn_ceremonies (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    TEXT NOT NULL DEFAULT '',
    data       BLOB NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
