// This file holds the learner's progress: which lessons were read and which
// stages were run, kept between sessions in
// <user config dir>/loopfromscratch/progress.json.

package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
)

// progress maps a stage folder name to what the learner did with it.
type progress map[string]stageProgress

// stageProgress is one stage's marks.
type stageProgress struct {
	Read bool `json:"read,omitempty"`
	Run  bool `json:"run,omitempty"`
}

// progressPath is where progress lives: os.UserConfigDir honours
// XDG_CONFIG_HOME (and HOME), which tests point at a temporary folder.
func progressPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "loopfromscratch", "progress.json"), nil
}

// loadProgress reads the file; a missing file is no progress yet.
func loadProgress(path string) (progress, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return progress{}, nil
	}
	if err != nil {
		return progress{}, err
	}
	p := progress{}
	if err := json.Unmarshal(b, &p); err != nil {
		return progress{}, err
	}
	return p, nil
}

// saveProgress writes p atomically (a temporary file, then rename).
func saveProgress(path string, p progress) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// with returns a copy of p with stage's marks changed by mark, so a copy
// can be handed to a command while the model keeps its own.
func (p progress) with(stage string, mark func(*stageProgress)) progress {
	q := maps.Clone(p)
	if q == nil {
		q = progress{}
	}
	sp := q[stage]
	mark(&sp)
	q[stage] = sp
	return q
}
