-- +goose Up
-- Organisations, their configurable types, staff users and their roles,
-- activation links, pending logins, sessions and failed-login counts.
-- Secrets are stored as hashes (tokens, passwords) or sealed (TOTP).

CREATE TABLE organisation_types (
    code       TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);
INSERT INTO organisation_types (code, created_at) VALUES
    ('national_coordinator', CURRENT_TIMESTAMP),
    ('regional_coordinator', CURRENT_TIMESTAMP),
    ('social_services', CURRENT_TIMESTAMP),
    ('ngo', CURRENT_TIMESTAMP),
    ('shelter', CURRENT_TIMESTAMP),
    ('police', CURRENT_TIMESTAMP),
    ('prosecution', CURRENT_TIMESTAMP),
    ('migration_agency', CURRENT_TIMESTAMP),
    ('health_care', CURRENT_TIMESTAMP),
    ('school', CURRENT_TIMESTAMP),
    ('employment_service', CURRENT_TIMESTAMP),
    ('international_organisation', CURRENT_TIMESTAMP),
    ('receiving_organisation_abroad', CURRENT_TIMESTAMP);

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL REFERENCES organisation_types (code),
    region     TEXT NOT NULL DEFAULT '',
    country    TEXT NOT NULL DEFAULT 'SE',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL DEFAULT '',
    password_hash  TEXT,
    totp_secret    BYTEA,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    activated_at   TIMESTAMPTZ,
    disabled_at    TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_org_id ON users (org_id);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('coordinator', 'case_worker', 'partner', 'police_liaison', 'guardian', 'auditor', 'administrator')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE activations (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash TEXT,
    totp_secret   BYTEA,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX activations_user_id ON activations (user_id);

CREATE TABLE pending_logins (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    stepup_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- login_failures counts failed attempts per account name and per address,
-- both as keyed hashes, for throttling (SR-03).
CREATE TABLE login_failures (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_hash TEXT NOT NULL,
    ip_hash    TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email_hash, at);
CREATE INDEX login_failures_ip ON login_failures (ip_hash, at);
