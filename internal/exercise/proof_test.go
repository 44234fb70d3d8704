package exercise

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ProofEnv turns the proof on: "1" (or "all") proves every exercise, a
// comma-separated list of ids proves those. CI runs
//
//	EXERCISE_PROOF=1 go test ./internal/exercise -run TestProof -v -timeout 60m
//
// Without it the proof is skipped: it runs a stage's tests twice per
// exercise, which takes minutes.
const ProofEnv = "EXERCISE_PROOF"

// TestProofEveryStubFailsNamingItsExerciseAndTheReferencePasses is what CI
// asks of every exercise, in a scratch copy of the repository: started,
// its stage's tests fail within the limit with output that names it;
// restored, the stage is byte for byte what it was and its tests pass.
func TestProofEveryStubFailsNamingItsExerciseAndTheReferencePasses(t *testing.T) {
	want := os.Getenv(ProofEnv)
	if want == "" {
		t.Skipf("set %s=1 (or to a list of ids) to prove the exercises: it runs each stage's tests twice per exercise", ProofEnv)
	}
	only := map[string]bool{}
	if want != "1" && want != "all" {
		for _, id := range strings.Split(want, ",") {
			only[strings.TrimSpace(id)] = true
		}
	}
	scratch := scratchCopy(t, repoRoot(t))
	w, err := OpenIn(scratch, t.TempDir())
	require.NoError(t, err, "open the scratch copy's workbook")
	proved := 0
	for _, ex := range w.Exercises() {
		if len(only) > 0 && !only[ex.ID] {
			continue
		}
		proved++
		t.Run(ex.ID, func(t *testing.T) {
			before := readStage(t, scratch, ex.Stage())
			ctx, cancel := contextFor(t, 2*Limit+time.Minute)
			defer cancel()

			_, err := w.Start(ex.ID)
			require.NoError(t, err, "start")
			r, err := w.Check(ctx, ex.ID)
			require.NoError(t, err, "check the stub")
			assert.Equal(t, Fail, r.Verdict, "the stub's verdict: %s", r)
			assert.Less(t, r.Elapsed, Limit, "the stub fails within the limit")
			assert.Contains(t, r.Output, NotWritten(ex.ID), "the failing output names the exercise")
			assert.Contains(t, r.Message, "exercise "+ex.ID, "the plain words name the exercise")
			t.Logf("stub: %s in %s", r, r.Elapsed.Round(time.Millisecond))
			status, err := w.Status(ex.ID)
			require.NoError(t, err)
			assert.Equal(t, Failing, status, "status after a failing check")

			require.NoError(t, w.Restore(ex.ID), "restore")
			assert.Equal(t, before, readStage(t, scratch, ex.Stage()), "the restored stage is byte for byte the reference")
			r, err = RunStage(ctx, scratch, ex.Stage(), Limit)
			require.NoError(t, err, "check the reference")
			assert.Equal(t, Pass, r.Verdict, "the reference's verdict: %s", r)
			t.Logf("reference: %s in %s", r.Verdict, r.Elapsed.Round(time.Millisecond))
		})
	}
	if len(only) > 0 {
		assert.Equal(t, len(only), proved, "every exercise named in %s exists", ProofEnv)
	}
}
