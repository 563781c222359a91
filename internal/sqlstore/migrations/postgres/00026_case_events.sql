-- +goose Up
-- What happened to her, step by step (ID-05): where and when she was
-- recruited, moved or exploited (HTCDS 2.0 hte_Type, hte_Country,
-- hte_Date), in which forms, and who the traffickers were to her. The
-- codes and periods stay in clear for statistics; the place is sealed
-- under the data key of the case. A removed event stays, out of view.
CREATE TABLE case_events (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('recruitment', 'transit', 'exploitation')),
    exploitation TEXT NOT NULL DEFAULT '',
    country      TEXT NOT NULL DEFAULT '',
    from_period  TEXT NOT NULL DEFAULT '',
    to_period    TEXT NOT NULL DEFAULT '',
    relations    TEXT NOT NULL DEFAULT '',
    place_ct     BYTEA,
    recorded_by  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    removed_at   TIMESTAMPTZ,
    removed_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, from_period);
