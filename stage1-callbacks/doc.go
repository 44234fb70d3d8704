// Stage 1 sends ten requests to a slow server at once, from one goroutine,
// with non-blocking sockets, select(2) and callbacks.
//
// Every reply from the slow server takes five seconds. Sent one after
// another, ten requests take fifty seconds, and for almost all of that time
// the program does nothing but wait. This stage starts all ten, then asks
// the kernel one question over and over: "which of these sockets can I use
// now?" That question is select(2). The answer is a list of file
// descriptors, and for each one the loop runs the callback that was waiting
// for it. Ten requests finish in about five seconds.
//
// Read the files in this order:
//
//   - selector.go: the table fd → callback, and Select, which turns that
//     table into fd_sets, sleeps in select(2) and says which fds are ready.
//   - loop.go: fetchAll starts every request, then runs the loop: select,
//     call back, repeat until nothing is left to watch.
//   - request.go: one request as three callbacks (connected, sent,
//     received) nested inside each other. The socket, the request id and the
//     bytes read so far live in the closures.
//
// There are no goroutines here and no threads: one loop, one call to
// select(2) at a time, and callbacks that never block.
//
// What still hurts: the logic of one request is chopped into callbacks
// nested three deep, and the state it needs hides in captured variables.
// An error in a callback has nowhere to go but a report on the side; the
// code that started the request never hears of it. And select(2) itself
// cannot watch a descriptor numbered 1024 or above (FD_SETSIZE), so this
// stage refuses to run more than about a thousand requests.
//
// Next: stage 2 (stage2-statemachine) untangles the callbacks into a type,
// a Client whose methods are the callbacks and whose progress is an
// explicit, typed state. Later, stage 4 replaces select(2) with epoll or
// kqueue, which have no such limit.
package main
