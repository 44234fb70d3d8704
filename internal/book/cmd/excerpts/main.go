// Command excerpts checks, or with -w rewrites, the code the book quotes.
//
// Every `<!-- excerpt: FILE REGION -->` comment in docs/*.md is followed by
// a ```go block that must equal the region of FILE between
// `//docs:begin REGION` and `//docs:end REGION`. Run from anywhere inside
// the repository:
//
//	go run ./internal/book/cmd/excerpts      # list the stale excerpts, exit 1 if any
//	go run ./internal/book/cmd/excerpts -w   # rewrite them from the sources
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/loopfromscratch/loop/internal/book"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole command. It returns the exit code: 0 when every excerpt
// matches (or -w rewrote them all), 1 for stale excerpts or a failure, 2 for
// bad arguments.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("excerpts", flag.ContinueOnError)
	flags.SetOutput(io.Discard) // errors are printed below, on one line
	write := flags.Bool("w", false, "rewrite stale excerpts in docs/*.md from the stage sources")
	err := flags.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, "usage: go run ./internal/book/cmd/excerpts [-w]")
		fmt.Fprintln(stdout, "Checks that the code quoted in docs/*.md equals its //docs:begin … //docs:end region.")
		flags.SetOutput(stdout)
		flags.PrintDefaults()
		return 0
	}
	if err == nil && flags.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(stderr, "excerpts: %v (see -h)\n", err)
		return 2
	}
	root, err := book.RepoRoot(".")
	if err != nil {
		fmt.Fprintln(stderr, "excerpts:", err)
		return 1
	}
	if *write {
		return rewrite(root, stdout, stderr)
	}
	all, problems, err := book.CheckExcerpts(root)
	if err != nil {
		fmt.Fprintln(stderr, "excerpts:", err)
		return 1
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stdout, "%d of %d excerpts are stale; run with -w to rewrite them\n", len(problems), len(all))
		return 1
	}
	fmt.Fprintf(stdout, "all %d excerpts match their sources\n", len(all))
	return 0
}

// rewrite is run -w: it rewrites every chapter with a stale excerpt and
// returns 1 if any chapter could not be brought up to date.
func rewrite(root string, stdout, stderr io.Writer) int {
	chapters, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		fmt.Fprintln(stderr, "excerpts:", err)
		return 1
	}
	status := 0
	for _, path := range chapters {
		src, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(stderr, "excerpts:", err)
			return 1
		}
		out, changed, err := book.UpdateExcerpts(root, filepath.Base(path), src)
		if err != nil {
			fmt.Fprintln(stderr, "excerpts:", err)
			status = 1
			continue
		}
		if changed == 0 {
			continue
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			fmt.Fprintln(stderr, "excerpts:", err)
			return 1
		}
		fmt.Fprintf(stdout, "docs/%s: %d excerpt(s) rewritten\n", filepath.Base(path), changed)
	}
	return status
}
