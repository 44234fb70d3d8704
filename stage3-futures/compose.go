// Composition: futures become building blocks. Then runs the next step
// when one future succeeds and passes an error straight through; All waits
// for many. A request is connect, Then send, Then receive, and a run is All
// of its requests.

package main

import (
	"errors"
	"fmt"
)

//exercise:begin s3-then
//docs:begin Then

// Then returns a future for the step after f. When f succeeds, next runs
// with its result and starts that step; the step's outcome becomes the
// returned future's. When f fails, next never runs and the returned future
// fails with f's error: errors travel to the end of the chain by
// themselves.
func Then[T, U any](f *Future[T], name string, next func(T) *Future[U]) *Future[U] {
	out := NewFuture[U](f.loop, name)
	f.AddDoneCallback(func() {
		v, err := f.Result()
		if err != nil {
			out.SetError(err)
			return
		}
		step := next(v)
		step.AddDoneCallback(func() {
			u, err := step.Result()
			settle(out, u, err)
		})
	})
	return out
}

//docs:end Then
//exercise:end s3-then

//exercise:begin s3-all
//docs:begin All

// All returns a future that is done when every future in fs is done. Its
// result holds their results in order; if any failed, its error joins all
// of their errors. It waits for every one: a failure does not stop the
// others.
func All[T any](loop scheduler, fs []*Future[T]) *Future[[]T] {
	all := NewFuture[[]T](loop, fmt.Sprintf("all of %d", len(fs)))
	left := len(fs)
	if left == 0 {
		all.SetResult(nil)
		return all
	}
	for _, f := range fs {
		f.AddDoneCallback(func() {
			left--
			if left == 0 {
				results, err := collect(fs)
				settle(all, results, err)
			}
		})
	}
	return all
}

//docs:end All

// collect gathers the outcomes of futures that are all done.
func collect[T any](fs []*Future[T]) ([]T, error) {
	results := make([]T, len(fs))
	var errs []error
	for i, f := range fs {
		v, err := f.Result()
		results[i] = v
		if err != nil {
			errs = append(errs, err)
		}
	}
	return results, errors.Join(errs...)
}

//exercise:end s3-all

// settle resolves f with v, or fails it with err when err is not nil.
func settle[T any](f *Future[T], v T, err error) {
	if err != nil {
		f.SetError(err)
		return
	}
	f.SetResult(v)
}
