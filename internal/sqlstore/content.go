package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"slices"

	"fristad"
)

// ContentStore keeps the portal's content drafts and published editions.
type ContentStore struct{ db *DB }

var (
	_ fristad.ContentStore  = (*ContentStore)(nil)
	_ fristad.PublicContent = (*ContentStore)(nil)
)

// NewContentStore returns the content store over db.
func NewContentStore(db *DB) *ContentStore { return &ContentStore{db: db} }

// PublishedContent returns the latest edition of the portal's content.
// Like PublicListings it takes no actor and writes no audit event: an
// edition is what the portal shows anyone.
func (s *ContentStore) PublishedContent(ctx context.Context) (_ *fristad.ContentEdition, err error) {
	defer wrapErr(&err, "ContentStore.PublishedContent")
	var e *fristad.ContentEdition
	err = s.db.read(ctx, func(tx *Tx) error {
		var err error
		e, err = latestEdition(ctx, tx)
		return err
	})
	return e, err
}

// PublishedEdition returns the latest edition's number, 0 for none,
// without reading its items.
func (s *ContentStore) PublishedEdition(ctx context.Context) (_ int, err error) {
	defer wrapErr(&err, "ContentStore.PublishedEdition")
	n := 0
	err = s.db.read(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM content_editions`).Scan(&n)
	})
	return n, err
}

// LatestContentEdition returns the latest edition for its editors.
func (s *ContentStore) LatestContentEdition(ctx context.Context) (_ *fristad.ContentEdition, err error) {
	defer wrapErr(&err, "ContentStore.LatestContentEdition")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionContentRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	return s.PublishedContent(ctx)
}

// ContentEdition returns one edition with its items.
func (s *ContentStore) ContentEdition(ctx context.Context, n int) (_ *fristad.ContentEdition, err error) {
	defer wrapErr(&err, "ContentStore.ContentEdition")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionContentRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var e *fristad.ContentEdition
	err = s.db.read(ctx, func(tx *Tx) error {
		var err error
		e, err = scanEdition(tx.QueryRowContext(ctx, `SELECT number, items, changed, note, published_by, published_at
			FROM content_editions WHERE number = $1`, n))
		return err
	})
	if err == nil && e == nil {
		err = fristad.Errorf(fristad.ENOTFOUND, "no such edition")
	}
	return e, err
}

func latestEdition(ctx context.Context, tx *Tx) (*fristad.ContentEdition, error) {
	return scanEdition(tx.QueryRowContext(ctx, `SELECT number, items, changed, note, published_by, published_at
		FROM content_editions ORDER BY number DESC LIMIT 1`))
}

// scanEdition reads an edition with its items; nil when there is none.
func scanEdition(row *sql.Row) (*fristad.ContentEdition, error) {
	e := &fristad.ContentEdition{}
	var items, changed string
	err := row.Scan(&e.Number, &items, &changed, &e.Note, &e.PublishedBy, &e.PublishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &e.Items); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(changed), &e.Changed); err != nil {
		return nil, err
	}
	e.PublishedAt = e.PublishedAt.UTC()
	return e, nil
}

// ContentEditions returns the latest editions without their items.
func (s *ContentStore) ContentEditions(ctx context.Context, limit int) (_ []*fristad.ContentEdition, err error) {
	defer wrapErr(&err, "ContentStore.ContentEditions")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionContentRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var out []*fristad.ContentEdition
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT number, changed, note, published_by, published_at
			FROM content_editions ORDER BY number DESC LIMIT $1`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := &fristad.ContentEdition{}
			var changed string
			if err := rows.Scan(&e.Number, &changed, &e.Note, &e.PublishedBy, &e.PublishedAt); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(changed), &e.Changed); err != nil {
				return err
			}
			e.PublishedAt = e.PublishedAt.UTC()
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// ContentDrafts returns every draft, by item.
func (s *ContentStore) ContentDrafts(ctx context.Context) (_ []*fristad.ContentDraft, err error) {
	defer wrapErr(&err, "ContentStore.ContentDrafts")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionContentRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var out []*fristad.ContentDraft
	err = s.db.read(ctx, func(tx *Tx) error {
		var err error
		out, err = contentDrafts(ctx, tx)
		return err
	})
	return out, err
}

func contentDrafts(ctx context.Context, tx *Tx) ([]*fristad.ContentDraft, error) {
	rows, err := tx.QueryContext(ctx, `SELECT item, body, updated_by, updated_at FROM content_drafts ORDER BY item`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*fristad.ContentDraft
	for rows.Next() {
		d := &fristad.ContentDraft{}
		var body string
		if err := rows.Scan(&d.Item, &body, &d.UpdatedBy, &d.UpdatedAt); err != nil {
			return nil, err
		}
		d.Body, d.UpdatedAt = json.RawMessage(body), d.UpdatedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveContentDraft stores a draft of one item, unless the item changed
// since the editor read it. A draft that says what is published already
// is no change, and is dropped instead.
func (s *ContentStore) SaveContentDraft(ctx context.Context, d *fristad.ContentDraft, version string) (err error) {
	defer wrapErr(&err, "ContentStore.SaveContentDraft")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionContentEdit, nil, fristad.ENOTFOUND); err != nil {
		return err
	}
	// Bodies are kept compact, as an edition keeps them, so that equal
	// values are equal bytes.
	var body bytes.Buffer
	if d.Item == "" || json.Compact(&body, d.Body) != nil {
		return fristad.Errorf(fristad.EINVALID, "a draft needs an item and a JSON body")
	}
	d.Body = body.Bytes()
	return s.db.write(ctx, func(tx *Tx) error {
		if err := s.db.lockContent(ctx, tx); err != nil {
			return err
		}
		published, err := latestEdition(ctx, tx)
		if err != nil {
			return err
		}
		var current, live []byte
		if published != nil {
			live = published.Items[d.Item]
		}
		current = live
		var draft string
		switch err := tx.QueryRowContext(ctx, `SELECT body FROM content_drafts WHERE item = $1`, d.Item).Scan(&draft); {
		case err == nil:
			current = []byte(draft)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if fristad.ContentVersion(current) != version {
			return errContentChanged()
		}
		d.UpdatedBy, d.UpdatedAt = actor.AuditName(), tx.now
		if _, err := tx.ExecContext(ctx, `DELETE FROM content_drafts WHERE item = $1`, d.Item); err != nil {
			return err
		}
		if !bytes.Equal(d.Body, live) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO content_drafts (item, body, updated_by, updated_at) VALUES ($1, $2, $3, $4)`,
				d.Item, string(d.Body), d.UpdatedBy, tx.now); err != nil {
				return err
			}
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "content.draft", ObjectType: "content_item", ObjectID: d.Item})
	})
}

// lockContent serialises the changes of the portal's content inside tx,
// so that checking an item's version and writing it are one step. On
// SQLite every write transaction holds the database's write lock from its
// start already; on PostgreSQL an advisory lock does it.
func (db *DB) lockContent(ctx context.Context, tx *Tx) error {
	if db.dialect.name != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7368733)`)
	return err
}

func errContentChanged() error {
	return fristad.Localized(fristad.ECONFLICT, "content.changed", nil,
		"someone changed this text since you opened it; nothing was saved")
}

// DiscardContentDraft throws away the draft of an item.
func (s *ContentStore) DiscardContentDraft(ctx context.Context, item string) (err error) {
	defer wrapErr(&err, "ContentStore.DiscardContentDraft")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionContentEdit, nil, fristad.ENOTFOUND); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if err := s.db.lockContent(ctx, tx); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM content_drafts WHERE item = $1`, item)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fristad.Errorf(fristad.ENOTFOUND, "no draft of this item")
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "content.discard", ObjectType: "content_item", ObjectID: item})
	})
}

// PublishContent makes the drafts the next edition, in one transaction:
// an editor saving a draft meanwhile either makes it into this edition or
// stays a draft for the next.
func (s *ContentStore) PublishContent(ctx context.Context, note string, prepare func(map[string]json.RawMessage, []string) error) (_ *fristad.ContentEdition, err error) {
	defer wrapErr(&err, "ContentStore.PublishContent")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionContentEdit, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	if err := fristad.CheckContentNote(&note); err != nil {
		return nil, err
	}
	var e *fristad.ContentEdition
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := s.db.lockContent(ctx, tx); err != nil {
			return err
		}
		latest, err := latestEdition(ctx, tx)
		if err != nil {
			return err
		}
		drafts, err := contentDrafts(ctx, tx)
		if err != nil {
			return err
		}
		e = &fristad.ContentEdition{Number: 1, Items: map[string]json.RawMessage{}, Note: note, PublishedBy: actor.AuditName(), PublishedAt: tx.now}
		if latest != nil {
			e.Number, e.Items = latest.Number+1, maps.Clone(latest.Items)
		}
		for _, d := range drafts {
			if !bytes.Equal(e.Items[d.Item], d.Body) {
				e.Items[d.Item] = d.Body
				e.Changed = append(e.Changed, d.Item)
			}
		}
		if len(e.Changed) == 0 {
			return fristad.Localized(fristad.EINVALID, "content.nothing", nil, "there is no change to publish")
		}
		if prepare != nil {
			if err := prepare(e.Items, e.Changed); err != nil {
				return err
			}
		}
		slices.Sort(e.Changed)
		items, err := json.Marshal(e.Items)
		if err != nil {
			return err
		}
		changed, err := json.Marshal(e.Changed)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO content_editions (number, items, changed, note, published_by, published_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, e.Number, string(items), string(changed), note, e.PublishedBy, tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM content_drafts`); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "content.publish", ObjectType: "content_edition", ObjectID: itoa(e.Number)})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}
