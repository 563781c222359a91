package sqlstore

// The words of seeded cases: made-up names, places and notes in Swedish,
// as a case worker would write them. {alias} is her name or alias,
// {hon} ({Hon} at the start of a sentence), {henne} and {hennes} her pronouns, {språk} her language.

// seedTowns name the made-up towns of the seeded organisations.
var seedTowns = []string{
	"Björkvika", "Ekeholm", "Granåsen", "Lindforsa", "Sjöstaden", "Tallmoa", "Älvsunda", "Hagbyholm",
	"Strandvika", "Rönnbacka", "Kvarnåsa", "Ängsholma", "Furuvika", "Norrsjöby", "Västerlunda", "Östermoa",
	"Almvika", "Bäckeby", "Dalsunda", "Ekvikssund",
}

// seedNationality is a citizenship with the language and names that go
// with it.
type seedNationality struct {
	country      string
	languages    []string
	interpreter  bool
	female, male []string
	surnames     []string
}

var seedNationalities = []seedNationality{
	{"RO", []string{"ro"}, true, []string{"Andreea", "Ioana", "Elena", "Roxana", "Denisa", "Bianca", "Alina"}, []string{"Mihai", "Florin", "Ionuț", "Adrian"}, []string{"Popescu", "Ionescu", "Dumitru", "Munteanu", "Lungu", "Florea"}},
	{"BG", []string{"bg"}, true, []string{"Desislava", "Ivana", "Petya", "Gergana", "Radostina"}, []string{"Petar", "Georgi", "Stoyan"}, []string{"Dimitrova", "Georgieva", "Koleva", "Todorova"}},
	{"NG", []string{"en"}, false, []string{"Grace", "Blessing", "Joy", "Precious", "Favour", "Esther", "Mercy"}, []string{"Chinedu", "Emeka", "Tunde", "Samuel"}, []string{"Okafor", "Adeyemi", "Eze", "Nwosu", "Balogun"}},
	{"TH", []string{"th"}, true, []string{"Siriporn", "Malee", "Kanya", "Ploy", "Wanida"}, []string{"Somchai", "Anan"}, []string{"Srisuk", "Wongsa", "Saetang", "Chaiyasit"}},
	{"VN", []string{"vi"}, true, []string{"Linh", "Hoa", "Mai", "Trang", "Thu"}, []string{"Minh", "Tuan", "Duc", "Hung"}, []string{"Nguyen", "Tran", "Le", "Pham", "Hoang"}},
	{"UA", []string{"uk", "ru"}, true, []string{"Olena", "Iryna", "Oksana", "Kateryna", "Yuliia"}, []string{"Andrii", "Dmytro", "Serhii"}, []string{"Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko"}},
	{"CN", []string{"zh"}, true, []string{"Mei", "Xiu", "Ying", "Fang"}, []string{"Wei", "Jun"}, []string{"Wang", "Zhang", "Liu", "Chen"}},
	{"AL", []string{"sq"}, true, []string{"Arta", "Blerta", "Elira"}, []string{"Besnik", "Arben"}, []string{"Hoxha", "Krasniqi", "Gashi"}},
	{"MD", []string{"ro", "ru"}, true, []string{"Natalia", "Cristina", "Ana"}, []string{"Ion", "Vasile"}, []string{"Rusu", "Ceban", "Ciobanu"}},
	{"PH", []string{"tl", "en"}, false, []string{"Maricel", "Jocelyn", "Rowena", "Analyn"}, []string{"Jose", "Mark"}, []string{"Santos", "Reyes", "Cruz", "Bautista"}},
	{"SE", []string{"sv"}, false, []string{"Sara", "Emma", "Linnea", "Hanna", "Amanda"}, []string{"Johan", "Erik", "Oskar"}, []string{"Lindqvist", "Berg", "Holm", "Nyström", "Sandberg"}},
	{"PL", []string{"pl"}, true, []string{"Agnieszka", "Katarzyna", "Magdalena"}, []string{"Piotr", "Tomasz"}, []string{"Nowak", "Wójcik", "Lewandowska"}},
	{"ER", []string{"ti"}, true, []string{"Selam", "Senait", "Helen"}, []string{"Yonas", "Tesfay"}, []string{"Tesfamariam", "Ghebre", "Haile"}},
	{"MN", []string{"mn"}, true, []string{"Oyunchimeg", "Sarnai"}, []string{"Bat-Erdene"}, []string{"Bold", "Ganbaatar"}},
}

var seedNationalityWeights = []int{18, 10, 12, 8, 8, 8, 4, 4, 5, 4, 6, 4, 3, 2}

var seedLanguageNames = map[string]string{
	"ro": "rumänska", "bg": "bulgariska", "en": "engelska", "th": "thai", "vi": "vietnamesiska", "uk": "ukrainska",
	"zh": "kinesiska", "sq": "albanska", "tl": "tagalog", "sv": "svenska", "pl": "polska", "ti": "tigrinja", "mn": "mongoliska",
}

// seedStaffName returns the made-up name of seeded staff member i.
func seedStaffName(i int) string {
	first := []string{"Anna", "Karin", "Maria", "Lena", "Eva", "Sofia", "Johanna", "Ahmed", "Peter", "Lars", "Fatima", "Mikael", "Elin", "Nora", "Samir"}
	last := []string{"Lindqvist", "Ek", "Holmberg", "Sjöberg", "Åkesson", "Dahl", "Nyberg", "Karimi", "Berglund", "Falk", "Öhman"}
	return first[i%len(first)] + " " + last[(i/len(first)+i)%len(last)]
}

var seedHerViews = []string{
	"Jag är rädd att de hittar mig.",
	"Jag känner mig trygg här på boendet.",
	"Jag vill inte att min familj ska få veta något.",
	"Det är lugnare nu, jag sover bättre.",
	"Jag vill bara kunna jobba och skicka pengar hem.",
	"Jag litar inte på polisen än.",
	"Jag vill stanna i Sverige och lära mig språket.",
}

var seedRiskComments = []string{
	"Gärningspersonerna vet i vilken stad {hon} bor.",
	"Inga nya kontakter från gärningspersonerna sedan förra bedömningen.",
	"{alias} har fått meddelanden från ett okänt nummer.",
	"Skulden till den som ordnade resan är inte betald; påtryckningar mot familjen.",
	"Stabilt. {Hon} har ett nätverk på boendet.",
	"Rättegången närmar sig och {alias} är orolig inför den.",
}

var seedNeedsComments = []string{
	"Behöver tolk vid alla möten, på {språk}.",
	"Stort behov av vård och samtalsstöd; sover dåligt.",
	"Behöver eget boende på sikt och hjälp med ekonomin.",
	"Vill börja läsa svenska så snart som möjligt.",
	"Behöver juridisk rådgivning om uppehållstillstånd.",
}

var seedCrisisPlans = []string{
	"Ring 112. Boendets personal har en plan för flytt till annan ort samma dag.",
	"Vid hot: ring 112, sedan boendets jourtelefon. Handläggaren ordnar skyddat boende i annan kommun.",
	"Gå till närmaste polisstation. Personalen på boendet vet vart hon ska flyttas.",
}

var seedShortTerm = []string{
	"Stanna på boendet tills riskbedömningen görs om. Ingen kontakt med okända nummer.",
	"Nytt telefonnummer. {alias} går inte ensam till och från SFI.",
	"Byt väg till vårdcentralen; följe av personal de närmaste veckorna.",
}

var seedContacts = []string{
	"Boendets jourtelefon dygnet runt, handläggaren dagtid.",
	"Handläggaren vardagar 9–16, annars polisens kontaktperson.",
}

var seedPlaces = []string{
	"En lägenhet i Malmö", "Ett bygge i utkanten av Göteborg", "En restaurang i centrala Stockholm", "Ett hotell nära Arlanda",
	"En nagelsalong i Uppsala", "En gård utanför Kristianstad", "Ett lager i Jönköping", "Bärplockning i Norrland",
}

var seedNotes = []string{
	"Första samtalet med {alias}, med tolk på {språk}. {Hon} berättar om skulden till den som ordnade resan och är rädd för vad som händer om den inte betalas.",
	"Följde med {alias} till vårdcentralen för provtagning. Ny tid om två veckor.",
	"Kontakt med Migrationsverket om reflektionstid. Handläggaren där återkommer med besked.",
	"Möte med målsägandebiträdet inför förhöret. {alias} vill ha tolk på plats, inte per telefon.",
	"Hembesök på boendet. {alias} säger att {hon} sover bättre nu men äter dåligt.",
	"{alias} vill börja läsa svenska. Anmälan till SFI är skickad.",
	"{alias} fick ett sms från ett okänt nummer i går kväll. Polisen är informerad och säkerhetsplanen ska ses över.",
	"Samtal om återvändande. {alias} vill veta mer om stödet i hemlandet innan {hon} bestämmer sig.",
	"Ekonomiskt bistånd beviljat för innevarande månad.",
	"{alias} missade dagens möte. Nådde {henne} via boendet; ny tid på torsdag.",
	"Samordningsmöte med polisen och boendet. Nästa steg: förhör om två veckor.",
	"Läkarintyget har kommit och är sparat bland dokumenten.",
	"{alias} har börjat praktik på ett kafé två dagar i veckan och trivs bra.",
	"Pratade om {hennes} mål i planen. Körkort och eget boende är viktigast för {henne} just nu.",
	"Tolken uteblev och mötet flyttades. Ny tolk på {språk} är bokad.",
	"{alias} berättar att familjen i hemlandet har fått besök av personer som frågat efter {henne}.",
	"Telefonuppföljning: allt lugnt, inga nya kontakter från gärningspersonerna.",
	"Ansökan om tillfälligt uppehållstillstånd är inlämnad av förundersökningsledaren.",
	"Tid hos tandläkaren bokad. {alias} behöver följe dit.",
	"Samtal med terapeuten (med samtycke): {alias} går regelbundet och vill fortsätta.",
	"Gick igenom säkerhetsplanen tillsammans med {alias}. Inga ändringar behövs.",
	"Överlämning inför semestern: en kollega tar över kontakten under tre veckor.",
	"{alias} har flyttat till ett träningsboende. Adressen finns under boenden.",
	"Besök på Skatteverket för samordningsnummer tillsammans med {alias}.",
}

var seedOrganisationNotes = []string{
	"Intern bedömning: vi behöver göra om riskbedömningen efter helgens händelse.",
	"Egen anteckning: {alias} verkar inte berätta allt om kontakterna med sin tidigare partner.",
	"Diskuterat i ärendedragning; vi väntar med anmälan till socialnämnden.",
}

var seedCorrections = []string{
	"Rättelse: mötet var på tisdagen, inte på måndagen.",
	"Rättelse: tolken var på plats; det var målsägandebiträdet som fick förhinder.",
}

var seedTaskTitles = []string{
	"Boka tolk på {språk} till nästa möte",
	"Skicka läkarintyget till målsägandebiträdet",
	"Följ upp ansökan om ekonomiskt bistånd",
	"Boka möte med Migrationsverket",
	"Förbered samordningsmötet med polisen",
	"Kontrollera att anmälan till SFI har kommit fram",
	"Beställ ett nytt resekort",
	"Se över säkerhetsplanen med {alias}",
	"Ring tandläkaren och boka om tiden",
	"Följ upp hur praktiken går",
}

// seedDocument is a kind of document a case keeps.
type seedDocument struct{ name, description, content string }

var seedDocuments = []seedDocument{
	{"lakarintyg", "Läkarintyg", "Läkarintyg\n\nPatienten {alias} har undersökts. Skador förenliga med det {hon} berättar."},
	{"beslut-reflektionstid", "Beslut om reflektionstid", "Beslut\n\nMigrationsverket beviljar reflektionstid i 30 dagar."},
	{"kallelse-forhor", "Kallelse till förhör", "Kallelse\n\n{alias} kallas till förhör. Tolk på {språk} är bokad."},
	{"intyg-sfi", "Intyg från SFI", "Intyg\n\n{alias} deltar i undervisning i svenska för invandrare."},
	{"hyreskontrakt", "Andrahandskontrakt, träningsboende", "Hyresavtal\n\nTräningslägenhet i andra hand, sex månader."},
}

var seedGoals = []string{
	"Lära mig svenska.",
	"Få ett eget boende.",
	"Hitta ett arbete.",
	"Ta körkort.",
	"Få träffa mina barn igen.",
	"Gå en utbildning till undersköterska.",
	"Återvända hem på ett säkert sätt.",
	"Må bättre och kunna sova.",
}

var seedResponsible = []string{
	"Boendets personal", "Tolkförmedlingen", "Målsägandebiträdet", "SFI-läraren", "Handläggaren", "Terapeuten på mottagningen",
}

var seedCancelReasons = []string{
	"Hon ville vänta.", "Platsen blev inte av.", "Ersatt av en annan insats.",
}

var seedPhaseReasons = []string{
	"Väntar på rättegången.", "Behandlingen hos terapeuten fortsätter.", "Boendet i nästa fas är inte klart än.",
}

var seedReviewNotes = []string{
	"Uppföljning med {alias}: det går framåt med svenskan.",
	"{alias} trivs i boendet och har börjat praktik.",
	"Tungt just nu; fler samtal hos terapeuten.",
	"Målen står kvar. Nästa steg är eget boende.",
}

var seedEndNotes = []string{
	"Planen avslutad enligt överenskommelse med {alias}.",
	"{alias} har flyttat till egen lägenhet och har arbete.",
	"Ingen kontakt sedan flera månader; planen avslutas.",
}
