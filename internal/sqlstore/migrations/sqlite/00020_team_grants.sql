-- +goose Up
-- A member of a case team beyond the lead joins through a disclosure, on
-- a consent or a legal ground; a consent's withdrawal removes the members
-- that rest on it, at once (SR-24, SR-25).
ALTER TABLE case_team ADD COLUMN disclosure_id TEXT NOT NULL DEFAULT '';
ALTER TABLE case_team ADD COLUMN consent_id TEXT NOT NULL DEFAULT '';
CREATE INDEX case_team_consent ON case_team (consent_id);
