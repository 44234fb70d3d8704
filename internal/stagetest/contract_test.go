package stagetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/loopfromscratch/loop/internal/stagecli"
)

// goroutineStage is a stage written the plain Go way, a goroutine per
// request with blocking sockets, that keeps the whole contract: a deadline
// for the run, replies read up to their newline and never past
// stagecli.MaxReply, each outcome reported on the run from one goroutine.
// The checks in this file are proven against it (Contract is not: it
// checks a loop's trace and the errno of a non-blocking connect).
func goroutineStage(run *stagecli.Run) error {
	deadline := time.Now().Add(run.TimeLeft())
	addr := fmt.Sprintf("%s:%d", net.IP(run.Server.Addr[:]), run.Server.Port)
	type outcome struct {
		req   int
		reply []byte
		err   error
	}
	outcomes := make(chan outcome)
	for req := 1; req <= run.N; req++ {
		run.Began(req)
		msg := run.Message(req)
		go func() {
			reply, err := ask(addr, msg, deadline)
			outcomes <- outcome{req, reply, err}
		}()
	}
	for range run.N {
		o := <-outcomes
		switch {
		case isTimeout(o.err):
			run.TimedOut(o.req)
		case o.err != nil:
			run.Failed(o.req, o.err)
		default:
			run.Answered(o.req, o.reply)
		}
	}
	return nil
}

// isTimeout reports whether err is a dial, read or write that ran out of
// time.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ask sends msg and reads the reply up to its newline or the end of the
// stream, giving up at deadline or after stagecli.MaxReply bytes without a
// newline.
func ask(addr string, msg []byte, deadline time.Time) ([]byte, error) {
	d := net.Dialer{Deadline: deadline}
	conn, err := d.Dial("tcp4", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if _, err := conn.Write(msg); err != nil {
		return nil, err
	}
	var reply []byte
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 { // only the new bytes are searched
			return append(reply, buf[:i+1]...), nil
		}
		reply = append(reply, buf[:n]...)
		switch {
		case len(reply) >= stagecli.MaxReply:
			return nil, stagecli.ErrReplyTooLong
		case errors.Is(err, io.EOF):
			return reply, nil
		case err != nil:
			return nil, err
		}
	}
}

func TestTimeoutHoldsForAStageThatKeepsIt(t *testing.T) {
	Timeout(t, "goroutine-stage", goroutineStage)
}

func TestBusyHoldsForAStageThatKeepsIt(t *testing.T) {
	Busy(t, "goroutine-stage", goroutineStage)
}

func TestReplyInPiecesHoldsForAStageThatKeepsIt(t *testing.T) {
	ReplyInPieces(t, "goroutine-stage", goroutineStage)
}

func TestReplyTooLongHoldsForAStageThatKeepsIt(t *testing.T) {
	ReplyTooLong(t, "goroutine-stage", goroutineStage)
}
