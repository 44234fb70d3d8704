// Stage 3 sends the same ten requests, but every step of a request now has
// a result you can hold before it exists: a Future. Steps chain with Then,
// requests gather with All, and an error at any step reaches the end of
// the chain.
//
// Read stage2-statemachine first; here its states become futures. The
// Client, its states and its callbacks are still there, but a callback no
// longer calls the next step or reports to the side. It resolves the
// future of its step (connected, sent, received) with a result or an
// error, and that is all it knows. What happens next is written in one
// place, Fetch:
//
//	connected ──Then──▶ send() ──Then──▶ receive() ──▶ the reply, or the first error
//
// A future's done-callbacks never run inside SetResult: the loop runs them
// on a later step, from a ready queue. That queue is this stage's change
// to the loop, which now runs every ready callback before it sleeps in
// select(2) again.
//
// Read the files in this order:
//
//   - future.go: Future, with SetResult, SetError, AddDoneCallback and
//     Result. (Stage 4 uses this very file.)
//   - compose.go: Then and All, futures as building blocks.
//   - request.go: stage 2's Client whose callbacks now resolve futures, and
//     Fetch, the chain.
//   - loop.go: EventLoop, stage 2's loop plus the ready queue (CallSoon),
//     and fetchAll, which waits for All of the replies.
//   - selector.go: unchanged since stage 1.
//
// What still hurts: it is still not linear code. Fetch reads in order, but
// each step is a closure handed to Then, and anything beyond a straight
// chain (a loop over retries, a step that depends on two results) needs
// more combinators. The callbacks are still callbacks, only tidier.
//
// Next: stage 4 (stage4-tasks) lets a request be one plain function that
// awaits futures, and a Task drives it: straight-line code, still one
// thread. Its loop also trades select(2) for epoll on Linux or kqueue on
// macOS, which have no limit of 1024 descriptors.
package main
