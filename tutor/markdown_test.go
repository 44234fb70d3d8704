// These tests hold the lesson's drawing to its promises on every chapter
// of the real book, at both sizes the tutor is tried at: prose fits the
// window, code and diagrams are never wrapped, commands never split.

package main

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/docs"
)

var fenceRE = regexp.MustCompile("(?ms)^```[a-z]*\n(.*?)^```")

func TestEveryChapterDrawsWhole(t *testing.T) {
	files, err := fs.Glob(docs.FS, "*.md")
	require.NoError(t, err)
	for _, file := range files {
		src, err := fs.ReadFile(docs.FS, file)
		require.NoError(t, err)
		for _, window := range []int{80, 120} {
			p := renderPage(src, pageWidth(window))
			plain := map[string]bool{}
			for i, l := range p.lines {
				text := l.plain()
				plain[strings.TrimSpace(text)] = true
				if !l.wide {
					assert.LessOrEqual(t, l.width(), pageWidth(window), "%s at %d: line %d is wider than the page: %q", file, window, i, text)
				}
			}
			// Every line of every code block is one line on screen, as written.
			for _, block := range fenceRE.FindAllStringSubmatch(string(src), -1) {
				for _, line := range strings.Split(strings.TrimSuffix(block[1], "\n"), "\n") {
					line = strings.TrimSpace(strings.ReplaceAll(line, "\t", "    "))
					if line != "" && !strings.HasPrefix(line, "<!--") {
						assert.True(t, plain[line], "%s at %d: code line split or lost: %q", file, window, line)
					}
				}
			}
			// Every code span (a command, a name) is whole on one line.
			for _, l := range p.lines {
				for _, s := range l.spans {
					assert.NotContains(t, s.text, "\n")
				}
			}
			for _, lk := range p.links {
				assert.GreaterOrEqual(t, lk.line, 0, "%s: link %q was drawn", file, lk.dest)
			}
		}
	}
}

func TestWrapLeavesNoLonelyLastWord(t *testing.T) {
	atoms := func(s string) []atom {
		var out []atom
		for i, w := range strings.Fields(s) {
			out = append(out, atom{text: w, link: -1, space: i > 0})
		}
		return out
	}
	lines := wrapAtoms(atoms("a line that runs just over the width until it"), 42)
	last := lines[len(lines)-1]
	assert.Greater(t, len(last), 1, "the last line has more than one word: %v", last)
	assert.Equal(t, []string{"one two three four", "five six"}, wrap("one two three four five six", 20, ""))
}

func TestCodeSpansAreNeverSplit(t *testing.T) {
	p := renderPage([]byte("Run `go run ./stage4-tasks -addr 127.0.0.1:9000 -n 10000` to see it.\n"), 30)
	found := false
	for _, l := range p.lines {
		if strings.Contains(l.plain(), "go run ./stage4-tasks -addr 127.0.0.1:9000 -n 10000") {
			found = true
			assert.True(t, l.wide, "a command wider than the page scrolls sideways")
		}
	}
	assert.True(t, found)
}

func TestWideLinesShowWhereTheyAreCut(t *testing.T) {
	p := renderPage([]byte("```\n0123456789abcdefghijklmnopqrstuvwxyz\n```\n"), 20)
	require.Len(t, p.lines, 1)
	assert.Equal(t, "    0123456789abcde→", p.lines[0].view(0, 20, -1))
	assert.Equal(t, "←56789abcdefghijklm→", p.lines[0].view(8, 20, -1))
}

func TestResolveLink(t *testing.T) {
	for _, tt := range []struct {
		dest string
		img  bool
		want target
	}{
		{dest: "stage2-statemachine.md", want: target{kind: linkChapter, file: "stage2-statemachine.md"}},
		{dest: "why-event-loops.md#threads-or-an-event-loop", want: target{kind: linkChapter, file: "why-event-loops.md", anchor: "threads-or-an-event-loop"}},
		{dest: "#the-idea", want: target{kind: linkChapter, file: "stage1-callbacks.md", anchor: "the-idea"}},
		{dest: "../stage1-callbacks/loop.go", want: target{kind: linkCode, path: "stage1-callbacks/loop.go"}},
		{dest: "../stage1-callbacks/", want: target{kind: linkCode, path: "stage1-callbacks/"}},
		{dest: "img/stage1-callbacks.svg", img: true, want: target{kind: linkWaterfall, path: "img/stage1-callbacks.svg", stage: "stage1-callbacks"}},
		{dest: "img/epoll.svg", img: true, want: target{kind: linkPicture, path: "img/epoll.svg"}},
		{dest: "https://go.dev/", want: target{kind: linkWeb, url: "https://go.dev/"}},
	} {
		assert.Equal(t, tt.want, resolveLink("stage1-callbacks.md", pageLink{dest: tt.dest, image: tt.img}), tt.dest)
	}
}
