"""Benchmark of the municipal roster engine on generated town halls; prints a Markdown table.

    .venv/bin/python bench/roster_municipal.py --staff 200 --limits 10
    .venv/bin/python bench/roster_municipal.py --staff 5000 --limits 30 120

    .venv/bin/python bench/roster_municipal.py --staff 200 --limits 10 60 --seeds 1 2 3 --work
    .venv/bin/python bench/roster_municipal.py --staff 200 --limits 10 60 --seeds 1 2 --compare
    .venv/bin/python bench/roster_municipal.py --staff 200 --limits 60 --seeds 3 --trace

Each row: generate (seeded), solve with the time limit, validate with the independent
checker. Gap = (objective - bound) / objective; the bound is `Plan.lower_bound`: the sum of
the parts' proven bounds, with kit prices when the pool binds (the note "Schranke mit
Kit-Preisen" says how many price rounds ran). Timing on shared machines is noisy: compare
rows of the same run, or use `--work` (deterministic work instead of seconds).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rathaus.engines.roster.checker import check  # noqa: E402
from rathaus.engines.roster.generator import generate  # noqa: E402
from rathaus.engines.roster.model import Problem  # noqa: E402
from rathaus.engines.roster.solver import solve  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--staff", type=int, nargs="+", default=[200])
    ap.add_argument("--limits", type=float, nargs="+", default=[10.0])
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--normal", action="store_true", help="normal room capacity (no pandemic)")
    ap.add_argument("--kit-share", type=float, default=0.30, help="kits per staff (0.30: 60/200)")
    ap.add_argument(
        "--work",
        action="store_true",
        help="limits are CP-SAT deterministic work (one worker): the same plans and bounds "
        "on an idle or a loaded machine",
    )
    ap.add_argument(
        "--compare",
        action="store_true",
        help="solve every instance twice: without kit prices (the earlier method) and with",
    )
    ap.add_argument(
        "--compare-exchange",
        action="store_true",
        help="solve every instance twice: kit prices (the default) and kit prices with the "
        "kit-day exchange between parts (solve(kit_exchange=True))",
    )
    ap.add_argument(
        "--exchange",
        action="store_true",
        help="kit-days exchanged between parts (solve(kit_exchange=True); off by default)",
    )
    ap.add_argument(
        "--repair-rounds",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="every price round's part plans fitted to the stock become columns "
        "(solve(repair_rounds=...); on by default from 20 s, --no-repair-rounds: the method before)",
    )
    ap.add_argument(
        "--least-price",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="every price round prices the days the pool could bind at a tenth of a point "
        "at least (solve(least_price=...); on by default from 20 s, --no-least-price: the "
        "method before)",
    )
    ap.add_argument(
        "--whole-polish",
        action="store_true",
        help="the parts' plan within the stock hinted into one model over all staff in the "
        "last 17 %% of the time (solve(whole_polish=True); wall clock, 2+ workers, from 20 s)",
    )
    ap.add_argument(
        "--trace",
        action="store_true",
        help="print every price round (bound, master LP, chosen plan) and exchange step to stderr",
    )
    ap.add_argument(
        "--lexicographic",
        action="store_true",
        help="parts least penalty, then fewest kits (solve(lexicographic_parts=True))",
    )
    args = ap.parse_args()
    if args.trace:
        logging.basicConfig(stream=sys.stderr, format="%(relativeCreated)8.0f ms %(message)s")
        for name in ("lagrange", "kits"):
            logging.getLogger(f"rathaus.engines.roster.{name}").setLevel(logging.DEBUG)
    print(f"`{' '.join(['.venv/bin/python', *sys.argv])}`  ")
    print(
        f"date {datetime.now():%Y-%m-%d %H:%M}, os.cpu_count()={os.cpu_count()}, "
        f"workers={args.workers}, load average at start {os.getloadavg()[0]:.1f}\n"
    )
    print(
        "| staff | weeks | seed | limit s | method | status | objective | bound | gap | wall s "
        "| gen s | checker | peak RSS MB | notes |"
    )
    print("|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---|---:|---|")
    methods: list[tuple[bool, bool]] = [(True, args.exchange)]
    if args.compare:
        methods = [(False, False), (True, args.exchange)]
    elif args.compare_exchange:
        methods = [(True, False), (True, True)]
    for staff in args.staff:
        for seed in args.seeds:
            t = time.monotonic()
            problem = generate(
                staff,
                weeks=args.weeks,
                seed=seed,
                pandemic=not args.normal,
                kit_share=args.kit_share,
            )
            gen = time.monotonic() - t
            for limit in args.limits:
                for prices, exchange in methods:
                    _row(args, problem, staff, seed, limit, prices, exchange, gen)


def _row(
    args: argparse.Namespace,
    problem: Problem,
    staff: int,
    seed: int,
    limit: float,
    prices: bool,
    exchange: bool,
    gen: float,
) -> None:
    """Solve once, validate with the checker, print one table row."""
    if args.work:
        plan = solve(
            problem,
            work_limit=limit,
            seed=seed,
            kit_prices=prices,
            lexicographic_parts=args.lexicographic,
            kit_exchange=exchange,
            repair_rounds=args.repair_rounds,
            least_price=args.least_price,
            whole_polish=args.whole_polish,
        )
    else:
        plan = solve(
            problem,
            time_limit=limit,
            workers=args.workers,
            seed=seed,
            kit_prices=prices,
            lexicographic_parts=args.lexicographic and prices,
            kit_exchange=exchange,
            repair_rounds=args.repair_rounds,
            least_price=args.least_price,
            whole_polish=args.whole_polish,
        )
    ok = "–"
    if plan.objective is not None:
        result = check(problem, plan)
        ok = "ok" if result.ok and result.objective == plan.objective else "FAIL"
    gap = f"{100 * plan.gap:.1f} %" if plan.gap is not None else "–"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    method = "relaxed (before)"
    if prices:
        method = "kit prices + exchange" if exchange else "kit prices"
    print(
        f"| {staff} | {args.weeks} | {seed} | {limit:g} | {method} | {plan.status.value} "
        f"| {plan.objective} | {plan.bound} | {gap} | {plan.wall_time:.1f} "
        f"| {gen:.2f} | {ok} | {rss:.0f} | {'; '.join(plan.notes)} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
