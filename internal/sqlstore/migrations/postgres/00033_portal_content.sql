-- +goose Up
-- The portal's content as its editors change it (IN-10). An edition
-- holds the items editors changed from the release's text, as one JSON
-- object by item key; the drafts are changes not yet published, one row
-- per item. Nothing here is about a person.
CREATE TABLE content_editions (
    number INTEGER PRIMARY KEY,
    items TEXT NOT NULL,
    changed TEXT NOT NULL,
    note TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE content_drafts (
    item TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE content_drafts;
DROP TABLE content_editions;
