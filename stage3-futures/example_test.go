package main

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// A selector with two ends of a socket pair: the loop runs the callback of
// whichever end is ready, and here only the writing end is, until a byte
// has been written.
func ExampleSelector() {
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer unix.Close(pair[0])
	defer unix.Close(pair[1])

	sel := NewSelector(nil)
	_ = sel.Register(pair[0], 0, Readable, "on_readable", func() { fmt.Println("pair[0] has data to read") })
	_ = sel.Register(pair[1], 0, Writable, "on_writable", func() {
		fmt.Println("pair[1] has room: writing a byte")
		_, _ = unix.Write(pair[1], []byte("x"))
		sel.Unregister(pair[1])
	})

	for round := 1; sel.Len() > 0 && round <= 2; round++ {
		ready, _ := sel.Select(time.Second)
		for _, fd := range ready {
			r, _ := sel.lookup(fd)
			r.call()
		}
	}
	// Output:
	// pair[1] has room: writing a byte
	// pair[0] has data to read
}

// The table of transitions, printed: every state a Client can be in and
// where it may go next.
func ExampleState() {
	for s := Connecting; s <= Failed; s++ {
		fmt.Printf("%-10v → %v\n", s, transitions[s])
	}
	// Output:
	// connecting → [sending failed]
	// sending    → [receiving failed]
	// receiving  → [done failed]
	// done       → []
	// failed     → []
}

// Then chains the steps of a request the way Fetch does: each step starts
// only when the one before it has succeeded, on a later turn of the loop.
// When a step fails, the steps after it never run, and its error comes
// out at the end of the chain.
func ExampleThen() {
	loop := NewEventLoop(nil)
	// step stands in for an I/O callback: the loop resolves its future on
	// a later turn, with result or with err.
	step := func(name, result string, err error) *Future[string] {
		f := NewFuture[string](loop, name)
		loop.CallSoon(func() {
			fmt.Println("step:", name)
			if err != nil {
				f.SetError(err)
				return
			}
			f.SetResult(result)
		})
		return f
	}
	fetch := func(connectErr error) *Future[string] {
		connected := step("connect", "", connectErr)
		sent := Then(connected, "then send", func(string) *Future[string] {
			return step("send", "", nil)
		})
		return Then(sent, "then receive", func(string) *Future[string] {
			return step("receive", "Response 1", nil)
		})
	}

	for _, connectErr := range []error{nil, errors.New("connect: connection refused")} {
		reply := fetch(connectErr)
		if err := loop.RunUntilComplete(reply, time.Minute); err != nil {
			fmt.Println(err)
			return
		}
		if data, err := reply.Result(); err != nil {
			fmt.Println("error:", err)
		} else {
			fmt.Println("reply:", data)
		}
	}
	// Output:
	// step: connect
	// step: send
	// step: receive
	// reply: Response 1
	// step: connect
	// error: connect: connection refused
}
