"""`solve-municipal` subcommand: generate a seeded town hall, solve it, validate the plan.

python -m rathaus.engines.roster solve-municipal --staff 200 --weeks 4 --time-limit 10
"""

from __future__ import annotations

import argparse
import json

from rathaus.engines.roster.checker import check
from rathaus.engines.roster.generator import generate
from rathaus.engines.roster.solver import solve


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--staff", type=int, default=200)
    p.add_argument("--weeks", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--time-limit", type=float, default=10.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--normal", action="store_true", help="normal room capacity (no pandemic)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Generate and solve a municipal hybrid-work instance (roster engine)."""
    problem = generate(args.staff, weeks=args.weeks, seed=args.seed, pandemic=not args.normal)
    plan = solve(problem, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    result = check(problem, plan) if plan.objective is not None else None
    out = {
        "status": plan.status.value,
        "objective": plan.objective,
        "bound": plan.bound,
        "penalties": dict(plan.penalties),
        "wall_time": round(plan.wall_time, 2),
        "checker_ok": result.ok if result else None,
        "notes": list(plan.notes),
        "explanation": [{"code": r.code, "message": r.message} for r in plan.explanation],
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        for key, value in out.items():
            print(f"{key}: {value}")
    return 0 if plan.objective is not None else 1


SUBCOMMAND = ("solve-municipal", configure, run)
