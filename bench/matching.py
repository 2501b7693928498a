"""Matching engine benchmark: 5,000 pool members × 300 requests over 12 weeks.

    python bench/matching.py [--helpers 5000 --requests 300 --limits 1 10 --seeds 0 1]
    python bench/staffpool.py   (the same, under the name issue 15 gives it)

Prints a Markdown table preceded by the exact command, os.cpu_count(), the load average and
the date: per seed and time limit the status, covered slots, objective, bound, gap, wall
time, and the wall time relative to a fixed pure-Python reference loop measured in the same
run (so figures from a loaded machine can be compared), plus peak memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rathaus.engines.matching import check, solve  # noqa: E402
from rathaus.engines.matching.generator import generate  # noqa: E402
from rathaus.engines.matching.greedy import greedy  # noqa: E402
from rathaus.engines.matching.tables import Tables  # noqa: E402


def reference_seconds() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i % 7
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helpers", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--limits", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(
        f"`python {shlex.join(sys.orig_argv[1:])}` · cores {os.cpu_count()} · "
        f"load {' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min) · "
        f"workers {args.workers} · {dt.datetime.now():%Y-%m-%d %H:%M}"
    )
    ref = reference_seconds()
    print(f"\nreference loop: {ref:.3f} s\n")
    print(
        "| seed | limit s | status | covered / slots | objective | bound | gap % | "
        "greedy s | wall s | wall / ref | checker |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for seed in args.seeds:
        problem = generate(args.helpers, args.requests, weeks=args.weeks, seed=seed)
        slots = sum(r.slots for r in problem.requests)
        started = time.perf_counter()
        start = greedy(problem, Tables(problem))
        greedy_s = time.perf_counter() - started
        print(
            f"| {seed} | greedy | VALID | {len(start)} / {slots} | – | – | – | "
            f"{greedy_s:.2f} | {greedy_s:.2f} | {greedy_s / ref:.1f} | – |"
        )
        for limit in args.limits:
            result = solve(problem, time_limit=limit, workers=args.workers, seed=seed)
            ok = "ok" if not check(problem, result) else "FAIL"
            print(
                f"| {seed} | {limit:g} | {result.status} | {len(result.matches)} / {slots} | "
                f"{result.objective} | {result.bound} | {100 * result.gap:.2f} | "
                f"{greedy_s:.2f} | {result.wall_time:.2f} | {result.wall_time / ref:.1f} | {ok} |"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
