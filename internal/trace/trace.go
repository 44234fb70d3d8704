// Package trace is the schema of the structured events every stage program
// writes with -trace, and the small writer and reader for them.
//
// A trace is JSON lines: one Event per line, in the order things happened,
// each stamped with microseconds since the program started (t_us). The tutor
// draws its waterfall and computes its explanation from these events, and the
// tests check them, so this file is the one place the format is defined.
//
// Readers must ignore kinds they do not know: later stages add kinds, and a
// reader written for stage 1 keeps working on a stage 4 trace.
//
// Request ids run from 1 to n. Fields a kind does not use are left out.
package trace

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// Kind names what an Event records.
type Kind string

// The kinds every stage writes (stages 1–4).
const (
	// Start opens every trace. Stage, N (requests), Addr (the server) and,
	// when the embedded server was started, Delay (its delay in µs).
	Start Kind = "start"
	// Socket: a socket was created for request Req; FD is its descriptor.
	Socket Kind = "socket"
	// Register: FD was added to the selector, watched for Dir ("read" or
	// "write"); Name is the callback that will run when it is ready.
	Register Kind = "register"
	// Unregister: FD is no longer watched.
	Unregister Kind = "unregister"
	// Wait: the loop entered select/epoll/kqueue watching FDs descriptors.
	// TimeoutUS is how long it may sleep; -1 means until something is ready.
	Wait Kind = "wait"
	// Ready: the loop woke up. Ready lists the descriptors that are ready
	// (empty on a timeout or an interrupted call), WaitedUS how long it slept.
	Ready Kind = "ready"
	// Callback: the loop is running Name for FD (request Req).
	Callback Kind = "callback"
	// Send: Bytes bytes of request Req were written to FD.
	Send Kind = "send"
	// Recv: Bytes bytes of request Req were read from FD (0 means EOF).
	Recv Kind = "recv"
	// Response: request Req got its answer, Text (without the newline).
	Response Kind = "response"
	// Close: FD of request Req was closed.
	Close Kind = "close"
	// Error: request Req failed; Err is the cause, one line.
	Error Kind = "error"
	// Done closes every trace: OK and Failed count the requests,
	// ElapsedUS is the whole run.
	Done Kind = "done"
)

// The kind stage 2 adds.
const (
	// State: request Req's client moved From one state To another.
	State Kind = "state"
)

// The kinds stage 3 adds.
const (
	// FutureNew: future Future (an id unique in the run) was created for
	// request Req; Name says what it stands for ("connected", "sent", …).
	FutureNew Kind = "future_new"
	// FutureDone: future Future was resolved; Err is set when it failed.
	FutureDone Kind = "future_done"
	// FutureCallback: a done-callback of future Future runs.
	FutureCallback Kind = "future_callback"
)

// The kinds stage 4 adds.
const (
	// TaskNew: task Task was created for request Req (Req is 0 for tasks
	// that serve no request); Name is its coroutine.
	TaskNew Kind = "task_new"
	// TaskState: task Task (request Req) moved From one state To another:
	// "not started", "running", "suspended", "done".
	TaskState Kind = "task_state"
	// TaskStep: the loop resumed task Task; StepUS is how long the step ran.
	TaskStep Kind = "task_step"
	// TaskSuspend: task Task awaits future Future, which is not done yet.
	TaskSuspend Kind = "task_suspend"
	// TaskDone: task Task finished; Err is set when it failed or was
	// cancelled.
	TaskDone Kind = "task_done"
	// TimerAdd: timer Timer will fire in DelayUS.
	TimerAdd Kind = "timer_add"
	// TimerFire: timer Timer fired.
	TimerFire Kind = "timer_fire"
	// Slow: debug mode saw a callback or task step (Name) run for StepUS,
	// longer than the 100 ms that freezes every other request.
	Slow Kind = "slow"
)

// Event is one line of a trace. Which fields are set depends on Ev; the
// comments on the kinds above say which.
type Event struct {
	TUS   int64  `json:"t_us"`
	Ev    Kind   `json:"ev"`
	Req   int    `json:"req,omitempty"`
	FD    int    `json:"fd,omitempty"`
	Dir   string `json:"dir,omitempty"`
	Name  string `json:"name,omitempty"`
	Bytes int    `json:"bytes,omitempty"`
	Text  string `json:"text,omitempty"`
	Err   string `json:"err,omitempty"`

	Stage   string `json:"stage,omitempty"`
	N       int    `json:"n,omitempty"`
	Addr    string `json:"addr,omitempty"`
	DelayUS int64  `json:"delay_us,omitempty"`

	FDs       int   `json:"fds,omitempty"`
	TimeoutUS int64 `json:"timeout_us,omitempty"`
	Ready     []int `json:"ready,omitempty"`
	WaitedUS  int64 `json:"waited_us,omitempty"`

	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`

	Future int   `json:"future,omitempty"`
	Task   int   `json:"task,omitempty"`
	StepUS int64 `json:"step_us,omitempty"`
	Timer  int   `json:"timer,omitempty"`

	OK        int   `json:"ok,omitempty"`
	Failed    int   `json:"failed,omitempty"`
	ElapsedUS int64 `json:"elapsed_us,omitempty"`
}

// Tracer writes events as JSON lines. A nil *Tracer writes nothing, so a
// stage calls Emit unconditionally and pays almost nothing without -trace.
// Emit is safe to call from several goroutines, though stages call it only
// from their loop.
type Tracer struct {
	mu    sync.Mutex
	start time.Time
	w     *bufio.Writer
	enc   *json.Encoder
	err   error
}

// New returns a Tracer writing to w, with t_us counted from start.
func New(w io.Writer, start time.Time) *Tracer {
	bw := bufio.NewWriter(w)
	return &Tracer{start: start, w: bw, enc: json.NewEncoder(bw)}
}

// Emit stamps e with the time since start and writes it as one line.
func (t *Tracer) Emit(e Event) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e.TUS = time.Since(t.start).Microseconds()
	if t.err == nil {
		t.err = t.enc.Encode(e)
	}
	if t.err == nil && (e.Ev == Wait || e.Ev == Done) {
		// The loop is about to sleep (or the run is over): hand what is
		// buffered to the reader now, so a live viewer such as the tutor
		// sees events as they happen. One write per wake-up, not per event.
		t.err = t.w.Flush()
	}
}

// Enabled reports whether events go anywhere; use it to skip building an
// event that is costly to make.
func (t *Tracer) Enabled() bool { return t != nil }

// Flush writes out what is buffered and reports the first write error.
// Call it before the program exits.
func (t *Tracer) Flush() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.w.Flush(); err != nil && t.err == nil {
		t.err = err
	}
	return t.err
}

// Decoder reads a trace one event at a time, as a stage writes it.
type Decoder struct {
	sc   *bufio.Scanner
	line int
}

// NewDecoder returns a Decoder reading JSON lines from r.
func NewDecoder(r io.Reader) *Decoder {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	return &Decoder{sc: sc}
}

// Next returns the next event, or io.EOF at the end. Blank lines are
// skipped; a line that is not an event is an error naming its line number.
func (d *Decoder) Next() (Event, error) {
	for d.sc.Scan() {
		d.line++
		b := d.sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var e Event
		if err := json.Unmarshal(b, &e); err != nil {
			return Event{}, fmt.Errorf("trace line %d: %w", d.line, err)
		}
		if e.Ev == "" {
			return Event{}, fmt.Errorf("trace line %d: no \"ev\" field", d.line)
		}
		return e, nil
	}
	if err := d.sc.Err(); err != nil {
		return Event{}, err
	}
	return Event{}, io.EOF
}

// ReadAll reads a whole trace.
func ReadAll(r io.Reader) ([]Event, error) {
	d := NewDecoder(r)
	var events []Event
	for {
		e, err := d.Next()
		if err == io.EOF {
			return events, nil
		}
		if err != nil {
			return events, err
		}
		events = append(events, e)
	}
}
