// These tests check that the tutor quotes each stage's story from its
// doc.go, that every stage in the repository has one, and that the poller
// named is the one the stage sleeps in.

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryStageDocEndsWithWhatStillHurtsAndNext(t *testing.T) {
	root, err := findRoot(".")
	require.NoError(t, err, "finding the repository")
	stages, err := discoverStages(root)
	require.NoError(t, err, "discovering the stages")
	require.NotEmpty(t, stages, "stages in %s", root)
	for _, s := range stages {
		t.Run(s.Dir, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(root, s.Dir, "doc.go"))
			require.NoError(t, err, "reading doc.go")
			paras := docParagraphs(src)
			require.GreaterOrEqual(t, len(paras), 2, "paragraphs in the package comment of %s/doc.go", s.Dir)
			last := paras[len(paras)-2:]
			assert.Regexp(t, `^What still hurts: \S`, last[0], "the next-to-last paragraph of %s/doc.go", s.Dir)
			assert.Regexp(t, `^Next: \S`, last[1], "the last paragraph of %s/doc.go", s.Dir)
			assert.Equal(t, story{Hurts: last[0], Next: last[1]}, s.Story, "the story the tutor found for %s", s.Dir)
		})
	}
}

func TestStoryIsTheTwoParagraphsThatBeginWithItsWords(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want story
	}{
		{
			name: "each paragraph comes out on one line, as written",
			src:  "// Stage 9 does things.\n//\n// What still hurts: one,\n// two.\n//\n// Next: stage 10\n// (stage10-more) fixes it.\npackage main\n",
			want: story{Hurts: "What still hurts: one, two.", Next: "Next: stage 10 (stage10-more) fixes it."},
		},
		{
			name: "a missing Next paragraph is left empty",
			src:  "// Stage 9 does things.\n//\n// What still hurts: all of it.\npackage main\n",
			want: story{Hurts: "What still hurts: all of it."},
		},
		{
			name: "the words count only where a paragraph begins",
			src:  "// Stage 9 does things. What still hurts: nothing.\n// Next: is not a paragraph here.\npackage main\n",
			want: story{},
		},
		{
			name: "a list item is not a paragraph",
			src:  "// Stage 9.\n//\n//   - Next: an item.\n//\n// Next: the paragraph.\npackage main\n",
			want: story{Next: "Next: the paragraph."},
		},
		{
			name: "doc links come out as their text",
			src:  "// Stage 9.\n//\n// Next: a [Future] for each step.\npackage main\n",
			want: story{Next: "Next: a Future for each step."},
		},
		{
			name: "no package comment, no story",
			src:  "package main\n",
			want: story{},
		},
		{
			name: "a doc.go that does not parse has no story",
			src:  "// What still hurts: it.\npackage",
			want: story{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, storyFrom(docParagraphs([]byte(tc.src))))
		})
	}
}

func TestStoryOfAMissingDocIsEmpty(t *testing.T) {
	assert.Equal(t, story{}, storyOf(filepath.Join(t.TempDir(), "doc.go")))
}

func TestPollerIsTheOneTheStageSleepsIn(t *testing.T) {
	tests := []struct {
		name  string
		stage int
		goos  string
		want  string
	}{
		{"stage 1 sleeps in select(2)", 1, "linux", "select(2)"},
		{"stage 3 sleeps in select(2) on macOS too", 3, "darwin", "select(2)"},
		{"stage 4 sleeps in epoll on Linux", 4, "linux", "epoll"},
		{"stage 4 sleeps in kqueue on macOS", 4, "darwin", "kqueue"},
		{"a stage 4 elsewhere is not given a poller it does not have", 4, "windows", "its poller"},
		{"a trace without a stage number names no poller", 0, "linux", "its poller"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, pollerOf(tc.stage, tc.goos))
		})
	}
}
