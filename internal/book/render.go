// This file holds Markdown to HTML: the one goldmark configuration, heading
// ids spelled as GitHub spells them, chroma for code, and the book's own
// renderers for links and images.

package book

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMarkdown is the one goldmark configuration of the book: GitHub
// flavoured Markdown (tables, strikethrough, autolinks, task lists) with an
// id on every heading. Raw HTML in the Markdown is not copied to the page
// (the excerpt markers are HTML comments; nothing else needs raw HTML).
func newMarkdown(options ...goldmark.Option) goldmark.Markdown {
	return goldmark.New(append([]goldmark.Option{
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	}, options...)...)
}

// parse parses a chapter with heading ids spelled the way GitHub spells
// them, so that "chapter.md#some-heading" works on a code host and here.
func parse(md goldmark.Markdown, src []byte) ast.Node {
	ctx := parser.NewContext(parser.WithIDs(&githubIDs{seen: map[string]int{}}))
	return md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
}

// githubIDs makes heading ids like GitHub does: lower case, letters,
// digits, '-' and '_' kept, spaces become '-', everything else dropped;
// a repeated id gets "-1", "-2", … appended.
type githubIDs struct{ seen map[string]int }

func (g *githubIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	for _, r := range strings.ToLower(string(value)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	id := b.String()
	if id == "" {
		id = "section"
	}
	n, dup := g.seen[id]
	g.seen[id] = n + 1
	if dup {
		id += "-" + strconv.Itoa(n)
		g.seen[id]++
	}
	return []byte(id)
}

func (g *githubIDs) Put(value []byte) { g.seen[string(value)]++ }

// Parse parses a chapter as the book does (GitHub flavoured Markdown,
// heading ids spelled as GitHub spells them, in the "id" attribute), for
// readers that draw the book some other way: the tutor's lesson view.
func Parse(src []byte) ast.Node { return parse(newMarkdown(), src) }

// headingIDs lists the anchors a chapter offers.
func headingIDs(src []byte) map[string]bool {
	ids := map[string]bool{}
	doc := parse(newMarkdown(), src)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			if id, ok := h.AttributeString("id"); ok {
				ids[string(id.([]byte))] = true
			}
		}
		return ast.WalkContinue, nil
	})
	return ids
}

// Node attributes the book sets on the syntax tree before rendering; the
// book's node renderers read them. They never reach the page.
const (
	attrUnlinked = "book-unlinked" // a link shown as text: value is the tooltip
	attrSVG      = "book-svg"      // an image drawn inline: value is the SVG
	attrMissing  = "book-missing"  // an image that does not exist (yet)
)

// The look of highlighted code: chroma writes CSS classes, and these two
// styles become the stylesheet at /chroma.css (light, and dark when the
// reader's system asks for it).
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

var codeFormatter = chromahtml.New(chromahtml.WithClasses(true))

// ChromaCSS is the stylesheet for highlighted code.
func ChromaCSS() ([]byte, error) {
	var buf bytes.Buffer
	if err := codeFormatter.WriteCSS(&buf, styles.Get(lightStyle)); err != nil {
		return nil, err
	}
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	if err := codeFormatter.WriteCSS(&buf, styles.Get(darkStyle)); err != nil {
		return nil, err
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

// HTML renders chapter c to an HTML fragment (the article, no layout).
func (b *Book) HTML(c *Chapter) ([]byte, error) {
	md := newMarkdown(goldmark.WithRendererOptions(
		renderer.WithNodeRenderers(util.Prioritized(nodeRenderer{}, 100)),
	))
	doc := parse(md, c.Source)
	var walkErr error
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			b.prepareLink(n)
		case *ast.Image:
			if err := b.prepareImage(n); err != nil {
				walkErr = err
				return ast.WalkStop, nil
			}
		}
		return ast.WalkContinue, nil
	})
	if walkErr != nil {
		return nil, fmt.Errorf("%s: %w", c.File, walkErr)
	}
	var out bytes.Buffer
	if err := md.Renderer().Render(&out, c.Source, doc); err != nil {
		return nil, fmt.Errorf("%s: %w", c.File, err)
	}
	return out.Bytes(), nil
}

// prepareLink points a chapter link at the served page. Links to code in
// the repository (outside docs/) have no page in the book; they are shown
// as text with a hint, never as a broken link. So is a link to a chapter
// that is not written yet.
func (b *Book) prepareLink(n *ast.Link) {
	dest := string(n.Destination)
	if !isLocal(dest) {
		return
	}
	file, fragment := splitFragment(dest)
	switch {
	case strings.HasPrefix(file, "../"):
		n.SetAttributeString(attrUnlinked, "in the repository: "+strings.TrimPrefix(file, "../"))
	case strings.HasSuffix(file, ".md"):
		c := b.Chapter(file)
		if c == nil {
			n.SetAttributeString(attrUnlinked, "not written yet: "+file)
			return
		}
		n.Destination = []byte(c.URL() + fragment)
	}
}

// prepareImage decides how an image is drawn: a local SVG inline (so it
// scales, and its text can be selected and searched), anything else as an
// <img>, a missing file as a note.
func (b *Book) prepareImage(n *ast.Image) error {
	dest := string(n.Destination)
	if !isLocal(dest) {
		return nil
	}
	file, _ := splitFragment(dest)
	data, err := fs.ReadFile(b.fsys, file)
	if err != nil {
		n.SetAttributeString(attrMissing, file)
		return nil
	}
	if path.Ext(file) == ".svg" {
		svg, err := inlineSVG(data)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		n.SetAttributeString(attrSVG, svg)
	}
	return nil
}

// inlineSVG strips what may precede <svg> in a file (an XML declaration, a
// doctype, comments) so the element can sit inside an HTML page.
func inlineSVG(data []byte) ([]byte, error) {
	i := bytes.Index(data, []byte("<svg"))
	if i < 0 {
		return nil, fmt.Errorf("not an SVG: no <svg> element")
	}
	return bytes.TrimSpace(data[i:]), nil
}

func splitFragment(dest string) (file, fragment string) {
	file, frag, ok := strings.Cut(dest, "#")
	if ok {
		fragment = "#" + frag
	}
	return path.Clean(file), fragment
}

// nodeRenderer draws what the book draws differently from goldmark:
// fenced code (highlighted by chroma), links (unlinked repository paths)
// and images (inline SVG).
type nodeRenderer struct{}

func (nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderCode)
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindImage, renderImage)
}

func renderCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.FencedCodeBlock)
	var code strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		code.Write(seg.Value(src))
	}
	lang := string(n.Language(src))
	lexer := lexers.Get(lang)
	if lexer == nil {
		lexer = lexers.Fallback
	}
	tokens, err := chroma.Coalesce(lexer).Tokenise(nil, code.String())
	if err != nil {
		return ast.WalkStop, err
	}
	if lang == "" {
		lang = "text"
	}
	fmt.Fprintf(w, `<div class="code" data-lang="%s">`, util.EscapeHTML([]byte(lang)))
	if err := codeFormatter.Format(w, styles.Get(lightStyle), tokens); err != nil {
		return ast.WalkStop, err
	}
	_, _ = w.WriteString("</div>\n")
	return ast.WalkSkipChildren, nil
}

func renderLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if hint, ok := n.AttributeString(attrUnlinked); ok {
		if entering {
			fmt.Fprintf(w, `<span class="unlinked" title="%s">`, util.EscapeHTML([]byte(hint.(string))))
		} else {
			_, _ = w.WriteString("</span>")
		}
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	dest := util.URLEscape(n.Destination, true)
	if html.IsDangerousURL(dest) {
		dest = nil
	}
	fmt.Fprintf(w, `<a href="%s"`, util.EscapeHTML(dest))
	if n.Title != nil {
		fmt.Fprintf(w, ` title="%s"`, util.EscapeHTML(n.Title))
	}
	if !isLocal(string(n.Destination)) && strings.Contains(string(n.Destination), "://") {
		_, _ = w.WriteString(` rel="external noreferrer"`)
	}
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

func renderImage(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	alt := util.EscapeHTML([]byte(plainText(n, src)))
	dest := util.EscapeHTML(util.URLEscape(n.Destination, true))
	switch {
	case hasAttr(n, attrSVG):
		svg, _ := n.AttributeString(attrSVG)
		fmt.Fprintf(w, `<span class="figure" role="img" aria-label="%s">`, alt)
		_, _ = w.Write(svg.([]byte))
		fmt.Fprintf(w, `<span class="caption">%s — <a href="%s">open the picture on its own</a></span></span>`, alt, dest)
	case hasAttr(n, attrMissing):
		fmt.Fprintf(w, `<span class="unlinked missing-picture">[picture not generated yet: %s]</span>`, alt)
	default:
		fmt.Fprintf(w, `<img src="%s" alt="%s">`, dest, alt)
	}
	return ast.WalkSkipChildren, nil
}

func hasAttr(n ast.Node, name string) bool {
	_, ok := n.AttributeString(name)
	return ok
}
