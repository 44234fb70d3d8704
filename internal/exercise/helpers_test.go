package exercise

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/loopfromscratch/loop/internal/book"
)

// repoRoot is the repository these tests run in. They only read it.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := book.RepoRoot(".")
	require.NoError(t, err, "find the repository root")
	return root
}

// catalogue is the repository's catalogue, parsed.
func catalogue(t *testing.T) []Exercise {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot(t), CataloguePath))
	require.NoError(t, err, "read the catalogue")
	all, err := ParseCatalogue(src)
	require.NoError(t, err, "parse the catalogue")
	return all
}

// scratchCopy copies the module at root (all but .git) into a new
// temporary folder and returns it: tests change the copy, never the tree
// they run in.
func scratchCopy(t *testing.T, root string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, info.Mode().Perm())
	})
	require.NoError(t, err, "copy the module to a scratch folder")
	return dst
}

// readStage returns every file of a stage folder by name.
func readStage(t *testing.T, root, stage string) map[string]string {
	t.Helper()
	files := map[string]string{}
	entries, err := os.ReadDir(filepath.Join(root, stage))
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, stage, e.Name()))
		require.NoError(t, err)
		files[e.Name()] = string(b)
	}
	return files
}

// contextFor is a context that ends after limit or at the test's own
// deadline, whichever comes first.
func contextFor(t *testing.T, limit time.Duration) (context.Context, context.CancelFunc) {
	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-5*time.Second))
		inner, cancelInner := context.WithTimeout(ctx, limit)
		return inner, func() { cancelInner(); cancel() }
	}
	return context.WithTimeout(ctx, limit)
}
