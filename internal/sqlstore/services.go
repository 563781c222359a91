package sqlstore

import (
	"fmt"

	"fristad"
)

// NewServices returns every domain service over db, each behind its
// interface: what cmd/fristad hands the sites.
//
// Each service is a small struct over the shared *DB, in the file of its
// noun (CaseService in case.go, NoteService in note.go, …); what every
// service shares — reaching a case through the policy, scoping by
// sensitivity, sealing and auditing — is in envelope.go.
func NewServices(db *DB) fristad.Services {
	callbacks, content := NewCallbackService(db), NewContentStore(db)
	return fristad.Services{
		Auth:          NewAuthService(db),
		Organisations: NewOrganisationService(db),
		Users:         NewUserService(db),
		Audit:         NewAuditService(db),
		Tokens:        NewTokenService(db),
		Passkeys:      NewPasskeyService(db),
		Cases:         NewCaseService(db),
		Residences:    NewResidenceService(db),
		Assessments:   NewAssessmentService(db),
		Notes:         NewNoteService(db),
		Consents:      NewConsentService(db),
		Tasks:         NewTaskService(db),
		Indicators:    NewIndicatorService(db),
		Documents:     NewDocumentService(db),
		Programmes:    NewProgrammeService(db),
		Plans:         NewPlanService(db),
		Callbacks:     callbacks,
		NoticeMail:    NewNoticeMailService(db),
		Directory:     NewDirectoryService(db),
		PublicContent: content,
		CallbackInbox: callbacks,
		ContentStore:  content,
	}
}

// wrapErr prefixes a failure with the service method it left through, so
// a logged internal error says where it came from. The chain is kept (%w):
// fristad.ErrorCode and errors.Is still see the cause. Only the method's
// name is added, never an argument, which could be personal data.
func wrapErr(errp *error, method string) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", method, *errp)
	}
}
