package fristad_test

import (
	"strings"
	"testing"

	"fristad"
)

// TestCanCallback checks who takes a call-back request (IN-08): the
// regional coordinator of its county, the national coordinator when it
// has none or no regional coordinator serves it, and nobody else.
func TestCanCallback(t *testing.T) {
	coordinator := &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: []fristad.Role{fristad.RoleCoordinator}}
	worker := &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: []fristad.Role{fristad.RoleCaseWorker}}
	readToken := &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: []fristad.Role{fristad.RoleCoordinator}, TokenScope: "read"}
	regionalAB := func(region string, covered bool) *fristad.CallbackAccess {
		return &fristad.CallbackAccess{Region: region, Covered: covered, OrgType: "regional_coordinator", OrgCounty: "AB"}
	}
	national := func(region string, covered bool) *fristad.CallbackAccess {
		return &fristad.CallbackAccess{Region: region, Covered: covered, OrgType: "national_coordinator"}
	}
	for _, tt := range []struct {
		name   string
		actor  *fristad.Actor
		action fristad.Action
		record *fristad.CallbackAccess
		want   bool
	}{
		{"regional coordinator, own county", coordinator, fristad.ActionCallbackRead, regionalAB("AB", true), true},
		{"regional coordinator handles, own county", coordinator, fristad.ActionCallbackHandle, regionalAB("AB", true), true},
		{"regional coordinator, other county", coordinator, fristad.ActionCallbackRead, regionalAB("M", true), false},
		{"regional coordinator, no county", coordinator, fristad.ActionCallbackRead, regionalAB("", false), false},
		{"regional coordinator without a county of its own", coordinator, fristad.ActionCallbackRead,
			&fristad.CallbackAccess{Region: "", OrgType: "regional_coordinator"}, false},
		{"national coordinator, no county", coordinator, fristad.ActionCallbackRead, national("", false), true},
		{"national coordinator, county no one serves", coordinator, fristad.ActionCallbackHandle, national("C", false), true},
		{"national coordinator, county served", coordinator, fristad.ActionCallbackRead, national("AB", true), false},
		{"case worker of a coordinating organisation", worker, fristad.ActionCallbackRead, national("", false), false},
		{"coordinator of another organisation type", coordinator, fristad.ActionCallbackRead,
			&fristad.CallbackAccess{Region: "", OrgType: "social_services"}, false},
		{"read token reads", readToken, fristad.ActionCallbackRead, national("", false), true},
		{"read token handles", readToken, fristad.ActionCallbackHandle, national("", false), false},
		{"another action", coordinator, fristad.ActionCaseRead, national("", false), false},
		{"nobody", nil, fristad.ActionCallbackRead, national("", false), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fristad.Can(tt.actor, tt.action, tt.record); got != tt.want {
				t.Errorf("Can = %v; want %v", got, tt.want)
			}
		})
	}
}

// TestCountyOf checks how an organisation's free-text region is read as
// a county.
func TestCountyOf(t *testing.T) {
	for in, want := range map[string]string{
		"Stockholms län": "AB", "stockholm": "AB", "AB": "AB", "SE-ab": "AB", " Skåne län ": "M", "Skåne": "M",
		"Västra Götaland": "O", "Demolän": "", "": "", "Grannlän": "",
	} {
		if got := fristad.CountyOf(in); got != want {
			t.Errorf("CountyOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCallbackValidate checks a request is refused with every bad field
// named, and normalised when good.
func TestCallbackValidate(t *testing.T) {
	good := fristad.CallbackRequest{Channel: "whatsapp", Phone: "+46  70-123 45 67", Times: []string{"weekend"}, Language: "fa-AF", Region: "M"}
	if err := good.Validate(); err != nil || good.Phone != "+46 70-123 45 67" {
		t.Errorf("a good request: %v, phone %q", err, good.Phone)
	}
	for name, tc := range map[string]struct {
		c    fristad.CallbackRequest
		want string
	}{
		"empty":            {fristad.CallbackRequest{}, "channel,phone,times,language"},
		"too few digits":   {fristad.CallbackRequest{Channel: "call", Phone: "12345", TimeNote: "now", Language: "sv"}, "phone"},
		"letters":          {fristad.CallbackRequest{Channel: "call", Phone: "070 ring mig", TimeNote: "now", Language: "sv"}, "phone"},
		"note too long":    {fristad.CallbackRequest{Channel: "call", Phone: "0701234567", TimeNote: strings.Repeat("a", 301), Language: "sv"}, "time_note"},
		"control in note":  {fristad.CallbackRequest{Channel: "call", Phone: "0701234567", TimeNote: "a\u202eb", Language: "sv"}, "time_note"},
		"unknown region":   {fristad.CallbackRequest{Channel: "call", Phone: "0701234567", TimeNote: "now", Language: "sv", Region: "Demolän"}, "region"},
		"unknown time":     {fristad.CallbackRequest{Channel: "call", Phone: "0701234567", Times: []string{"night"}, Language: "sv"}, "times"},
		"language escapes": {fristad.CallbackRequest{Channel: "call", Phone: "0701234567", TimeNote: "now", Language: "sv\"><"}, "language"},
	} {
		err := tc.c.Validate()
		var fields []string
		for _, fe := range fristad.FieldErrors(err) {
			fields = append(fields, fe.Field)
			if fe.Code != fristad.EINVALID || fe.Key == "" {
				t.Errorf("%s: %+v has no code or key", name, fe)
			}
		}
		if got := strings.Join(fields, ","); got != tc.want {
			t.Errorf("%s: fields %q, want %q", name, got, tc.want)
		}
	}
}
