package sqlstore

import (
	"context"
	"strings"

	"fristad"
	"fristad/internal/auth"
)

// UserService keeps the users and their roles.
type UserService struct{ db *DB }

var (
	_ fristad.UserService = (*UserService)(nil)
)

// NewUserService returns the user service over db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

// FindUserByID returns one user.
func (s *UserService) FindUserByID(ctx context.Context, id string) (_ *fristad.User, err error) {
	defer wrapErr(&err, "UserService.FindUserByID")
	users, err := s.FindUsers(ctx, fristad.UserFilter{ID: &id})
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "not found")
	}
	return users[0], nil
}

// FindUsers returns the users matching filter, by e-mail address.
func (s *UserService) FindUsers(ctx context.Context, filter fristad.UserFilter) (_ []*fristad.User, err error) {
	defer wrapErr(&err, "UserService.FindUsers")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionUserList, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var users []*fristad.User
	err = s.db.read(ctx, func(tx *Tx) (err error) {
		users, err = findUsers(ctx, tx, filter)
		return err
	})
	return users, err
}

func findUsers(ctx context.Context, tx *Tx, filter fristad.UserFilter) ([]*fristad.User, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	if filter.ID != nil {
		where = append(where, "id = "+arg(*filter.ID))
	}
	if filter.Email != nil {
		where = append(where, "email = "+arg(fristad.NormalizeEmail(*filter.Email)))
	}
	if filter.OrganisationID != nil {
		where = append(where, "org_id = "+arg(*filter.OrganisationID))
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT id, org_id, email, name, activated_at IS NOT NULL, disabled_at IS NOT NULL, created_at, updated_at
		FROM users`+whereClause(where)+`
		ORDER BY email`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []*fristad.User
	byID := map[string]*fristad.User{}
	for rows.Next() {
		var u fristad.User
		if err := rows.Scan(&u.ID, &u.OrganisationID, &u.Email, &u.Name, &u.Activated, &u.Disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
			return nil, err
		}
		users = append(users, &u)
		byID[u.ID] = &u
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return users, attachRoles(ctx, tx, byID)
}

// attachRoles fills in the roles of the users in byID.
func attachRoles(ctx context.Context, tx *Tx, byID map[string]*fristad.User) error {
	if len(byID) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT user_id, role FROM user_roles ORDER BY role`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, role string
		if err := rows.Scan(&id, &role); err != nil {
			return err
		}
		if u := byID[id]; u != nil {
			u.Roles = append(u.Roles, fristad.Role(role))
		}
	}
	return rows.Err()
}

// CreateUser stores a new user and issues an activation token.
func (s *UserService) CreateUser(ctx context.Context, user *fristad.User) (_ *fristad.Activation, err error) {
	defer wrapErr(&err, "UserService.CreateUser")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionUserCreate, nil, fristad.EFORBIDDEN); err != nil {
		return nil, err
	}
	if err := user.Validate(); err != nil {
		return nil, err
	}
	var a *fristad.Activation
	err = s.db.write(ctx, func(tx *Tx) (err error) {
		if err := createUser(ctx, tx, user); err != nil {
			return err
		}
		if a, err = createActivation(ctx, tx, user); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "user.create", ObjectType: "user", ObjectID: user.ID})
	})
	return a, err
}

func createUser(ctx context.Context, tx *Tx, user *fristad.User) error {
	var orgs int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = $1`, user.OrganisationID).Scan(&orgs); err != nil {
		return err
	}
	if orgs == 0 {
		return &fristad.Error{Code: fristad.EINVALID, Field: "org", Key: "user.org.unknown", Message: "no such organisation"}
	}
	user.ID = auth.NewID()
	user.CreatedAt, user.UpdatedAt = tx.now, tx.now
	_, err := tx.ExecContext(ctx, `
		INSERT INTO users (id, org_id, email, name, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		user.ID, user.OrganisationID, user.Email, user.Name, tx.now, tx.now)
	if fristad.ErrorCode(translate(err)) == fristad.ECONFLICT {
		return &fristad.Error{Code: fristad.ECONFLICT, Field: "email", Key: "user.email.taken", Message: "a user with this e-mail address exists"}
	}
	if err != nil {
		return err
	}
	for _, r := range user.Roles {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, user.ID, string(r)); err != nil {
			return err
		}
	}
	return nil
}

// CreateActivation issues a new activation token; earlier ones stop
// working.
func (s *UserService) CreateActivation(ctx context.Context, userID string) (_ *fristad.Activation, err error) {
	defer wrapErr(&err, "UserService.CreateActivation")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionUserActivation, nil, fristad.EFORBIDDEN); err != nil {
		return nil, err
	}
	var a *fristad.Activation
	err = s.db.write(ctx, func(tx *Tx) error {
		users, err := findUsers(ctx, tx, fristad.UserFilter{ID: &userID})
		if err != nil {
			return err
		}
		if len(users) == 0 {
			return fristad.Errorf(fristad.ENOTFOUND, "not found")
		}
		if a, err = createActivation(ctx, tx, users[0]); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "user.activation", ObjectType: "user", ObjectID: userID})
	})
	return a, err
}

func createActivation(ctx context.Context, tx *Tx, user *fristad.User) (*fristad.Activation, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM activations WHERE user_id = $1`, user.ID); err != nil {
		return nil, err
	}
	a := &fristad.Activation{UserID: user.ID, Email: user.Email, Token: auth.NewToken(), ExpiresAt: tx.now.Add(fristad.ActivationTTL)}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO activations (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		auth.HashToken(a.Token), user.ID, tx.now, a.ExpiresAt)
	return a, err
}

// DisableUser disables an account and ends its sessions.
func (s *UserService) DisableUser(ctx context.Context, id string) (err error) {
	defer wrapErr(&err, "UserService.DisableUser")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionUserDisable, nil, fristad.EFORBIDDEN); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $1, updated_at = $1 WHERE id = $2 AND disabled_at IS NULL`, tx.now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1`, id).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return fristad.Errorf(fristad.ENOTFOUND, "not found")
			}
			return nil // already disabled
		}
		if err := endUserSessions(ctx, tx, id); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "user.disable", ObjectType: "user", ObjectID: id})
	})
}

// endUserSessions ends every session and pending login of a user, so a
// change to the account takes effect on the very next request (SR-12).
func endUserSessions(ctx context.Context, tx *Tx, userID string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM pending_logins WHERE user_id = $1`, userID)
	return err
}

// BootstrapAdministrator creates the first administrator.
func (s *UserService) BootstrapAdministrator(ctx context.Context, org *fristad.Organisation, email string) (_ *fristad.User, _ *fristad.Activation, err error) {
	defer wrapErr(&err, "UserService.BootstrapAdministrator")
	if a := fristad.ActorFromContext(ctx); a == nil || a.System == "" {
		return nil, nil, fristad.Errorf(fristad.EFORBIDDEN, "only the command line bootstraps")
	}
	user := &fristad.User{Email: email, OrganisationID: "-", Roles: []fristad.Role{fristad.RoleAdministrator}}
	if err := user.Validate(); err != nil {
		return nil, nil, err
	}
	var a *fristad.Activation
	err = s.db.write(ctx, func(tx *Tx) error {
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM user_roles WHERE role = 'administrator'`).Scan(&admins); err != nil {
			return err
		}
		if admins > 0 {
			return fristad.Errorf(fristad.ECONFLICT, "an administrator exists already; ask them to create your account")
		}
		existing, err := findOrganisations(ctx, tx, fristad.OrganisationFilter{Name: &org.Name})
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			*org = *existing[0]
		} else {
			if err := org.Validate(); err != nil {
				return err
			}
			if err := createOrganisation(ctx, tx, org); err != nil {
				return err
			}
		}
		user.OrganisationID = org.ID
		if err := createUser(ctx, tx, user); err != nil {
			return err
		}
		if a, err = createActivation(ctx, tx, user); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "user.bootstrap", ObjectType: "user", ObjectID: user.ID})
	})
	if err != nil {
		return nil, nil, err
	}
	return user, a, nil
}

// SetRoles replaces a user's roles and ends their sessions.
func (s *UserService) SetRoles(ctx context.Context, id string, roles []fristad.Role) (err error) {
	defer wrapErr(&err, "UserService.SetRoles")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionUserRoles, nil, fristad.EFORBIDDEN); err != nil {
		return err
	}
	probe := fristad.User{Email: "x@example.org", OrganisationID: "-", Roles: roles}
	if err := probe.Validate(); err != nil {
		return err
	}
	if actor.UserID == id && !probe.Has(fristad.RoleAdministrator) {
		return fristad.Localized(fristad.EINVALID, "user.roles.self", nil, "you cannot take away your own administrator role")
	}
	return s.db.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fristad.Errorf(fristad.ENOTFOUND, "not found")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1`, id); err != nil {
			return err
		}
		var names []string
		for _, r := range probe.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, id, string(r)); err != nil {
				return err
			}
			names = append(names, string(r))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET updated_at = $1 WHERE id = $2`, tx.now, id); err != nil {
			return err
		}
		if err := endUserSessions(ctx, tx, id); err != nil {
			return err
		}
		if err := notify(ctx, tx, id, "roles.changed"); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "user.roles", ObjectType: "user", ObjectID: id, Purpose: strings.Join(names, ",")})
	})
}
