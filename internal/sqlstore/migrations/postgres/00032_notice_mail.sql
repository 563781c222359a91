-- +goose Up
-- Notices are also told by a content-free e-mail (SR-06): when it went,
-- and how often sending it failed. Earlier notices count as told.
ALTER TABLE user_notices ADD COLUMN mailed_at TIMESTAMPTZ;
ALTER TABLE user_notices ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0;
UPDATE user_notices SET mailed_at = created_at;
CREATE INDEX user_notices_unmailed ON user_notices (mailed_at, created_at);

-- +goose Down
DROP INDEX user_notices_unmailed;
ALTER TABLE user_notices DROP COLUMN mail_attempts;
ALTER TABLE user_notices DROP COLUMN mailed_at;
