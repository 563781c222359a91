-- +goose Up
-- Consents (MA-05, SP-08) and the record of disclosures (MA-06). The codes
-- — purpose, recipient, data categories, dates, legal basis — stay in
-- clear for the checks and for statistics; the guardian, the child's own
-- view, notes and explanations are sealed under the person's data key.
-- A withdrawal is final, and a disclosure, once recorded, never changes.
CREATE TABLE case_consents (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    purpose          TEXT NOT NULL,
    recipient_org    TEXT NOT NULL REFERENCES organisations (id),
    categories       TEXT NOT NULL,
    given_on         TEXT NOT NULL,
    language         TEXT NOT NULL,
    interpreter      BOOLEAN NOT NULL,
    expires_on       TEXT NOT NULL DEFAULT '',
    guardian_consent BOOLEAN NOT NULL DEFAULT FALSE,
    guardian_ct      BLOB,
    child_view_ct    BLOB,
    note_ct          BLOB,
    status           TEXT NOT NULL CHECK (status IN ('given', 'withdrawn')),
    withdrawn_at     TIMESTAMP,
    withdrawn_by     TEXT NOT NULL DEFAULT '',
    recorded_by      TEXT NOT NULL,
    recorded_org     TEXT NOT NULL,
    recorded_at      TIMESTAMP NOT NULL
);
CREATE INDEX case_consents_case ON case_consents (case_id, recorded_at);

-- +goose StatementBegin
CREATE TRIGGER case_consents_withdrawn_final BEFORE UPDATE ON case_consents
WHEN OLD.status = 'withdrawn' OR NEW.status <> 'withdrawn'
BEGIN
    SELECT RAISE(ABORT, 'a consent changes only from given to withdrawn');
END;
-- +goose StatementEnd

CREATE TABLE case_disclosures (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    recipient_org  TEXT NOT NULL REFERENCES organisations (id),
    purpose        TEXT NOT NULL,
    categories     TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    consent_id     TEXT REFERENCES case_consents (id),
    explanation_ct BLOB,
    disclosed_on   TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_org   TEXT NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    CHECK ((legal_basis = 'consent') = (consent_id IS NOT NULL))
);
CREATE INDEX case_disclosures_case ON case_disclosures (case_id, recorded_at);

-- +goose StatementBegin
CREATE TRIGGER case_disclosures_immutable BEFORE UPDATE ON case_disclosures
BEGIN
    SELECT RAISE(ABORT, 'disclosures are never changed');
END;
-- +goose StatementEnd
