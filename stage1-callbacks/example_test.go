package main

import (
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
