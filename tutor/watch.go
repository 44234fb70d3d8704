// This file holds the watch on a stage's files while the learner writes an
// exercise: fsnotify on the stage's folder, a save being any change to one
// of its .go files, a burst of changes (an editor's write, rename and
// chmod) counted as one save once the folder has been quiet for a moment.
// Every watcher is registered in a watchSet, so that the tutor closes it on
// every way out: leaving the screen, quitting, a signal, a panic. A save
// starts a checkJob, the stage's tests, which the next save cancels.

package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/loopfromscratch/loop/internal/exercise"
)

// debounce is how long a folder must stay quiet after a change before
// the change counts as a save.
const debounce = 250 * time.Millisecond

// fileWatcher watches one stage's folder for one exercise.
type fileWatcher struct {
	id       int    // distinguishes this watch's messages from an older one's
	exercise string // the exercise being written
	stage    string // the folder watched, relative to the root
	w        *fsnotify.Watcher
	set      *watchSet
}

// watchStage starts watching root/stage. It is registered in set, which
// closes it if the tutor ends first.
func watchStage(set *watchSet, id int, exercise, root, stage string) (*fileWatcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(filepath.Join(root, stage)); err != nil {
		w.Close()
		return nil, err
	}
	fw := &fileWatcher{id: id, exercise: exercise, stage: stage, w: w, set: set}
	if !set.add(fw) {
		w.Close()
		return nil, errExiting
	}
	return fw, nil
}

// Close stops the watch; a nextSave under way returns false.
func (fw *fileWatcher) Close() {
	fw.set.remove(fw)
	fw.w.Close()
}

// nextSave waits for the next save: the .go files changed, once the folder
// has been quiet for quiet. ok is false once the watcher is closed.
func (fw *fileWatcher) nextSave(quiet time.Duration) (files []string, err error, ok bool) {
	changed := map[string]bool{}
	var timer <-chan time.Time
	for {
		select {
		case ev, open := <-fw.w.Events:
			if !open {
				return nil, nil, false
			}
			if !isSourceChange(ev) {
				continue
			}
			changed[filepath.Base(ev.Name)] = true
			timer = time.After(quiet)
		case e, open := <-fw.w.Errors:
			if !open {
				return nil, nil, false
			}
			return nil, e, true
		case <-timer:
			for f := range changed {
				files = append(files, f)
			}
			return files, nil, true
		}
	}
}

// isSourceChange says whether ev changes the stage's Go source: an
// editor's swap, backup and lock files do not, nor does a chmod.
func isSourceChange(ev fsnotify.Event) bool {
	name := filepath.Base(ev.Name)
	if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") {
		return false
	}
	return ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename|fsnotify.Remove) != 0
}

// watchSet is every watcher the tutor has open.
type watchSet struct {
	mu     sync.Mutex
	open   map[*fileWatcher]bool
	closed bool
}

func (s *watchSet) add(fw *fileWatcher) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.open == nil {
		s.open = map[*fileWatcher]bool{}
	}
	s.open[fw] = true
	return true
}

func (s *watchSet) remove(fw *fileWatcher) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.open, fw)
}

// CloseAll closes every watcher and refuses new ones: the tutor is ending.
func (s *watchSet) CloseAll() {
	s.mu.Lock()
	s.closed = true
	list := make([]*fileWatcher, 0, len(s.open))
	for fw := range s.open {
		list = append(list, fw)
	}
	s.mu.Unlock()
	for _, fw := range list {
		fw.Close()
	}
}

// Len is how many watchers are open.
func (s *watchSet) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

// checkJob is one run of a stage's tests that the TUI started, so that a
// newer save, leaving the screen or quitting can cancel it: Cancel kills
// go test's process group and returns once it is gone.
type checkJob struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when run has returned (or never will run)
}

// newCheckJob makes a check that parent (the tutor's lifetime) also
// cancels. It starts nothing: run does.
func newCheckJob(parent context.Context) *checkJob {
	ctx, cancel := context.WithCancel(parent)
	return &checkJob{ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// run checks exercise id; it is called once, from a command.
func (j *checkJob) run(wb *exercise.Workbook, id string) (exercise.Result, error) {
	defer close(j.done)
	defer j.cancel()
	return wb.Check(j.ctx, id)
}

// skip marks a check that will never run as over.
func (j *checkJob) skip() {
	j.cancel()
	close(j.done)
}

// Cancel stops the check, if it is running, and waits until its go test
// is gone. A check that has not started yet will not start.
func (j *checkJob) Cancel() {
	j.cancel()
	<-j.done
}
