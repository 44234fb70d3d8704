// Package slowserver is the "slow server" every stage of Loop from Scratch
// talks to: a TCP server whose every reply takes a fixed delay (5 s in the
// command), so that doing requests one after another is visibly slow and
// doing them concurrently is visibly fast.
//
// There is one implementation. The command (go run ./slowserver), every
// stage's tests and the tutor all start it in-process with Start.
//
// # Protocol
//
// A request is the first message a client sends: one read of up to 4 KiB,
// cut at the first '\n' if there is one (a trailing '\r' is dropped). The
// server never waits for a newline, so a client that sends "Request 7" and
// reads once works. After the delay the server writes one line and closes:
//
//	Request 7            ->  Response to Request 7\n
//
// Non-printable bytes in the request are replaced by '?' and the echoed text
// is cut to 200 characters. A request that begins with an HTTP method
// ("GET / HTTP/1.1") is answered as HTTP/1.1 200 with that same line as the
// body and Connection: close, so curl and a browser work.
//
// # Busy
//
// With Config.MaxConns set, a connection beyond that many open at once is
// turned away, at once and without the delay. The server still reads its
// request (waiting at most a second), so that it can answer in kind:
//
//	Request 7            ->  busy: the server is full (-max-conns reached)\n
//	GET / HTTP/1.1       ->  HTTP/1.1 503 Service Unavailable, with that line as the body
//
// The line is BusyReply; a client recognises it and reports the request as
// refused, not answered. A client that sends nothing gets the line too.
//
// # Failing on purpose
//
// With Config.FailEvery set to k, the requests numbered k, 2k, 3k, … fail
// after their delay (a reset or garbage, as Config.FailMode says). A
// request's number is the number its line ends in: 6 for "Request 6", what
// every stage sends. So k = 3 fails requests 3, 6 and 9 whatever order they
// arrive in. Each number fails only the first time it arrives: a client that
// retries request 6 is answered. Requests without a number (HTTP ones, say)
// fail by arrival order instead: the k-th, 2k-th, … of them.
//
// # Counters
//
// Stats reports requests in flight (read, reply not yet written), the peak of
// that number, and how many were served, failed, rejected and accepted.
// Counters change before the reply is written: a client holding its reply
// will find it already counted. Tests prove concurrency with Peak.
//
// # Knobs
//
// Config sets the delay and its jitter, which requests fail and how, caps
// open connections and bounds how long a client may stay silent. Log, if
// set, gets one line per event, written by one goroutine through a bounded
// buffer: when nothing reads it (stdout piped to a program that stopped
// reading), lines are dropped and counted, never waited for, and the count
// comes before the next line that gets through:
//
//	1,312 log lines dropped: nothing is reading stdout
package slowserver
