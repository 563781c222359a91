-- +goose Up
-- The journal of a case. The body is sealed under the person's data key;
-- the sensitivity and the author's organisation stay in clear, because
-- the query that reads a journal filters on them: who sees which note is
-- decided inside the SQL. A note is never changed — a correction is a
-- new note that refers back — so every UPDATE is refused.
CREATE TABLE case_notes (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sensitivity TEXT NOT NULL CHECK (sensitivity IN ('team', 'organisation')),
    body_ct     BYTEA NOT NULL,
    refers_to   TEXT REFERENCES case_notes (id),
    author_id   TEXT NOT NULL,
    author_org  TEXT NOT NULL REFERENCES organisations (id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);

-- +goose StatementBegin
CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER case_notes_immutable BEFORE UPDATE ON case_notes
    FOR EACH ROW EXECUTE FUNCTION refuse_update();
