"""The connections benchmark for Python asyncio streams: n connections to
the slow server at once, each sending "Request i" (no newline) and reading
one line, on one event loop. It prints how many were answered and the time
from the first connect to the last answer as one JSON line.

    python3 conns.py HOST PORT N TIMEOUT_SECONDS
"""

import asyncio
import json
import sys
import time


async def request(host, port, i):
    writer = None
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"Request %d" % i)
        line = await reader.readline()
        if not line.endswith(b"\n"):
            raise ConnectionError("closed without a reply")
        if line.startswith(b"busy:"):
            raise ConnectionError("server busy")
    finally:
        if writer is not None:
            writer.close()


async def main(host, port, n, timeout):
    began = time.perf_counter()
    outcomes = await asyncio.gather(
        *(asyncio.wait_for(request(host, port, i), timeout) for i in range(1, n + 1)),
        return_exceptions=True,
    )
    seconds = time.perf_counter() - began
    errors = [(i, e) for i, e in enumerate(outcomes, 1) if e is not None]
    first = "request %d: %r" % errors[0] if errors else ""
    return {"answered": n - len(errors), "failed": len(errors), "seconds": seconds, "error": first}


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: python3 conns.py HOST PORT N TIMEOUT_SECONDS")
    host, port, n, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    print(json.dumps(asyncio.run(main(host, port, n, timeout))))
