-- +goose Up
-- Tasks and deadlines of a case: people's own, and those rules add when
-- something happens (a re-assessment date: AS-02, AS-05; the protection
-- assessment of a presumed child the same or the next day: CH-04; the
-- next review of her support plan: SP-01). Kind,
-- dates and who is to do it stay in clear, for deadline lists; the title
-- of an own task is sealed under her data key.
CREATE TABLE tasks (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('own', 'reassessment', 'child_protection', 'plan_review')),
    title_ct    BYTEA,
    due_on      TEXT NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    assignee_id TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    done_at     TIMESTAMPTZ,
    done_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_case ON tasks (case_id, due_on);
CREATE INDEX tasks_open ON tasks (org_id, due_on) WHERE done_at IS NULL;
