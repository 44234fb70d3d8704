package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/loopfromscratch/loop/internal/slowserver"
	"github.com/loopfromscratch/loop/internal/stagecli"
	"github.com/loopfromscratch/loop/internal/stagetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const stage = "stage1-callbacks"

func TestContract(t *testing.T) { stagetest.Contract(t, stage, fetchAll) }

func TestRefusesFDsThatSelectCannotWatch(t *testing.T) {
	srv := stagetest.StartServer(t, slowserver.Config{Delay: stagetest.Delay})
	before := stagetest.OpenFDs(t)

	res := stagetest.Run(t, stage, fetchAll, "-addr", srv.Addr(), "-n", "1100")

	assert.Equal(t, stagecli.ExitFailed, res.Code, "exit code")
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	assert.Len(t, lines, 1, "one line on stderr: %q", res.Stderr)
	assert.Contains(t, res.Stderr, "FD_SETSIZE", "names select(2)'s limit")
	assert.Contains(t, res.Stderr, "stage4-tasks", "names the stage that lifts it")
	assert.NotContains(t, res.Stdout, "responses in", "no summary for a run that never ran")
	assert.Equal(t, before, stagetest.WaitForFDs(t, before), "every socket opened before the limit is closed")
}
