"""Two more asyncio programs, for the operators that cancel where RxJS code
cancels most: a typeahead (switchMapCancel) and happy eyeballs (raceCancel).
Same conventions as asyncio_patterns.py, numbered after its twelve.

Run:  python3 more_patterns.py            (both)
      python3 more_patterns.py 14         (one of them)

more_patterns.expected.txt holds the output of this file; the RxJS programs
in ../more/ print the same lines, at the same virtual times.
"""

import asyncio
import sys
import time

UNIT = 0.05  # seconds of real time per abstract time unit
_t0 = 0.0


def log(msg: str) -> None:
    print(f"t={round((time.monotonic() - _t0) / UNIT)} {msg}")


async def sleep(units: float) -> None:
    await asyncio.sleep(units * UNIT)


# 13. Typeahead: each query supersedes the search before it. The cancelled
#     search releases its lock (2 units) before the next search starts; a
#     query typed meanwhile ('ab') is skipped for the latest ('abc').
async def p13_typeahead() -> None:
    async def search(text: str) -> None:
        log(f"search {text} started")
        try:
            await sleep(3)
            log(f"results for {text}")
        except asyncio.CancelledError:
            log(f"search {text} cancelled, releasing its lock")
            await sleep(2)
            log(f"search {text} released its lock")
            raise

    latest = {"text": ""}
    typed = asyncio.Event()

    async def keyboard() -> None:
        for text, delay in (("a", 0), ("ab", 1), ("abc", 1)):
            await sleep(delay)
            log(f"typed {text}")
            latest["text"] = text
            typed.set()

    typing = asyncio.create_task(keyboard())
    task = None
    while not (typing.done() and not typed.is_set()):
        await typed.wait()
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        typed.clear()
        task = asyncio.create_task(search(latest["text"]))
        await asyncio.sleep(0)
    await task


# 14. Happy eyeballs: two connection attempts race; ipv4 connects first (2),
#     ipv6 is cancelled and closes its socket (1 unit), and only then is the
#     winner used (3).
async def p14_happy_eyeballs() -> None:
    async def connect(family: str, delay: int) -> str:
        log(f"{family} connecting")
        try:
            await sleep(delay)
            log(f"{family} connected")
            return family
        except asyncio.CancelledError:
            log(f"{family} cancelled, closing")
            await sleep(1)
            log(f"{family} closed")
            raise

    attempts = [asyncio.create_task(connect("ipv6", 5)), asyncio.create_task(connect("ipv4", 2))]
    done, pending = await asyncio.wait(attempts, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    log(f"using {done.pop().result()}")


PATTERNS = [p13_typeahead, p14_happy_eyeballs]


async def main(selected) -> None:
    global _t0
    for i, pattern in enumerate(PATTERNS, start=13):
        if selected and i not in selected:
            continue
        print(f"# {i} {pattern.__name__}")
        _t0 = time.monotonic()
        await pattern()


if __name__ == "__main__":
    asyncio.run(main({int(a) for a in sys.argv[1:]}))
