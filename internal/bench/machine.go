// This file finds what the benchmark runs with: the repository it builds
// from, the programs it builds once into a temporary directory, the peers
// installed (Node, Python) and the machine line every report starts with.

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// setup is where everything lives for one benchmark run.
type setup struct {
	root   string // the module root: stage4-tasks/, slowserver/, internal/bench/peers/
	bin    string // a temporary directory holding the programs built once
	node   peer   // node, when installed
	python peer   // python3, when installed
}

// peer is an interpreter another implementation runs on.
type peer struct {
	path    string // "" when not installed
	version string // "v20.20.2", "3.11.7"
	missing string // why it is skipped, when path is ""
}

// The programs built into setup.bin.
const (
	stageTest  = "stage4.test" // stage4-tasks' test binary: BenchmarkSleep
	stageBin   = "stage4-tasks"
	serverBin  = "slowserver"
	goclientBn = "goclient"
	floorBin   = "floorclient"
)

// moduleRoot asks the go command where the module is: the directory of
// go.mod, as seen from the working directory.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the Loop from Scratch module: run from the repository (go run ./internal/bench)")
	}
	return filepath.Dir(gomod), nil
}

// build compiles what the chosen benchmarks need into s.bin, once: the
// stage's test binary for the sleep benchmark, the stage, the slow server
// and the Go client for the connections. It compiles the working tree as it
// is, so a stage being edited is measured as it stands.
func (s *setup) build(ctx context.Context, sleep, conns bool) error {
	if conns {
		args := []string{"build", "-o", s.bin + string(filepath.Separator),
			"./stage4-tasks", "./slowserver", "./internal/bench/peers/goclient", "./internal/bench/peers/floorclient"}
		if err := s.goCommand(ctx, args...); err != nil {
			return err
		}
	}
	if sleep {
		return s.goCommand(ctx, "test", "-c", "-o", filepath.Join(s.bin, stageTest), "./stage4-tasks")
	}
	return nil
}

// goCommand runs the go command in the module root, within five minutes.
func (s *setup) goCommand(ctx context.Context, args ...string) error {
	goPath, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("the go command is not in PATH: %w", err)
	}
	e, err := runChild(ctx, child{path: goPath, args: args, dir: s.root, limit: 5 * time.Minute})
	if err == nil && e.code != 0 {
		err = fmt.Errorf("%s", strings.TrimSpace(e.stderr))
	}
	if err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// findPeer looks for an interpreter in PATH and asks its version.
func findPeer(ctx context.Context, name, versionPrefix string) peer {
	path, err := exec.LookPath(name)
	if err != nil {
		return peer{missing: name + " not found in PATH"}
	}
	e, err := runChild(ctx, child{path: path, args: []string{"--version"}, limit: 10 * time.Second})
	if err != nil || e.code != 0 {
		return peer{missing: name + " --version failed: " + e.failure(err)}
	}
	out := strings.TrimSpace(string(e.stdout) + e.stderr) // Python 2 printed it on stderr
	return peer{path: path, version: strings.TrimPrefix(out, versionPrefix)}
}

// major is "20" for "v20.20.2" and "3.11" for "3.11.7": the version a
// column is named by.
func major(version string, parts int) string {
	fields := strings.SplitN(strings.TrimPrefix(version, "v"), ".", parts+1)
	return strings.Join(fields[:min(parts, len(fields))], ".")
}

// nodeName and pythonName are the columns the peers get.
func (s *setup) nodeName() string { return withVersion("Node", major(s.node.version, 1)) }
func (s *setup) pythonName() string {
	return withVersion("Python", major(s.python.version, 2)) + " asyncio"
}

// withVersion is "Node 20", or "Node" for a peer whose version is not known
// (not installed).
func withVersion(name, version string) string {
	if version == "" {
		return name
	}
	return name + " " + version
}

// machineLine names the machine and every tool measured, for the report's
// first line.
func (s *setup) machineLine() string {
	parts := []string{cpuModel(), fmt.Sprintf("%d cores", runtime.NumCPU()), kernel(),
		runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if s.node.path != "" {
		parts = append(parts, "Node "+s.node.version)
	}
	if s.python.path != "" {
		parts = append(parts, "Python "+s.python.version)
	}
	return "Machine: " + strings.Join(parts, ", ")
}

// cpuModel is the processor's name: /proc/cpuinfo's model name on Linux,
// machdep.cpu.brand_string on macOS.
func cpuModel() string {
	if runtime.GOOS == "darwin" {
		if out, err := exec.Command("sysctl", "-n", "machdep.cpu.brand_string").Output(); err == nil {
			return strings.TrimSpace(string(out))
		}
		return "unknown CPU"
	}
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if key, value, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown CPU"
}

// kernel is "Linux 6.8.0-45-generic" or "Darwin 23.6.0".
func kernel() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return runtime.GOOS
	}
	return unix.ByteSliceToString(u.Sysname[:]) + " " + unix.ByteSliceToString(u.Release[:])
}
