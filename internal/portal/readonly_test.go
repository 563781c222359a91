package portal_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/portal"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// TestPortalCannotReachTheStore gives the portal the real store, as
// cmd/fristad does, and then tries to get it back from what the portal
// holds: by type assertion on each value of its configuration, and by
// reflection through every field, pointer, interface and element inside
// them. It must find only functions, which reflection cannot look
// behind, and nothing with a method of the store.
func TestPortalCannotReachTheStore(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	services := sqlstore.NewServices(db.DB)
	cfg := portal.ReadOnly(services)
	if cfg.Directory == nil || cfg.Callbacks == nil || cfg.Content == nil {
		t.Fatal("the portal is not given the directory, the inbox or the published content")
	}
	// What the portal holds reads the store.
	if n, err := cfg.Content.PublishedEdition(t.Context()); err != nil || n != 0 {
		t.Errorf("PublishedEdition = %d, %v; want 0 from an empty store", n, err)
	}
	if _, err := cfg.Directory.PublicListings(t.Context(), "2026-12-01"); err != nil {
		t.Errorf("PublicListings: %v", err)
	}

	// Type assertions on what the portal holds.
	for name, v := range map[string]any{"Directory": cfg.Directory, "Callbacks": cfg.Callbacks, "Content": cfg.Content} {
		if _, ok := v.(*sqlstore.DB); ok {
			t.Errorf("portal.Config.%s is the store", name)
		}
		if _, ok := v.(fristad.CaseService); ok {
			t.Errorf("portal.Config.%s is a fristad.CaseService", name)
		}
		if _, ok := v.(fristad.ContentStore); ok {
			t.Errorf("portal.Config.%s is a fristad.ContentStore", name)
		}
		if _, ok := v.(fristad.CallbackService); ok {
			t.Errorf("portal.Config.%s is a fristad.CallbackService", name)
		}
		if _, ok := v.(interface{ Engine() string }); ok {
			t.Errorf("portal.Config.%s has the store's methods", name)
		}
	}

	// Reflection through everything the configuration holds.
	found, funcs := storeIn(services, cfg)
	for _, f := range found {
		t.Error(f)
	}
	if funcs < 5 {
		t.Errorf("the walk found %d functions; want at least the portal's 5 ways in", funcs)
	}
	// The walk does find the store where it is, however hidden.
	leaky := struct {
		Directory *struct{ d fristad.PublicDirectory }
	}{&struct{ d fristad.PublicDirectory }{services.Directory}}
	if found, _ := storeIn(services, leaky); !slices.ContainsFunc(found, func(f string) bool { return strings.Contains(f, "reaches the store") }) {
		t.Error("the walk does not find the store behind an unexported interface field")
	}
}

// storeIn walks v by reflection through every field, pointer, interface
// and element, and returns where it reaches the store (the database or
// any of the services over it) or anything with a method of one of them
// or of a service of case data, and how many functions it found, which it
// cannot look behind.
func storeIn(all fristad.Services, v any) (found []string, funcs int) {
	store := reflect.TypeFor[*sqlstore.DB]()
	methods := map[string]bool{}
	for _, typ := range append(serviceTypes(all), store) {
		for i := range typ.NumMethod() {
			methods[typ.Method(i).Name] = true
		}
	}
	services := []reflect.Type{
		reflect.TypeFor[fristad.CaseService](), reflect.TypeFor[fristad.NoteService](), reflect.TypeFor[fristad.DocumentService](),
		reflect.TypeFor[fristad.CallbackService](), reflect.TypeFor[fristad.ContentStore](), reflect.TypeFor[fristad.UserService](),
		reflect.TypeFor[fristad.AuditService](),
		// Not even the narrow interfaces: an implementation of them could
		// be the store.
		reflect.TypeFor[fristad.PublicDirectory](), reflect.TypeFor[fristad.PublicContent](), reflect.TypeFor[fristad.CallbackInbox](),
	}
	seen := map[uintptr]bool{}
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		if !v.IsValid() {
			return
		}
		typ := v.Type()
		base := typ
		for base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		if typ == store || base == store.Elem() || strings.HasPrefix(base.PkgPath(), "fristad/internal/sqlstore") {
			found = append(found, fmt.Sprintf("%s reaches the store: %s", path, typ))
		}
		for i := range typ.NumMethod() {
			if m := typ.Method(i).Name; methods[m] {
				found = append(found, fmt.Sprintf("%s (%s) has the store's method %s", path, typ, m))
			}
		}
		for _, s := range services {
			if typ.Implements(s) {
				found = append(found, fmt.Sprintf("%s (%s) is a %s", path, typ, s))
			}
		}
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk("*"+path, v.Elem())
		case reflect.Interface:
			walk(path, v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				walk(path+"."+typ.Field(i).Name, v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			if typ.Elem().Kind() == reflect.Uint8 {
				return // bytes, such as the assets' files
			}
			for i := range v.Len() {
				walk(path+"[]", v.Index(i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(path+"[key]", it.Key())
				walk(path+"[]", it.Value())
			}
		case reflect.Func:
			// A function shows its type and where its code is, never the
			// value a method value is bound to.
			if !v.IsNil() {
				funcs++
			}
		}
	}
	walk(reflect.TypeOf(v).String(), reflect.ValueOf(v))
	return found, funcs
}

// serviceTypes returns the types of the store's services in services.
func serviceTypes(services fristad.Services) []reflect.Type {
	var types []reflect.Type
	v := reflect.ValueOf(services)
	for i := range v.NumField() {
		if f := v.Field(i); !f.IsNil() {
			types = append(types, f.Elem().Type())
		}
	}
	return types
}
