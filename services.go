package fristad

// Services are the domain services, each behind its interface: what the
// staff workspace, the API and the portal answer from. cmd/fristad fills
// it once from the store (sqlstore.NewServices) and hands each site what
// it needs — the portal only the public ones, through a read-only
// adapter.
type Services struct {
	Auth          AuthService
	Organisations OrganisationService
	Users         UserService
	Audit         AuditService
	Tokens        TokenService
	Passkeys      PasskeyService
	Cases         CaseService
	Residences    ResidenceService
	Assessments   AssessmentService
	Notes         NoteService
	Consents      ConsentService
	Tasks         TaskService
	Indicators    IndicatorService
	Documents     DocumentService
	Programmes    ProgrammeService
	Plans         PlanService
	Callbacks     CallbackService
	NoticeMail    NoticeMailService

	// The public side: what the portal reads and hands in.
	Directory     PublicDirectory
	PublicContent PublicContent
	CallbackInbox CallbackInbox
	// ContentStore keeps the portal's content drafts and editions, which
	// coordinators edit in the workspace and the API (IN-10).
	ContentStore ContentStore
}
