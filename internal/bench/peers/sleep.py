"""The sleep benchmark for Python asyncio: c tasks, each awaiting
floor(total/c) sleeps of ms milliseconds in a row, all on one event loop,
as stage4-tasks/bench_test.go does with Tasks. It prints the workload's own
time, process start-up not counted, as one JSON line.

    python3 sleep.py C TOTAL MS     e.g. python3 sleep.py 1000 100000 10
"""

import asyncio
import json
import sys
import time


async def worker(times, seconds):
    for _ in range(times):
        await asyncio.sleep(seconds)


async def main(c, total, ms):
    began = time.perf_counter()
    await asyncio.gather(*(worker(total // c, ms / 1000) for _ in range(c)))
    return time.perf_counter() - began


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python3 sleep.py C TOTAL MS")
    c, total, ms = (int(a) for a in sys.argv[1:])
    print(json.dumps({"seconds": asyncio.run(main(c, total, ms))}))
