// Package docs holds the book: the lessons as Markdown files, embedded so
// that the tutor's lesson view and the browser (go run ./tutor docs) show
// the very same text. The Markdown also reads well on a code host.
package docs

import "embed"

// FS holds every chapter (*.md, README.md is the index) at its root.
//
//go:embed *.md
var FS embed.FS
