package i18n

import (
	"sync"

	"golang.org/x/text/language"
)

// PlanCatalog is the catalog of her printed support plan: a few
// messages in the languages the people it is for read, beyond the
// staff workspace's Swedish and English.
const PlanCatalog = "plan"

var planCatalog = sync.OnceValues(func() (*Catalog, error) { return Load(messages, "messages/plan", language.Swedish) })

// Plan returns the printed plan's catalog. Swedish is its base.
func Plan() *Catalog { return must(planCatalog()) }
