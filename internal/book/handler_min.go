// Package book turns the Markdown chapters in docs/ into the book: their
// reading order (from docs/README.md), the code excerpts they quote from the
// stages, and the local web site that `go run ./tutor docs` serves.
package book

import (
	"net/http"
)

// Handler serves the book from the embedded chapters.
func Handler() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><title>Loop from Scratch</title><p>The book is being written.</p>\n"))
	})
	return mux, nil
}
