-- +goose Up
-- user_notices tell a user about changes to their own account — a new
-- passkey, new factors, new roles, many failed sign-ins — so someone who
-- did not make the change finds out (SR-06).
CREATE TABLE user_notices (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX user_notices_user ON user_notices (user_id, created_at);
