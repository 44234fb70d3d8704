// This file holds the operations the tutor calls: list, start, check,
// hint, solution, reset and restore, and the state they keep.

package exercise

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A Status is where a learner stands with an exercise.
type Status int

const (
	// NotStarted: the region holds the reference (or was restored), and
	// the exercise never passed.
	NotStarted Status = iota
	// InProgress: started (or reset) and not checked since.
	InProgress
	// Failing: started, and the last check failed.
	Failing
	// Passed: the last check of the started exercise passed; or the
	// exercise passed once and has been restored since.
	Passed
)

// String is the status as the tutor shows it: "not started", "in progress",
// "failing", "passed".
func (s Status) String() string {
	switch s {
	case NotStarted:
		return "not started"
	case InProgress:
		return "in progress"
	case Failing:
		return "failing"
	case Passed:
		return "passed"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// A Workbook is the exercises of one clone of the repository and the
// learner's state for them. Its methods may be called from several
// goroutines; they take turns.
type Workbook struct {
	// Root is the repository root, absolute.
	Root string
	// Dir is where the references and the progress are kept (StateDir).
	Dir string
	// Limit is how long Check lets a stage's tests run (Limit by default).
	Limit time.Duration

	exercises []Exercise
	mu        sync.Mutex
}

// StateDir is where the state of the clone at root is kept:
// <os.UserConfigDir()>/loopfromscratch/exercises/<base>-<hash>, beside the
// tutor's progress.json. The hash is of root's absolute path, so two clones
// never share references.
func StateDir(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	config, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(config, "loopfromscratch", "exercises", filepath.Base(abs)+"-"+hex.EncodeToString(sum[:6])), nil
}

// Open reads the catalogue of the repository at root and returns its
// workbook, with its state in StateDir(root).
func Open(root string) (*Workbook, error) {
	dir, err := StateDir(root)
	if err != nil {
		return nil, err
	}
	return OpenIn(root, dir)
}

// OpenIn is Open with the state kept in dir.
func OpenIn(root, dir string) (*Workbook, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(filepath.Join(abs, filepath.FromSlash(CataloguePath)))
	if err != nil {
		return nil, err
	}
	all, err := ParseCatalogue(src)
	if err != nil {
		return nil, err
	}
	return &Workbook{Root: abs, Dir: dir, Limit: Limit, exercises: all}, nil
}

// Exercises returns every exercise in the catalogue's order.
func (w *Workbook) Exercises() []Exercise { return append([]Exercise(nil), w.exercises...) }

// Exercise returns the exercise with id.
func (w *Workbook) Exercise(id string) (Exercise, error) {
	for _, e := range w.exercises {
		if e.ID == id {
			return e, nil
		}
	}
	return Exercise{}, fmt.Errorf("no exercise %q (go run ./tutor exercise list shows them)", id)
}

// An Entry is an exercise with the learner's status for it.
type Entry struct {
	Exercise
	Status Status
	Hints  int // hints shown so far
}

// List returns every exercise with its status, in the catalogue's order.
func (w *Workbook) List() ([]Entry, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	st, err := w.load()
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, e := range w.exercises {
		out = append(out, Entry{Exercise: e, Status: w.status(st, e.ID), Hints: st.Exercises[e.ID].Hints})
	}
	return out, nil
}

// Status returns where the learner stands with exercise id.
func (w *Workbook) Status(id string) (Status, error) {
	if _, err := w.Exercise(id); err != nil {
		return NotStarted, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	st, err := w.load()
	if err != nil {
		return NotStarted, err
	}
	return w.status(st, id), nil
}

func (w *Workbook) status(st *state, id string) Status {
	rec := st.Exercises[id]
	switch {
	case !w.started(id):
		if rec.EverPassed {
			return Passed
		}
		return NotStarted
	case rec.Last == lastPass:
		return Passed
	case rec.Last == lastFail:
		return Failing
	}
	return InProgress
}

// Started says where to begin writing.
type Started struct {
	File string // the file to open, relative to the root: "stage1-callbacks/selector.go"
	Line int    // the line of the first function to write, from 1
	// Already is true when the exercise was started before: nothing was
	// written.
	Already bool
	// Warning, when not "", says something the learner should know: the
	// region differs from the last commit (git), so what is kept as the
	// reference is the region as it was on disk.
	Warning string
}

// Start starts exercise id: the region as it is on disk is kept as the
// reference, and the stub is written in its place.
//
// Nothing a learner wrote is ever overwritten. Starting an exercise that is
// started already writes nothing (use Reset for the stub again). A region
// edited before Start is what Start keeps as the reference, so Restore
// brings the edit back; when git is there and the region differs from the
// last commit, Warning says so.
func (w *Workbook) Start(id string) (Started, error) {
	ex, err := w.Exercise(id)
	if err != nil {
		return Started{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	src, err := w.read(ex)
	if err != nil {
		return Started{}, err
	}
	m, err := findRegion(ex.File, src, id)
	if err != nil {
		return Started{}, err
	}
	if w.started(id) {
		return Started{File: ex.File, Line: m.Begin + 1, Already: true}, nil
	}
	region := inner(src, m)
	if strings.Contains(region, NotWritten(id)) {
		return Started{}, fmt.Errorf("the region of %s in %s is a stub already, but no reference is kept for it in %s; get the file back with git (git checkout -- %s)", id, ex.File, w.Dir, ex.File)
	}
	stub, line, err := Stub(src, ex)
	if err != nil {
		return Started{}, err
	}
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return Started{}, err
	}
	if err := os.WriteFile(w.refPath(id), []byte(region), 0o644); err != nil {
		return Started{}, err
	}
	if err := w.write(ex, stub); err != nil {
		_ = os.Remove(w.refPath(id))
		return Started{}, err
	}
	if err := w.update(id, func(r *record) { r.Last = "" }); err != nil {
		return Started{}, err
	}
	return Started{File: ex.File, Line: line, Warning: w.gitWarning(ex, region)}, nil
}

// gitWarning compares the region with the last commit's, if git can tell.
func (w *Workbook) gitWarning(ex Exercise, region string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "show", "HEAD:"+ex.File)
	cmd.Dir = w.Root
	committed, err := cmd.Output()
	if err != nil {
		return "" // no git, or not a clone: nothing to compare with
	}
	m, err := findRegion(ex.File, committed, ex.ID)
	if err != nil || inner(committed, m) == region {
		return ""
	}
	return fmt.Sprintf("the region of %s in %s differs from the last commit; it is kept as your reference as it was (restore brings it back; git checkout -- %s gives the committed one)", ex.ID, ex.File, ex.File)
}

// Check runs the tests of exercise id's stage and records the verdict when
// the exercise is started. err is for tests that could not run.
func (w *Workbook) Check(ctx context.Context, id string) (Result, error) {
	ex, err := w.Exercise(id)
	if err != nil {
		return Result{}, err
	}
	r, err := RunStage(ctx, w.Root, ex.Stage(), w.Limit)
	r.Exercise = id
	if err != nil {
		return r, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return r, w.record(id, r.Verdict)
}

// CheckStarted checks every started exercise, running each stage's tests
// once, in the catalogue's order. It returns one Result per started
// exercise; none when nothing is started.
func (w *Workbook) CheckStarted(ctx context.Context) ([]Result, error) {
	byStage := map[string]*Result{}
	var out []Result
	for _, ex := range w.exercises {
		w.mu.Lock()
		started := w.started(ex.ID)
		w.mu.Unlock()
		if !started {
			continue
		}
		r, ok := byStage[ex.Stage()]
		if !ok {
			res, err := RunStage(ctx, w.Root, ex.Stage(), w.Limit)
			if err != nil {
				return out, err
			}
			r = &res
			byStage[ex.Stage()] = r
		}
		res := *r
		res.Exercise = ex.ID
		w.mu.Lock()
		err := w.record(ex.ID, res.Verdict)
		w.mu.Unlock()
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// record keeps a verdict for a started exercise.
func (w *Workbook) record(id string, v Verdict) error {
	if !w.started(id) {
		return nil
	}
	return w.update(id, func(r *record) {
		if v == Pass {
			r.Last, r.EverPassed = lastPass, true
		} else {
			r.Last = lastFail
		}
	})
}

// Hint returns hint n (from 1) of exercise id and remembers that the
// learner has seen it.
func (w *Workbook) Hint(id string, n int) (string, error) {
	ex, err := w.Exercise(id)
	if err != nil {
		return "", err
	}
	if n < 1 || n > len(ex.Hints) {
		return "", fmt.Errorf("exercise %s has hints 1 to %d", id, len(ex.Hints))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	err = w.update(id, func(r *record) { r.Hints = max(r.Hints, n) })
	return ex.Hints[n-1], err
}

// NextHint returns the hint after the last one shown (the last one again
// once all are shown) and its number.
func (w *Workbook) NextHint(id string) (int, string, error) {
	ex, err := w.Exercise(id)
	if err != nil {
		return 0, "", err
	}
	w.mu.Lock()
	st, err := w.load()
	w.mu.Unlock()
	if err != nil {
		return 0, "", err
	}
	n := min(st.Exercises[id].Hints+1, len(ex.Hints))
	h, err := w.Hint(id, n)
	return n, h, err
}

// Solution returns the reference as a unified diff against the learner's
// file: "-" lines are theirs, "+" lines the reference's; "" when they are
// the same. For an exercise not started the reference is what is on disk,
// so the diff is empty.
func (w *Workbook) Solution(id string) (string, error) {
	ex, err := w.Exercise(id)
	if err != nil {
		return "", err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	src, err := w.read(ex)
	if err != nil {
		return "", err
	}
	if !w.started(id) {
		return "", nil
	}
	ref, err := w.reference(ex, src)
	if err != nil {
		return "", err
	}
	return unifiedDiff(ex.File+" (yours)", ex.File+" (reference)", string(src), string(ref)), nil
}

// reference returns src with id's region holding the kept reference.
func (w *Workbook) reference(ex Exercise, src []byte) ([]byte, error) {
	kept, err := os.ReadFile(w.refPath(ex.ID))
	if err != nil {
		return nil, fmt.Errorf("the reference of %s: %w", ex.ID, err)
	}
	m, err := findRegion(ex.File, src, ex.ID)
	if err != nil {
		return nil, err
	}
	return replaceInner(src, m, string(kept)), nil
}

// Reset writes the stub of a started exercise again. What the learner
// wrote in the region is kept in the state folder's backup/ first.
func (w *Workbook) Reset(id string) error {
	ex, err := w.Exercise(id)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.started(id) {
		return fmt.Errorf("exercise %s is not started (start it first)", id)
	}
	_, stub, err := w.replaceRegion(ex)
	if err != nil {
		return err
	}
	if err := w.write(ex, stub); err != nil {
		return err
	}
	return w.update(id, func(r *record) { r.Last = "" })
}

// replaceRegion is what Reset and Restore do before they write: it reads
// the file, finds the kept reference and makes the stub from it, and backs
// up what the learner wrote if the region is neither. Call it with w.mu
// held.
func (w *Workbook) replaceRegion(ex Exercise) (ref, stub []byte, err error) {
	src, err := w.read(ex)
	if err != nil {
		return nil, nil, err
	}
	if ref, err = w.reference(ex, src); err != nil {
		return nil, nil, err
	}
	if stub, _, err = Stub(ref, ex); err != nil {
		return nil, nil, err
	}
	return ref, stub, w.backup(ex, src, stub)
}

// Restore puts the reference of a started exercise back, byte for byte,
// and ends the exercise (a pass stays on record). What the learner wrote
// in the region is kept in the state folder's backup/ first.
func (w *Workbook) Restore(id string) error {
	ex, err := w.Exercise(id)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.started(id) {
		return fmt.Errorf("exercise %s is not started: its reference is in place", id)
	}
	ref, _, err := w.replaceRegion(ex)
	if err != nil {
		return err
	}
	if err := w.write(ex, ref); err != nil {
		return err
	}
	if err := os.Remove(w.refPath(id)); err != nil {
		return err
	}
	return w.update(id, func(r *record) { r.Last = "" })
}

// ResetAll writes the stub of every started exercise again and returns
// their ids: a workshop room back at the start of its exercises.
func (w *Workbook) ResetAll() ([]string, error) {
	return w.each(w.Reset)
}

// RestoreAll puts back the reference of every started exercise and returns
// their ids: the repository as it was checked out.
func (w *Workbook) RestoreAll() ([]string, error) {
	return w.each(w.Restore)
}

func (w *Workbook) each(op func(string) error) ([]string, error) {
	var done []string
	for _, ex := range w.exercises {
		w.mu.Lock()
		started := w.started(ex.ID)
		w.mu.Unlock()
		if !started {
			continue
		}
		if err := op(ex.ID); err != nil {
			return done, err
		}
		done = append(done, ex.ID)
	}
	return done, nil
}

// The state folder holds state.json (hints shown, last verdict, passes),
// one <id>.reference per started exercise (the region's text between its
// markers) and backup/ (what Reset and Restore replaced).

const (
	lastPass = "pass"
	lastFail = "fail"
)

type record struct {
	Hints      int    `json:"hints,omitempty"`       // hints shown
	Last       string `json:"last,omitempty"`        // last verdict since start or reset: "pass", "fail" or ""
	EverPassed bool   `json:"ever_passed,omitempty"` // passed at least once
}

type state struct {
	Root      string            `json:"root"`
	Exercises map[string]record `json:"exercises"`
}

func (w *Workbook) refPath(id string) string { return filepath.Join(w.Dir, id+".reference") }

func (w *Workbook) started(id string) bool {
	_, err := os.Stat(w.refPath(id))
	return err == nil
}

func (w *Workbook) load() (*state, error) {
	st := &state{Root: w.Root, Exercises: map[string]record{}}
	b, err := os.ReadFile(filepath.Join(w.Dir, "state.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(w.Dir, "state.json"), err)
	}
	if st.Exercises == nil {
		st.Exercises = map[string]record{}
	}
	return st, nil
}

// update changes id's record and saves the state atomically.
func (w *Workbook) update(id string, change func(*record)) error {
	st, err := w.load()
	if err != nil {
		return err
	}
	r := st.Exercises[id]
	change(&r)
	st.Exercises[id] = r
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(w.Dir, "state.json")
	if err := os.WriteFile(path+".tmp", append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// backup keeps id's region of src in backup/ unless it is the stub or
// the reference: the learner's own code.
func (w *Workbook) backup(ex Exercise, src, stub []byte) error {
	m, err := findRegion(ex.File, src, ex.ID)
	if err != nil {
		return err
	}
	mine := inner(src, m)
	ms, err := findRegion(ex.File, stub, ex.ID)
	if err != nil {
		return err
	}
	kept, err := os.ReadFile(w.refPath(ex.ID))
	if err != nil {
		return err
	}
	if mine == inner(stub, ms) || mine == string(kept) {
		return nil
	}
	dir := filepath.Join(w.Dir, "backup")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := ex.ID + "-" + time.Now().Format("20060102-150405.000") + ".go.txt"
	return os.WriteFile(filepath.Join(dir, name), []byte(mine), 0o644)
}

func (w *Workbook) path(ex Exercise) string {
	return filepath.Join(w.Root, filepath.FromSlash(ex.File))
}

func (w *Workbook) read(ex Exercise) ([]byte, error) { return os.ReadFile(w.path(ex)) }

// write replaces the file's content in place (its inode stays, so an
// editor and a file watcher see a write).
func (w *Workbook) write(ex Exercise, src []byte) error {
	info, err := os.Stat(w.path(ex))
	if err != nil {
		return err
	}
	return os.WriteFile(w.path(ex), src, info.Mode().Perm())
}
