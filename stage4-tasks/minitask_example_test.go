package main

import (
	"fmt"
	"iter"
)

// Two coroutines take turns on one goroutine. Each asks a question, awaits
// the future of its answer, and carries on where it stopped; a plain
// callback, queued on the loop, resolves the future.
func Example_miniTask() {
	loop := &miniLoop{}
	asker := func(name string) iter.Seq[*miniFuture] {
		return func(yield func(*miniFuture) bool) {
			for i := 1; i <= 2; i++ {
				answer := &miniFuture{}
				loop.callSoon(func() { loop.resolve(answer, fmt.Sprintf("answer %d", i)) })
				fmt.Printf("%s awaits question %d\n", name, i)
				if !yield(answer) { // await: the driver resumes us once answer is resolved
					return
				}
				fmt.Printf("%s got %s\n", name, answer.value)
			}
		}
	}
	loop.spawn(asker("A"))
	loop.spawn(asker("B"))
	loop.run()
	// Output:
	// A awaits question 1
	// B awaits question 1
	// A got answer 1
	// A awaits question 2
	// B got answer 1
	// B awaits question 2
	// A got answer 2
	// B got answer 2
}
