-- +goose Up
-- The documents of a case. The content, the file name and the
-- description are sealed under her data key; the type, the size, the
-- sensitivity and the uploader's organisation stay in clear, because the
-- query that lists documents filters on them, as the journal's does. A
-- document is never changed once uploaded.
CREATE TABLE case_documents (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sensitivity    TEXT NOT NULL CHECK (sensitivity IN ('team', 'organisation')),
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    filename_ct    BLOB NOT NULL,
    description_ct BLOB NOT NULL,
    content_ct     BLOB NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_org   TEXT NOT NULL REFERENCES organisations (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id, created_at);
