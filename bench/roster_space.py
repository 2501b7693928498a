"""Benchmark of space planning (least desks for a hybrid policy); prints a Markdown table.

    .venv/bin/python bench/roster_space.py --weeks 1 4 --limit 40
    .venv/bin/python bench/roster_space.py --weeks 1 4 --limit 40 --work
    .venv/bin/python bench/roster_space.py --weeks 1 --limit 40 --code /tmp/main-export

The town is the docs' example: `generate(200, weeks=…, seed=1, pandemic=False,
kit_share=0.4)`, desk sharing for everybody with an office, at least 2 office days a week,
`plan_space(…, steps=4)`. `--code DIR` imports the engine from another checkout (e.g. an
export of `main`) for before/after rows in the same run; engines without a lower bound show
"–". Every least plan the engine returns is validated with the independent checker.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weeks", type=int, nargs="+", default=[1])
    ap.add_argument("--limit", type=float, default=40.0)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-onsite", type=int, default=2)
    ap.add_argument("--work", action="store_true", help="limit is CP-SAT deterministic work")
    ap.add_argument("--code", default=str(Path(__file__).resolve().parents[1]))
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    sys.path.insert(0, args.code)
    import rathaus  # noqa: PLC0415
    from rathaus.engines.roster import Plan, Status, check  # noqa: PLC0415
    from rathaus.engines.roster.generator import generate  # noqa: PLC0415
    from rathaus.engines.roster.space import desk_sharing, plan_space  # noqa: PLC0415

    print(f"`{' '.join(sys.argv)}` at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"engine from {Path(rathaus.__file__).parent}; os.cpu_count()={os.cpu_count()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}\n")
    print(
        "| code | weeks | least desks | lower bound | proven | time to least | wall | "
        "curve: desks objective / fairness / peak / home share |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---|")
    for weeks in args.weeks:
        town = generate(200, weeks=weeks, seed=args.seed, pandemic=False, kit_share=0.4)
        limit = {"work_limit": args.limit} if args.work else {"time_limit": args.limit}
        t0 = time.monotonic()
        r = plan_space(town, min_onsite_per_week=args.min_onsite, steps=args.steps, **limit)
        wall = time.monotonic() - t0
        plan = getattr(r, "least_plan", ())
        if plan and r.min_seats is not None:
            base = desk_sharing(town, r.min_seats, args.min_onsite)
            assert check(base, Plan(Status.FEASIBLE, plan)).ok, "least plan fails the checker"
        bound = getattr(r, "lower_bound", None)
        least_time = getattr(r, "least_time", None)
        curve = "; ".join(
            f"{p.seats}: {p.objective} / {p.fairness} / {p.peak_onsite} / "
            f"{round(100 * p.home_share) if p.home_share is not None else '–'} % "
            f"({p.status.value})"
            for p in r.points
        )
        print(
            f"| {args.label or args.code} | {weeks} | {r.min_seats} | "
            f"{'–' if bound is None else bound} | {'yes' if r.proven else 'no'} | "
            f"{'–' if least_time is None else f'{least_time:.1f} s'} | {wall:.1f} s | "
            f"{curve} |",
            flush=True,
        )
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
