// This file holds `tutor docs`: flags, serving the book on a loopback
// address (with a warning when asked for any other), timeouts so that no
// idle or half-sent connection is kept for ever, and a clean stop on
// Ctrl-C.

package book

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// DefaultAddr is where the book is served unless -addr says otherwise:
// loopback only, so nothing outside this machine can read it.
const DefaultAddr = "127.0.0.1:6060"

// Main is `tutor docs`: it serves the book on -addr until SIGINT or SIGTERM,
// with a warning on stderr when -addr is not a loopback address.
// It returns the exit code: 0 after a clean stop, 1 when the server cannot
// start (for example, the port is taken), 2 on bad flags.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdout, stderr)
}

// run is Main with the stop signal as a context, so tests can stop it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("docs", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", DefaultAddr, "`host:port` to serve the book on (loopback by default)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: tutor docs [-addr host:port]")
		fmt.Fprintln(stderr, "Serves the lessons as a local web site, from the files built into this program.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "docs: unexpected argument %q\n", flags.Arg(0))
		flags.Usage()
		return 2
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, listenError(*addr, err))
		return 1
	}
	// Built once the port is known, so the index names the real address.
	handler, err := HandlerAt(browsable(ln.Addr()))
	if err != nil {
		_ = ln.Close()
		fmt.Fprintf(stderr, "docs: %v\n", err)
		return 1
	}
	srv := newServer(handler, idleTimeout)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if warning := exposure(ln.Addr()); warning != "" {
		fmt.Fprintf(stderr, "docs: warning: %s\n", warning)
	}
	fmt.Fprintf(stdout, "the book is at http://%s/\n", browsable(ln.Addr()))

	select {
	case err := <-served:
		fmt.Fprintf(stderr, "docs: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	if err != nil {
		_ = srv.Close() // cut the connections that did not finish in time
	}
	<-served // http.ErrServerClosed
	if err != nil {
		fmt.Fprintf(stderr, "docs: stopping: requests still running after 5s were cut off (%v)\n", err)
		return 1
	}
	return 0
}

// Timeouts of the docs server. A browser keeps a connection open after a
// page in case it asks for more; idleTimeout closes it once the reader has
// stopped clicking, and readHeaderTimeout drops a client that opens a
// connection and never finishes asking.
const (
	idleTimeout       = 2 * time.Minute
	readHeaderTimeout = 10 * time.Second
)

// newServer is the docs server for handler; idle is how long a keep-alive
// connection may wait for its next request.
func newServer(handler http.Handler, idle time.Duration) *http.Server {
	return &http.Server{Handler: handler, ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: idle}
}

// exposure says who else can read the book when addr is not a loopback
// address, or returns "" when only this machine can.
func exposure(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	switch {
	case !ok:
		return fmt.Sprintf("serving on %s, which is not loopback: anyone who can reach it can read these pages", addr)
	case tcp.IP.IsLoopback():
		return ""
	case tcp.IP.IsUnspecified():
		return "serving on every interface: anyone on your network can read these pages (-addr 127.0.0.1:PORT keeps them on this machine)"
	}
	return fmt.Sprintf("serving on %s, which is not loopback: anyone on your network can read these pages (-addr 127.0.0.1:PORT keeps them on this machine)", tcp.IP)
}

// browsable is an address a browser on this machine can open: an
// unspecified address ([::] or 0.0.0.0) is reached through loopback.
func browsable(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return addr.String()
}

// listenError turns a failed listen into one line that says what to do.
func listenError(addr string, err error) string {
	if errors.Is(err, syscall.EADDRINUSE) {
		host, port, splitErr := net.SplitHostPort(addr)
		if n, convErr := strconv.Atoi(port); splitErr == nil && convErr == nil {
			next := net.JoinHostPort(host, strconv.Itoa(n+1))
			return fmt.Sprintf("docs: %s is already in use; try another port, e.g. -addr %s", addr, next)
		}
		return fmt.Sprintf("docs: %s is already in use; try another -addr", addr)
	}
	return fmt.Sprintf("docs: cannot listen on %s: %v", addr, err)
}
