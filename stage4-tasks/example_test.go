package main

import (
	"fmt"
	"time"
)

// A coroutine reads top to bottom; each Await hands the loop back until
// the future is resolved. Two tasks share one loop: while one sleeps, the
// other runs.
func ExampleAwait() {
	loop, err := NewEventLoop(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer loop.Close()

	greet := func(name string, pause time.Duration) Coroutine[string] {
		return func(co Coro) (string, error) {
			fmt.Println(name, "starts")
			if _, err := Await(co, loop.Sleep(pause)); err != nil {
				return "", err
			}
			fmt.Println(name, "woke up")
			return "hello from " + name, nil
		}
	}
	slow := NewTask(loop, "slow", greet("slow", 20*time.Millisecond))
	fast := NewTask(loop, "fast", greet("fast", 10*time.Millisecond))

	if err := loop.Run(); err != nil {
		fmt.Println(err)
		return
	}
	for _, task := range []*Task[string]{slow, fast} {
		fmt.Println(task.Result())
	}
	// Output:
	// slow starts
	// fast starts
	// fast woke up
	// slow woke up
	// hello from slow <nil>
	// hello from fast <nil>
}
