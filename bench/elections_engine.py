"""Benchmark of the election counting engine (rathaus.engines.counting).

Usage: .venv/bin/python bench/elections_engine.py [--districts 10000] [--candidates 6] [--repeat 15]

Prints a table with median and best wall time per operation. The target for ``aggregate`` is
< 100 ms for 10,000 districts; the "ratio" column relates every figure to a plain Python loop
over the same districts measured in the same run, since absolute times are noisy on shared
machines.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rathaus.engines.counting import (  # noqa: E402
    CsvMeta,
    DistrictResult,
    aggregate,
    check_results,
    decide,
    read_csv,
    write_csv,
)


def make_results(n: int, n_candidates: int, seed: int = 1) -> list[DistrictResult]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        votes = tuple(rng.randint(0, 400) for _ in range(n_candidates))
        c = rng.randint(0, 20)
        b = sum(votes) + c
        if i % 5 == 4:
            out.append(
                DistrictResult(
                    f"B{i:05d}", f"Briefwahl {i}", "brief", 0, 0, 0, 0, b, b, c, b - c, votes
                )
            )
        else:
            a2 = rng.randint(0, 200)
            a1 = b + rng.randint(0, 1500)
            out.append(
                DistrictResult(
                    f"{i:05d}",
                    f"Wahlbezirk {i}",
                    "urne",
                    a1,
                    a2,
                    0,
                    a1 + a2,
                    b,
                    min(a2, b),
                    c,
                    b - c,
                    votes,
                )
            )
    return out


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), min(runs)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--districts", type=int, default=10_000)
    p.add_argument("--candidates", type=int, default=6)
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args()

    names = tuple(f"Bewerber {i + 1}" for i in range(args.candidates))
    results = make_results(args.districts, args.candidates)
    meta = CsvMeta(date(2025, 9, 14), "Bürgermeisterwahl", "05314000")
    text = write_csv(meta, results)
    totals = aggregate(results, names)

    def baseline() -> int:
        # The least any aggregation can do: touch every district's figures once.
        s = 0
        for r in results:
            s += (r.B or 0) + (r.D or 0) + sum(v or 0 for v in r.votes)
        return s

    ops: list[tuple[str, Callable[[], object]]] = [
        ("baseline loop (sum B, D, Di)", baseline),
        ("aggregate", lambda: aggregate(results, names)),
        ("decide", lambda: decide(totals, names, election_date=date(2025, 9, 14))),
        ("check_results (plausibility)", lambda: check_results(results, args.candidates)),
        ("write_csv", lambda: write_csv(meta, results)),
        ("read_csv", lambda: read_csv(text, n_candidates=args.candidates)),
    ]
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"python {platform.python_version()} · os.cpu_count()={os.cpu_count()} · "
        f"{args.districts} districts · {args.candidates} candidates · {args.repeat} repeats · "
        f"CSV {len(text.encode()) / 1e6:.1f} MB"
    )
    print()
    print(f"| {'operation':<30} | {'median ms':>10} | {'best ms':>8} | {'ratio':>6} |")
    print(f"| {'-' * 30} | {'-' * 10}:| {'-' * 8}:| {'-' * 6}:|")
    base = None
    for label, fn in ops:
        median, best = timed(fn, args.repeat)
        base = base or median
        print(
            f"| {label:<30} | {median * 1e3:>10.2f} | {best * 1e3:>8.2f} | {median / base:>6.2f} |"
        )
    agg_median, _ = timed(lambda: aggregate(results, names), args.repeat)
    verdict = "meets" if agg_median < 0.1 else "MISSES"
    print(
        f"\naggregate of {args.districts} districts: {agg_median * 1e3:.1f} ms, {verdict} the 100 ms target"
    )


if __name__ == "__main__":
    main()
