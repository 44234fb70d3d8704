// This file holds the web book as the tutor reaches it: the same pages as
// `go run ./tutor docs`, served by the tutor itself on a free loopback port
// the first time the learner asks for one (and stopped when the tutor
// exits), and the system's browser to open them in, when there is one.

package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"

	"github.com/loopfromscratch/loop/internal/book"
)

// site is the book served from inside the tutor.
type site struct {
	once sync.Once
	base string // "http://127.0.0.1:PORT"
	err  error
	srv  *http.Server
}

// URL starts the server if it is not running yet and returns the address
// of page (such as "stage1-callbacks.html#the-idea", "" for the index).
func (s *site) URL(page string) (string, error) {
	s.once.Do(func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.err = err
			return
		}
		h, err := book.HandlerAt(ln.Addr().String())
		if err != nil {
			_ = ln.Close()
			s.err = err
			return
		}
		s.base = "http://" + ln.Addr().String()
		s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
		go func() { _ = s.srv.Serve(ln) }()
	})
	if s.err != nil {
		return "", s.err
	}
	return s.base + "/" + page, nil
}

// Close stops the server, if it was started.
func (s *site) Close() {
	s.once.Do(func() {}) // no start after this
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if s.srv.Shutdown(ctx) != nil {
			_ = s.srv.Close()
		}
	}
}

// browserCommand is the program that opens a URL in the learner's browser,
// or "" when there is none (no desktop: a server, a container, ssh).
func browserCommand() string {
	if runtime.GOOS == "darwin" {
		if p, err := exec.LookPath("open"); err == nil {
			return p
		}
		return ""
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return ""
	}
	if p, err := exec.LookPath("xdg-open"); err == nil {
		return p
	}
	return ""
}

// pageURL is where `go run ./tutor docs` serves page, for learners who
// start it themselves.
func pageURL(page string) string { return "http://" + book.DefaultAddr + "/" + page }
