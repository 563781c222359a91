-- +goose Up
-- instance describes this installation: one row, written when the schema is
-- created. A demo installation holds only fictional data, and serve refuses
-- it unless told --demo, so demo data never mixes with real cases.
CREATE TABLE instance (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    demo       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
