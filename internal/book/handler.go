// This file holds the web site: every page rendered once into the layout,
// the routes that serve them, and the headers that keep the browser from
// fetching anything from elsewhere.

package book

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/loopfromscratch/loop/docs"
)

//go:embed book.css
var bookCSS []byte

// securityPolicy keeps every request on this server: the pages load their
// styles and pictures from here and nothing else, and run no script. The
// browser enforces it, so a stray external URL in a chapter cannot leak a
// request either.
const securityPolicy = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the book built into the program (docs.FS).
func Handler() (http.Handler, error) { return NewHandler(docs.FS) }

// HandlerAt serves the book built into the program from addr (host:port):
// the pages' links to the site (http://127.0.0.1:6060/, the default) name
// the address it is really served on.
func HandlerAt(addr string) (http.Handler, error) { return newHandler(docs.FS, addr) }

// defaultURL is how the chapters write the site's address.
const defaultURL = "http://" + DefaultAddr

// NewHandler serves the book in fsys as if on DefaultAddr; see newHandler.
func NewHandler(fsys fs.FS) (http.Handler, error) { return newHandler(fsys, DefaultAddr) }

// newHandler serves the book in fsys, on addr: "/" is the index, "/NAME.html" a
// chapter, "/img/…" the pictures, "/book.css" and "/chroma.css" the styles.
// Every page is rendered here, once, so a chapter that cannot be rendered
// is an error now rather than a broken page later.
func newHandler(fsys fs.FS, addr string) (http.Handler, error) {
	b, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	chromaCSS, err := ChromaCSS()
	if err != nil {
		return nil, err
	}
	pages := map[string][]byte{}
	for _, c := range b.All() {
		page, err := b.page(c)
		if err != nil {
			return nil, err
		}
		if addr != DefaultAddr {
			page = bytes.ReplaceAll(page, []byte(defaultURL), []byte("http://"+addr))
		}
		pages[c.URL()] = page
	}
	notFound, err := b.renderLayout(layoutData{
		Title: "No such page",
		Body:  template.HTML(`<h1>No such page</h1><p>This book has no page at that address. Start again from <a href="/">the index</a>.</p>`),
		Nav:   b.nav(nil),
	})
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", servePage(pages["./"]))
	mux.HandleFunc("GET /index.html", servePage(pages["./"]))
	for _, c := range b.Chapters {
		mux.HandleFunc("GET /"+c.URL(), servePage(pages[c.URL()]))
	}
	mux.HandleFunc("GET /book.css", serveBytes("text/css; charset=utf-8", bookCSS))
	mux.HandleFunc("GET /chroma.css", serveBytes("text/css; charset=utf-8", chromaCSS))
	if img, err := fs.Sub(fsys, "img"); err == nil {
		mux.Handle("GET /img/", http.StripPrefix("/img/", noDirListing(http.FileServerFS(img))))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		headers(w, "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(notFound)
	})
	return mux, nil
}

// headers sets the Content-Type and the security headers every response
// of the book carries.
func headers(w http.ResponseWriter, contentType string) {
	w.Header().Set("Content-Type", contentType)
	securityHeaders(w)
}

// securityHeaders keeps the browser from loading anything from elsewhere,
// guessing content types or sending a referrer.
func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", securityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

func servePage(page []byte) http.HandlerFunc {
	return serveBytes("text/html; charset=utf-8", page)
}

func serveBytes(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		headers(w, contentType)
		_, _ = w.Write(body)
	}
}

// noDirListing answers 404 for directories: the pictures are linked from
// the chapters, there is nothing to browse.
func noDirListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || r.URL.Path[len(r.URL.Path)-1] == '/' {
			http.NotFound(w, r)
			return
		}
		securityHeaders(w) // the file server sets the Content-Type
		next.ServeHTTP(w, r)
	})
}

// A navEntry is one line of the side navigation.
type navEntry struct {
	Title   string
	URL     string
	Current bool
}

type layoutData struct {
	Title string
	Named bool // Title names the book already: the index

	Body       template.HTML
	Nav        []navEntry
	Prev, Next *navEntry
}

var layout = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}{{if not .Named}} — Loop from Scratch{{end}}</title>
<link rel="stylesheet" href="/book.css">
<link rel="stylesheet" href="/chroma.css">
</head>
<body>
<nav class="toc" aria-label="Chapters">
<a class="book-title" href="/">Loop from Scratch</a>
<ol>
{{- range .Nav}}
<li><a href="/{{if ne .URL "./"}}{{.URL}}{{end}}"{{if .Current}} aria-current="page" class="current"{{end}}>{{.Title}}</a></li>
{{- end}}
</ol>
</nav>
<main>
<article>
{{.Body}}
</article>
{{- if or .Prev .Next}}
<nav class="prevnext" aria-label="Previous and next chapter">
{{- with .Prev}}<a rel="prev" href="/{{if ne .URL "./"}}{{.URL}}{{end}}">← {{.Title}}</a>{{end}}
{{- with .Next}}<a rel="next" href="/{{.URL}}">{{.Title}} →</a>{{end}}
</nav>
{{- end}}
</main>
</body>
</html>
`))

func (b *Book) nav(current *Chapter) []navEntry {
	var entries []navEntry
	for _, c := range b.All() {
		title := c.Title
		if c == b.Index {
			title = "Contents"
		}
		entries = append(entries, navEntry{Title: title, URL: c.URL(), Current: c == current})
	}
	return entries
}

// page renders chapter c inside the layout.
func (b *Book) page(c *Chapter) ([]byte, error) {
	body, err := b.HTML(c)
	if err != nil {
		return nil, err
	}
	data := layoutData{Title: c.Title, Named: strings.Contains(c.Title, "Loop from Scratch"), Body: template.HTML(body), Nav: b.nav(c)}
	prev, next := b.neighbours(c)
	if prev != nil {
		data.Prev = &navEntry{Title: prev.Title, URL: prev.URL()}
		if prev == b.Index {
			data.Prev.Title = "Contents"
		}
	}
	if next != nil {
		data.Next = &navEntry{Title: next.Title, URL: next.URL()}
	}
	return b.renderLayout(data)
}

func (b *Book) renderLayout(data layoutData) ([]byte, error) {
	var buf bytes.Buffer
	if err := layout.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("page %q: %w", data.Title, err)
	}
	return buf.Bytes(), nil
}
