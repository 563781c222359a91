-- +goose Up
-- Each team row carries its case's creation time, so an organisation's
-- case list, newest first, reads its own rows in index order and stops
-- after one page, however many cases it has.
ALTER TABLE case_team ADD COLUMN case_created_at TIMESTAMPTZ;
UPDATE case_team SET case_created_at = (SELECT created_at FROM cases WHERE cases.id = case_team.case_id);
CREATE INDEX case_team_newest ON case_team (org_id, case_created_at, case_id);

-- +goose Down
DROP INDEX case_team_newest;
ALTER TABLE case_team DROP COLUMN case_created_at;
