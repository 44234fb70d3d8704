// This file specifies the book itself: its reading order, that every
// chapter renders, every link resolves and every excerpt matches its source.

package book

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loopfromscratch/loop/docs"
)

func TestMain(m *testing.M) {
	// chroma's lexers use regexp2, whose timeout clock is a goroutine that
	// sleeps in 100 ms steps and stops on its own once no regexp runs.
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/dlclark/regexp2/v2.runClock"))
}

// repoRoot is the repository: tests run in internal/book.
const repoRoot = "../.."

// notYetWritten lists link targets that chapters already point to but that
// others are still writing or generating. A link to one of them is logged,
// not failed; the book renders it as plain text until it exists. Remove an
// entry when its file lands — the test tells you when that happens.
var notYetWritten = map[string]string{}

func loadBook(t *testing.T) *Book {
	t.Helper()
	b, err := Load(docs.FS)
	require.NoError(t, err, "loading the embedded book")
	return b
}

func TestReadingOrder(t *testing.T) {
	b := loadBook(t)

	t.Run("the index lists every chapter in docs/", func(t *testing.T) {
		assert.Empty(t, b.Unlisted, "chapters missing from the reading order in docs/README.md")
	})
	t.Run("every chapter has a level-1 title", func(t *testing.T) {
		for _, c := range b.All() {
			assert.NotEqual(t, c.File, c.Title, "%s has no '# Title' line", c.File)
		}
	})
	t.Run("the order is the index's ordered list", func(t *testing.T) {
		order, err := readingOrder([]byte("# Book\n\nIntro [not this](x.md).\n\n1. [One](one.md)\n2. [Two](two.md#part) and [one again](one.md)\n\n- [Three](three.md)\n"))
		require.NoError(t, err)
		assert.Equal(t, []string{"one.md", "two.md"}, order)
	})
	t.Run("an index without an ordered list is an error", func(t *testing.T) {
		_, err := Load(fstest.MapFS{"README.md": {Data: []byte("# Book\n\n- [One](one.md)\n")}})
		assert.ErrorContains(t, err, "no ordered list")
	})
	t.Run("an index that lists a missing chapter is an error", func(t *testing.T) {
		_, err := Load(fstest.MapFS{"README.md": {Data: []byte("# Book\n\n1. [One](one.md)\n")}})
		assert.ErrorContains(t, err, "one.md")
	})
}

func TestEveryChapterRenders(t *testing.T) {
	b := loadBook(t)
	for _, c := range b.All() {
		t.Run(c.File+" renders to HTML with its title", func(t *testing.T) {
			html, err := b.HTML(c)
			require.NoError(t, err, "rendering %s", c.File)
			assert.Contains(t, string(html), "<h1 id=", "%s: no level-1 heading in the HTML", c.File)
			assert.NotContains(t, string(html), `href=".md`, "%s: a link was not rewritten", c.File)
			page, err := b.page(c)
			require.NoError(t, err, "laying out %s", c.File)
			assert.Contains(t, string(page), `aria-current="page"`, "%s: the navigation does not mark it", c.File)
		})
	}
}

func TestEveryLinkResolves(t *testing.T) {
	b := loadBook(t)
	for _, c := range b.All() {
		for _, l := range b.Links(c) {
			t.Run(l.String()+" resolves", func(t *testing.T) {
				err := b.Resolve(l, repoRoot)
				if err == nil {
					file, _ := splitFragment(l.Dest)
					if _, ok := notYetWritten[file]; ok {
						t.Errorf("%s exists now: remove it from notYetWritten", file)
					}
					return
				}
				file, _ := splitFragment(l.Dest)
				if who, ok := notYetWritten[file]; ok {
					t.Logf("%s: not there yet (%s); shown as plain text until it is", l, who)
					return
				}
				t.Errorf("%s does not resolve: %v", l, err)
			})
		}
	}
}

func TestResolve(t *testing.T) {
	book, err := Load(fstest.MapFS{
		"README.md":  {Data: []byte("# Book\n\n1. [One](one.md)\n")},
		"one.md":     {Data: []byte("# One\n\n## Select, poll and epoll(7)\n\n## Twice\n\n## Twice\n")},
		"img/a.svg":  {Data: []byte("<svg></svg>")},
		"notes/x.md": {Data: []byte("x")},
	})
	require.NoError(t, err)
	tests := []struct {
		name  string
		dest  string
		image bool
		err   string
	}{
		{name: "a chapter resolves", dest: "one.md"},
		{name: "a heading anchor resolves the way GitHub spells it", dest: "one.md#select-poll-and-epoll7"},
		{name: "a repeated heading gets a numbered anchor", dest: "one.md#twice-1"},
		{name: "an anchor on the same page resolves", dest: "#twice"},
		{name: "an image in img/ resolves", dest: "img/a.svg", image: true},
		{name: "the index resolves", dest: "README.md"},
		{name: "a missing chapter is reported", dest: "two.md", err: "no chapter two.md"},
		{name: "a missing anchor is reported", dest: "one.md#nope", err: "no heading with the anchor #nope"},
		{name: "a missing image is reported", dest: "img/b.svg", image: true, err: "no file img/b.svg"},
		{name: "an absolute path is reported", dest: "/one.md", err: "absolute path"},
		{name: "a stage directory in the repository resolves", dest: "../stage1-callbacks/"},
		{name: "a missing repository path is reported", dest: "../no-such-stage/", err: "no such file or directory in the repository"},
		{name: "an image outside docs is reported", dest: "../stage1-callbacks/x.svg", image: true, err: "must live in docs/img/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := book.Resolve(Link{Chapter: "one.md", Dest: tt.dest, Image: tt.image}, repoRoot)
			if tt.err == "" {
				assert.NoError(t, err, "resolving %s", tt.dest)
			} else {
				assert.ErrorContains(t, err, tt.err, "resolving %s", tt.dest)
			}
		})
	}
}

func TestEveryExcerptMatchesItsSource(t *testing.T) {
	all, problems, err := CheckExcerpts(repoRoot)
	require.NoError(t, err, "reading the excerpts in docs/*.md")
	require.NotEmpty(t, all, "no excerpts found at all: is the marker syntax still <!-- excerpt: FILE REGION -->?")
	for _, p := range problems {
		if p.Err != nil {
			t.Errorf("%s\n(add the region to the source, or fix the excerpt comment)", p)
			continue
		}
		assert.Equal(t, p.Want, p.Body,
			"%s.\nchapter: docs/%s, line %d\nsource:  %s, region %s\nExpected is the source, actual is the chapter. To update the chapter: go run ./internal/book/cmd/excerpts -w",
			p, p.Chapter, p.Line, p.File, p.Region)
	}
	t.Logf("%d excerpts checked", len(all))
}

func TestChangingAQuotedLineIsCaught(t *testing.T) {
	// A copy of the repository's docs and stages, with one line of stage 1
	// that a chapter quotes changed.
	root := t.TempDir()
	stages, err := filepath.Glob(filepath.Join(repoRoot, "stage*"))
	require.NoError(t, err)
	for _, dir := range append(stages, filepath.Join(repoRoot, "docs")) {
		copyTree(t, dir, filepath.Join(root, filepath.Base(dir)))
	}
	all, before, err := CheckExcerpts(root)
	require.NoError(t, err)
	require.Empty(t, before, "the copy must match before the change")
	var quoted *Excerpt
	for i := range all {
		if strings.HasPrefix(all[i].File, "stage1-callbacks/") {
			quoted = &all[i]
			break
		}
	}
	require.NotNil(t, quoted, "no chapter quotes stage 1")
	source := filepath.Join(root, filepath.FromSlash(quoted.File))
	lines := strings.Split(quoted.Body, "\n")
	changed := lines[len(lines)/2]
	data, err := os.ReadFile(source)
	require.NoError(t, err)
	require.Contains(t, string(data), changed)
	require.NoError(t, os.WriteFile(source, []byte(strings.Replace(string(data), changed, changed+" // changed", 1)), 0o644))

	_, problems, err := CheckExcerpts(root)
	require.NoError(t, err)
	require.Len(t, problems, 1, "changing %q in %s", changed, quoted.File)
	assert.Equal(t, quoted.Region, problems[0].Region)
	assert.Contains(t, problems[0].Want, changed+" // changed")

	chapter := filepath.Join(root, "docs", quoted.Chapter)
	src, err := os.ReadFile(chapter)
	require.NoError(t, err)
	updated, n, err := UpdateExcerpts(root, quoted.Chapter, src)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "excerpts rewritten")
	assert.Contains(t, string(updated), changed+" // changed")
	require.NoError(t, os.WriteFile(chapter, updated, 0o644))
	_, problems, err = CheckExcerpts(root)
	require.NoError(t, err)
	assert.Empty(t, problems, "after the update")
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, os.CopyFS(to, os.DirFS(from)), "copying %s", from)
	require.NoError(t, filepath.WalkDir(to, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chmod(path, 0o644) // CopyFS keeps embed-like read-only modes
	}))
}

func TestRegion(t *testing.T) {
	src := "package x\n\n//docs:begin outer\n\nfunc f() {\n\t//docs:begin inner\n\tif ok {\n\t\treturn\n\t}\n\t//docs:end inner\n}\n\n//docs:end outer\n//docs:end stray\n//docs:begin twice\n//docs:begin twice\n//docs:begin open\n"
	tests := []struct {
		name   string
		region string
		want   string
		err    string
	}{
		{name: "drops the markers and the blank lines at both ends", region: "outer", want: "func f() {\n\tif ok {\n\t\treturn\n\t}\n}"},
		{name: "removes the indentation the lines share", region: "inner", want: "if ok {\n\treturn\n}"},
		{name: "reports a region that does not exist", region: "nope", err: "no region nope"},
		{name: "reports an end without a begin", region: "stray", err: "never begins"},
		{name: "reports a region that begins twice", region: "twice", err: "begins twice"},
		{name: "reports a region that never ends", region: "open", err: "never ends"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Region([]byte(src), tt.region)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestExcerpts(t *testing.T) {
	tests := []struct {
		name  string
		md    string
		found []string
		err   string
	}{
		{name: "finds an excerpt and its body", md: "x\n<!-- excerpt: a/b.go f -->\n```go\nfunc f() {}\n```\n", found: []string{"a/b.go f func f() {}"}},
		{name: "finds several", md: "<!-- excerpt: a.go f -->\n```go\nf\n```\n\n<!--excerpt: b.go g-->\n```go\ng\n```\n", found: []string{"a.go f f", "b.go g g"}},
		{name: "ignores an excerpt shown inside a longer fence", md: "````markdown\n<!-- excerpt: a.go f -->\n```go\nf\n```\n````\n<!-- excerpt: b.go g -->\n```go\ng\n```\n", found: []string{"b.go g g"}},
		{name: "ignores other comments", md: "<!-- a note -->\n```go\nx\n```\n"},
		{name: "wants the fence right after the comment", md: "<!-- excerpt: a.go f -->\n\n```go\nf\n```\n", err: "must be followed directly by a ```go line"},
		{name: "wants the fence closed", md: "<!-- excerpt: a.go f -->\n```go\nf\n", err: "never closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Excerpts("c.md", []byte(tt.md))
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			var found []string
			for _, e := range got {
				found = append(found, e.File+" "+e.Region+" "+e.Body)
			}
			assert.Equal(t, tt.found, found)
		})
	}
}

func TestContentsFollowTheReadingOrder(t *testing.T) {
	b, err := Load(docs.FS)
	require.NoError(t, err)
	require.Len(t, b.Contents, len(b.Chapters)-len(b.Unlisted), "one entry per listed chapter")
	for i, e := range b.Contents {
		assert.Equal(t, b.Chapters[i].File, e.File, "entry %d", i)
		assert.NotEmpty(t, e.Label, "%s has a label", e.File)
		assert.NotEmpty(t, e.Summary, "%s has a summary after its link", e.File)
		assert.NotContains(t, e.Summary, "—", "%s: the dash before the summary is left out", e.File)
	}
}
