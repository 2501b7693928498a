"""Command line for the roster engine.

    python -m rathaus.engines.roster solve FILE --time-limit SECONDS [--workers N] [--json]
    python -m rathaus.engines.roster check FILE SOLUTION.json

Subcommands live in ``SUBCOMMANDS``: add one by writing a ``configure(parser)`` and a
``run(args) -> int`` pair and registering them there. Bad input files end with exit code 2 and
a line-numbered message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rathaus.engines.roster.municipal_cli import SUBCOMMAND as MUNICIPAL
from rathaus.engines.roster.nrp.checker import check
from rathaus.engines.roster.nrp.parser import NrpFormatError, NrpInstance, parse_file
from rathaus.engines.roster.nrp.solver import solve

EXIT_BAD_INPUT = 2


def _print_schedule(inst: NrpInstance, assignment: dict[str, tuple[str | None, ...]]) -> None:
    width = max([len(str(inst.horizon - 1)), *(len(s.id) for s in inst.shifts)])
    name_w = max(len(s) for s in inst.staff_ids)
    days = " ".join(f"{d:>{width}}" for d in range(inst.horizon))
    print(f"{'':{name_w}} {days}")
    for sid in inst.staff_ids:
        cells = " ".join(f"{s or '.':>{width}}" for s in assignment.get(sid, ()))
        print(f"{sid:{name_w}} {cells}")


def _configure_solve(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="instance in the schedulingbenchmarks.org text format")
    p.add_argument("--time-limit", type=float, required=True, help="wall-time limit in seconds")
    p.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--lns",
        choices=["auto", "on", "off"],
        default="auto",
        help="auto/on (default): start roster, then large-neighbourhood search around the incumbent; off: plain CP-SAT from the start roster",
    )
    p.add_argument(
        "--deterministic-limit",
        type=float,
        default=None,
        help="CP-SAT deterministic time instead of the wall clock (same roster on any machine)",
    )
    p.add_argument("--lns-iterations", type=int, default=None, help="fixed number of LNS moves")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _run_solve(args: argparse.Namespace) -> int:
    inst = parse_file(args.file)
    lns = {"auto": None, "on": True, "off": False}[args.lns]
    sol = solve(
        inst,
        args.time_limit,
        args.workers,
        args.seed,
        lns=lns,
        deterministic_limit=args.deterministic_limit,
        lns_iterations=args.lns_iterations,
    )
    report = check(inst, sol.assignment) if sol.assignment else None
    if args.json:
        out: dict[str, Any] = {
            "instance": inst.name,
            "status": sol.status,
            "objective": sol.objective,
            "bound": sol.bound,
            "wall_time": round(sol.wall_time, 3),
            "note": sol.note,
            "checker_penalty": report.penalty if report else None,
            "violations": list(report.violations) if report else [],
            "schedule": {k: list(v) for k, v in sol.assignment.items()},
        }
        print(json.dumps(out))
    else:
        print(f"instance:  {inst.name}")
        print(f"status:    {sol.status}")
        print(f"objective: {sol.objective}")
        print(f"bound:     {sol.bound}")
        print(f"wall time: {sol.wall_time:.2f} s")
        if sol.note:
            print(f"note:      {sol.note}")
        if report:
            print(f"checker:   penalty {report.penalty}, {len(report.violations)} violations")
            _print_schedule(inst, sol.assignment)
    return 0 if sol.assignment else 1


def _configure_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="instance file")
    p.add_argument("solution", type=Path, help='JSON with "schedule": {staff: [shift|null, ...]}')


def _run_check(args: argparse.Namespace) -> int:
    inst = parse_file(args.file)
    try:
        data = json.loads(args.solution.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        print(f"{args.solution}: cannot read solution JSON: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    schedule = data.get("schedule", data) if isinstance(data, dict) else None
    if not isinstance(schedule, dict) or not all(isinstance(v, list) for v in schedule.values()):
        print(f"{args.solution}: expected an object staff -> list of shifts", file=sys.stderr)
        return EXIT_BAD_INPUT
    report = check(inst, schedule)
    for line in report.violations:
        print(f"violation: {line}")
    for kind, value in report.breakdown.items():
        print(f"{kind}: {value}")
    print(f"penalty: {report.penalty}")
    print("OK" if report.ok else f"{len(report.violations)} hard violations")
    return 0 if report.ok else 1


Subcommand = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., int]]

SUBCOMMANDS: list[Subcommand] = [
    ("solve", _configure_solve, _run_solve),
    ("check", _configure_check, _run_check),
    MUNICIPAL,
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rathaus.engines.roster")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, configure, run in SUBCOMMANDS:
        p = sub.add_parser(name, help=(run.__doc__ or "").strip() or None)
        configure(p)
        p.set_defaults(run=run)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except NrpFormatError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
