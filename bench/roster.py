"""NRP benchmark sweep for the roster engine (schedulingbenchmarks.org Instances 1–24).

    python bench/roster.py --time-limits 10 60 --instances 1-7 [--workers 2]
        [--out docs/benchmarks-roster-nrp.md] [--jsonl var/bench/roster-nrp.jsonl]
        [--deterministic-limit 5 --lns-iterations 200]   # reproducible, ignores the clock
        [--bound-limit 30]   # after each solve: column-generation lower bound, own time

Prints a Markdown table (instance, time limit, objective, bound, best-known, gap %, checker,
wall time; with ``--bound-limit`` also the column-generation bound, computed after the solve
with its own time and seeded with the solver's roster, and the gap to it) preceded by the exact command, os.cpu_count() and the date. Runs one instance at a
time so that ``--workers`` is the total CPU load; ranges can be run in parts and appended.
NRP only: municipal rows belong in a separate script.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rathaus.engines.roster.nrp.bound import lower_bound  # noqa: E402
from rathaus.engines.roster.nrp.checker import check  # noqa: E402
from rathaus.engines.roster.nrp.parser import parse_file  # noqa: E402
from rathaus.engines.roster.nrp.solver import solve  # noqa: E402


def nrp_dir() -> Path:
    env = os.environ.get("RATHAUS_NRP_DIR")
    return Path(env) if env else (ROOT / "../shared/benchmarks/nrp").resolve()


def parse_range(spec: str) -> list[int]:
    """'1-7,9,11-12' -> [1, ..., 7, 9, 11, 12]."""
    out: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def best_known(folder: Path) -> dict[str, int]:
    path = folder / "best_known.csv"
    if not path.exists():
        return {}
    with path.open() as fh:
        return {row["instance"]: int(row["best_known"]) for row in csv.DictReader(fh)}


def header(argv: list[str]) -> str:
    return (
        f"Command: `{shlex.join(['python', 'bench/roster.py', *argv])}`  \n"
        f"os.cpu_count(): {os.cpu_count()}, load average at start: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} (the machine is shared)  \n"
        f"Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n"
    )


TABLE_HEAD = (
    "| instance | time limit s | objective | bound | best-known | gap % | checker OK | wall s "
    "| load avg (1 min) at start |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
)
BOUND_HEAD = (
    "| instance | time limit s | objective | bound | best-known | gap % | checker OK | wall s "
    "| load avg (1 min) at start | CG bound (s, converged) | gap to bound % |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"
)


def row(r: dict[str, object]) -> str:
    gap = r["gap_pct"]
    return (
        f"| {r['instance']} | {r['time_limit']:g} | {r['objective']} | {r['bound']} | "
        f"{r['best_known']} | {'' if gap is None else f'{gap:.2f}'} | "
        f"{'yes' if r['checker_ok'] else 'NO'} | {r['wall_time']:.1f} | {r['load1']:.2f} |"
        + _bound_cells(r)
    )


def _bound_cells(r: dict) -> str:
    if r.get("cg_bound") is None:
        return ""
    bound, obj = r["bound"], r["objective"]
    gap = "" if not bound or obj is None else f"{100.0 * (obj - bound) / bound:.2f}"
    conv = "yes" if r["cg_converged"] else "no"
    return f" {r['cg_bound']} ({r['cg_seconds']:.0f} s, {conv}) | {gap} |"


def cg_bound(inst, assignment: dict, limit: float) -> tuple[int, bool, float]:
    """Column-generation bound seeded with the solver's roster: (bound, converged, seconds)."""
    sidx = {s.id: i for i, s in enumerate(inst.shifts)}
    rows = [[-1 if s is None else sidx[s] for s in assignment[st.id]] for st in inst.staff]
    begin = time.monotonic()
    res = lower_bound(inst, [rows], deadline=begin + limit)
    return res.bound, res.converged, time.monotonic() - begin


def run_one(
    folder: Path,
    n: int,
    limit: float,
    workers: int,
    best: dict[str, int],
    deterministic_limit: float | None = None,
    lns_iterations: int | None = None,
    bound_limit: float = 0.0,
) -> dict:
    name = f"Instance{n}"
    inst = parse_file(folder / f"{name}.txt")
    load1 = os.getloadavg()[0]
    sol = solve(
        inst,
        time_limit=limit,
        workers=workers,
        seed=0,
        deterministic_limit=deterministic_limit,
        lns_iterations=lns_iterations,
    )
    report = check(inst, sol.assignment) if sol.assignment else None
    bk = best.get(name)
    gap = None
    if sol.objective is not None and bk:
        gap = 100.0 * (sol.objective - bk) / bk
    cg: tuple[int, bool, float] | None = None
    if bound_limit > 0 and sol.assignment:
        cg = cg_bound(inst, sol.assignment, bound_limit)
    bound = sol.bound if cg is None else max(sol.bound or 0, cg[0])
    return {
        "instance": name,
        "time_limit": limit,
        "workers": workers,
        "status": sol.status,
        "objective": sol.objective,
        "bound": bound,
        "solver_bound": sol.bound,
        "cg_bound": None if cg is None else cg[0],
        "cg_converged": None if cg is None else cg[1],
        "cg_seconds": None if cg is None else cg[2],
        "best_known": bk,
        "gap_pct": gap,
        # OK means: no hard violation and the checker's penalty equals the solver's objective.
        "checker_ok": bool(report and report.ok and report.penalty == sol.objective),
        "checker_penalty": report.penalty if report else None,
        "wall_time": sol.wall_time,
        "note": sol.note,
        "load1": load1,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limits", type=float, nargs="+", default=[10.0])
    ap.add_argument("--instances", default="1-24", help="e.g. 1-7,9,11-12")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--deterministic-limit",
        type=float,
        help="ignore the wall clock: CP-SAT deterministic seconds, one worker (reproducible)",
    )
    ap.add_argument("--lns-iterations", type=int, help="number of LNS moves")
    ap.add_argument(
        "--bound-limit",
        type=float,
        default=0.0,
        help="seconds for a column-generation lower bound after each solve (0: none)",
    )
    ap.add_argument("--out", type=Path, help="append the Markdown table to this file")
    ap.add_argument("--jsonl", type=Path, help="append one JSON line per run to this file")
    args = ap.parse_args(argv)

    folder = nrp_dir()
    if not (folder / "Instance1.txt").exists():
        print(f"benchmark instances not found at {folder} (set RATHAUS_NRP_DIR)", file=sys.stderr)
        return 2
    best = best_known(folder)
    lines = [header(argv), BOUND_HEAD if args.bound_limit > 0 else TABLE_HEAD]
    print("\n".join(lines), flush=True)
    for limit in args.time_limits:
        for n in parse_range(args.instances):
            result = run_one(
                folder,
                n,
                limit,
                args.workers,
                best,
                args.deterministic_limit,
                args.lns_iterations,
                args.bound_limit,
            )
            lines.append(row(result))
            print(lines[-1], flush=True)
            if args.jsonl:
                args.jsonl.parent.mkdir(parents=True, exist_ok=True)
                with args.jsonl.open("a") as fh:
                    fh.write(json.dumps(result) + "\n")
    if args.out:
        with args.out.open("a") as fh:
            fh.write("\n" + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
