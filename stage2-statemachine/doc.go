// Stage 2 sends the same ten requests with the same select(2) loop, but
// each request is now a Client: a type whose methods are the callbacks and
// whose progress is an explicit, typed State.
//
// Read stage1-callbacks first. There, one request was three closures nested
// inside each other, and its state (the socket, the bytes still to send,
// the reply so far) hid in captured variables. Here that state is written
// down as fields of a Client, and where the request stands is one value:
//
//	Connecting ──connected──▶ Sending ──all sent──▶ Receiving ──newline or EOF──▶ Done
//	     │                       │                        │
//	     └───────────────────────┴────────── error ───────┴─────────────────────▶ Failed
//
// Every callback starts by knowing which state it is in, and every change
// of state goes through one method, transition, which refuses a move that
// is not in the table. This is what a compiler generates for an async
// function: a state machine with one state per await.
//
// Read the files in this order:
//
//   - request.go: the states, their table of transitions, and the Client
//     whose methods are stage 1's callbacks. The socket, the bytes still
//     to send and the reply so far are its fields.
//   - loop.go: stage 1's loop, unchanged but for the line in fetchAll
//     that makes a Client.
//   - selector.go: unchanged since stage 1.
//
// What still hurts: control flow is still inside out. To read what one
// request does you follow transitions from method to method; adding a step
// (say, a second request on the same connection) means a new state, a new
// callback and new arrows. And an error still ends in a report on the side:
// nothing that started the request can wait for its result.
//
// Next: stage 3 (stage3-futures) gives every step a result you can wait
// for, a Future. A callback resolves its step's future, errors travel down
// a chain of steps to whoever waits at the end, and steps compose.
package main
