-- +goose Up
-- The public service directory (IN-01, IN-02, SP-06): a provider is
-- shown to the public only when the coordinator lists it and its
-- certification holds on the day. What the public sees is its name, a
-- short description, a public phone number and the codes it already has
-- (services, languages, regions, whom it takes) — never its internal
-- contact text, an address, or anything about cases.
ALTER TABLE providers ADD COLUMN listed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE providers ADD COLUMN takes_women BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE providers ADD COLUMN public_description TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN public_phone TEXT NOT NULL DEFAULT '';
