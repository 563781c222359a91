-- +goose Up
-- Where she lives, each change a new record (DP-05, DP-08): the kind and
-- the day in the clear, for lists and deadlines; the address sealed under
-- her data key, so erasing her erases it.
CREATE TABLE case_residences (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    since       TEXT NOT NULL,
    protected   BOOLEAN NOT NULL,
    address_ct  BYTEA,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_residences_case ON case_residences (case_id, since, recorded_at);

-- +goose Down
DROP TABLE case_residences;
