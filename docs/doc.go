// Package docs holds the book: the lessons as Markdown files, embedded so
// that the tutor's lesson view and the browser (go run ./tutor docs) show
// the very same text. The Markdown also reads well on a code host.
package docs

import "embed"

// FS holds every chapter (*.md, README.md is the index) at its root and
// the pictures the chapters show in img/ (SVG waterfalls of real runs,
// made by `go run ./tutor run STAGE -svg docs/img/STAGE.svg`).
//
//go:embed *.md img/*.svg
var FS embed.FS
