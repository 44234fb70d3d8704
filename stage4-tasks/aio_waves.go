// Starting many tasks in waves, one wave per turn of the loop. A turn runs
// every callback that was ready when it began, and a task's first step is
// one of them, so 19,000 tasks started at once make one first turn of
// 19,000 socket-and-connect steps (~0.8 s here), and only then does the
// loop poll and send the first request. Every request went out in the
// next 0.3 s, the server answered each one its delay later, and the
// replies came back as bunched as the requests went: 19,000 to read and
// close in 0.3 s, more than one thread does, so the last one waited
// ~0.3 s on the loop (timed with strace on epoll_pwait). In waves of
// startWave, the loop polls between two waves, so requests, and so
// replies, are spread over the whole storm, and each reply is read about
// when it comes. (Then each turn connected one wave and sent the one
// before it, whose sockets turned writable at that turn's poll; since a
// big run connects eagerly, aio_eager.go, a wave is sent in the turn that
// connects it.)
// The last request leaves no sooner (the same work comes before it on the
// same thread), but little queues behind it: 19,000 connections at a 3 s
// delay went from 4.19 s to 4.04 s, and 10,000 at 1 s from 1.67 s to
// 1.56 s (medians of 7, alternated; docs/performance.md). A run of
// startWave requests or fewer, such as the default ten, starts in one
// wave, as before.

package main

// startWave is how many tasks startInWaves starts per turn. Measured with
// 19,000 connections: 500, 1,000 and 2,000 were alike; 4,000 saved
// nothing.
const startWave = 1_000

// startInWaves calls start(1) to start(n) in order: the first startWave
// now, and each later wave from a callback queued by the wave before, so
// that the loop polls between two waves and runs whatever the earlier
// tasks got ready meanwhile.
func startInWaves(loop *EventLoop, n int, start func(i int)) {
	next := 1
	var wave func()
	wave = func() {
		for last := min(next+startWave-1, n); next <= last; next++ {
			start(next)
		}
		if next <= n {
			loop.CallSoon(wave)
		}
	}
	wave()
}
