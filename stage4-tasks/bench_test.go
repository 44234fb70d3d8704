package main

// The seed's sleep benchmark: 100,000 sleeps of 10 ms with at most c in
// flight, as c workers that each sleep 100,000/c times in a row. The ideal
// is ceil(100000/c) × 10 ms; every run reports its time as a multiple of
// that (x-ideal). Our loop (one goroutine, a timer heap and epoll), plain
// goroutines (time.Sleep, Go's own timers and netpoller) and OS threads
// (goroutines locked to threads of their own, up to c = 1,000: Go allows a
// program 10,000 threads) run side by side, with the floor under our loop
// from c = 10,000: c bare iter.Pull coroutines and no loop at all. Run:
//
//	go test -run '^$' -bench Sleep -benchtime 1x -count 6 ./stage4-tasks | tee /tmp/sleep.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl /tmp/sleep.txt

import (
	"fmt"
	"iter"
	"runtime"
	"sync"
	"testing"
	"time"
)

const (
	benchSleeps = 100_000
	benchSleep  = 10 * time.Millisecond
)

var benchConcurrency = []int{100, 1_000, 10_000, 100_000}

func BenchmarkSleep(b *testing.B) {
	for _, c := range benchConcurrency {
		ideal := time.Duration((benchSleeps+c-1)/c) * benchSleep
		b.Run(fmt.Sprintf("impl=loop/c=%d", c), func(b *testing.B) { benchSleepOn(b, c, ideal, sleepOnLoop) })
		if c >= 10_000 { // below, the floor would measure time.Sleep's lateness over hundreds of rounds
			b.Run(fmt.Sprintf("impl=coroutines/c=%d", c), func(b *testing.B) { benchSleepOn(b, c, ideal, sleepOnBareCoroutines) })
		}
		b.Run(fmt.Sprintf("impl=goroutines/c=%d", c), func(b *testing.B) { benchSleepOn(b, c, ideal, sleepOnGoroutines) })
		if c <= 1_000 {
			b.Run(fmt.Sprintf("impl=threads/c=%d", c), func(b *testing.B) { benchSleepOn(b, c, ideal, sleepOnThreads) })
		}
	}
}

func benchSleepOn(b *testing.B, c int, ideal time.Duration, run func(b *testing.B, c int)) {
	var total time.Duration
	for b.Loop() {
		began := time.Now()
		run(b, c)
		total += time.Since(began)
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(ideal), "x-ideal")
}

// sleepOnLoop: c tasks on one loop, each awaiting benchSleeps/c sleeps.
func sleepOnLoop(b *testing.B, c int) {
	loop, err := NewEventLoop(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer loop.Close()
	for range c {
		NewTask(loop, "sleeper", func(co Coro) (struct{}, error) {
			for range benchSleeps / c {
				if _, err := Await(co, loop.Sleep(benchSleep)); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
	}
	if err := loop.Run(); err != nil {
		b.Fatal(err)
	}
}

// sleepOnBareCoroutines is the floor under sleepOnLoop: c coroutines of
// iter.Pull, as many as the loop's tasks, each yielding once per sleep,
// and no task, future, timer heap or selector. A plain driver resumes them
// in turn, each once 10 ms have passed since it yielded (time.Sleep only
// when the first one due is not yet), so every sleep lasts at least as
// long as the loop's. What our loop takes beyond this is the price of
// everything else; what this takes beyond the ideal is the price of a
// coroutine per task (docs/performance.md).
func sleepOnBareCoroutines(_ *testing.B, c int) {
	nexts := make([]func() (struct{}, bool), c)
	stops := make([]func(), c)
	yielded := make([]time.Time, c) // when each coroutine began its sleep
	for i := range c {
		nexts[i], stops[i] = iter.Pull(func(yield func(struct{}) bool) {
			for range benchSleeps / c {
				if !yield(struct{}{}) { // a sleep: the driver resumes it 10 ms later
					return
				}
			}
		})
	}
	for i, next := range nexts {
		next() // runs the coroutine to its first yield
		yielded[i] = time.Now()
	}
	for range benchSleeps / c {
		for i, next := range nexts {
			if wait := time.Until(yielded[i].Add(benchSleep)); wait > 0 {
				time.Sleep(wait)
			}
			next() // its sleep is over: it runs to its next yield, or returns
			yielded[i] = time.Now()
		}
	}
	for _, stop := range stops {
		stop()
	}
}

// sleepOnGoroutines: c goroutines, each calling time.Sleep benchSleeps/c
// times.
func sleepOnGoroutines(_ *testing.B, c int) {
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for range benchSleeps / c {
				time.Sleep(benchSleep)
			}
		})
	}
	wg.Wait()
}

// sleepOnThreads: c OS threads, each calling time.Sleep benchSleeps/c
// times: a goroutine locked to its thread has the thread to itself, and
// the thread sleeps while it does.
func sleepOnThreads(_ *testing.B, c int) {
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
			for range benchSleeps / c {
				time.Sleep(benchSleep)
			}
		})
	}
	wg.Wait()
}

// BenchmarkTaskStep is one resume of a suspended coroutine and its
// suspension again: a future resolved, its callback run, Step, Await.
func BenchmarkTaskStep(b *testing.B) {
	loop, err := NewEventLoop(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer loop.Close()
	var wake *Future[struct{}]
	task := NewTask(loop, "stepper", func(co Coro) (struct{}, error) {
		for {
			wake = NewFuture[struct{}](loop, "wake")
			if _, err := Await(co, wake); err != nil {
				return struct{}{}, err
			}
		}
	})
	loop.runReady() // the first step: now suspended on wake
	for b.Loop() {
		wake.SetResult(struct{}{})
		loop.runReady() // the done-callback: Step
	}
	task.Cancel()
}

// BenchmarkAwaitDone is an Await of a future that is done already: no
// switch at all.
func BenchmarkAwaitDone(b *testing.B) {
	loop, err := NewEventLoop(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer loop.Close()
	done := NewFuture[int](loop, "done")
	done.SetResult(1)
	NewTask(loop, "awaiter", func(co Coro) (int, error) {
		sum := 0
		for b.Loop() {
			v, _ := Await(co, done)
			sum += v
		}
		return sum, nil
	})
	if err := loop.Run(); err != nil {
		b.Fatal(err)
	}
}
