// The sleep benchmark for Node (libuv's timers): c workers, each awaiting
// floor(total/c) sleeps of ms milliseconds in a row, all on one event loop,
// as stage4-tasks/bench_test.go does with Tasks. It prints the workload's
// own time, process start-up not counted, as one JSON line.
//
//   node sleep.js C TOTAL MS     e.g. node sleep.js 1000 100000 10
'use strict';

const [c, total, ms] = process.argv.slice(2).map(Number);
if (!(c > 0 && total > 0 && ms >= 0)) {
  console.error('usage: node sleep.js C TOTAL MS');
  process.exit(2);
}

const sleep = (d) => new Promise((resolve) => setTimeout(resolve, d));

async function worker(times) {
  for (let i = 0; i < times; i++) {
    await sleep(ms);
  }
}

const began = process.hrtime.bigint();
const workers = [];
for (let i = 0; i < c; i++) {
  workers.push(worker(Math.floor(total / c)));
}
Promise.all(workers).then(() => {
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  console.log(JSON.stringify({ seconds }));
});
