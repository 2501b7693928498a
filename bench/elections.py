"""Benchmark: the public election results page under load while districts are being approved.

Usage: .venv/bin/python bench/elections.py [--clients 64] [--seconds 15] [--workers 4] [--threads 8]

What it does (loopback only, bounded in time):

1. creates the PostgreSQL database ``rathaus_bench_elections`` (dropped at the end unless
   ``--keep-db``), migrates it and loads the demo town (Musterstadt, mayoral election night);
2. starts ``gunicorn config.wsgi -w 4 -k gthread --threads 8`` on 127.0.0.1 with
   ``CACHE_URL=redis://127.0.0.1:6379/5`` (that Redis database is flushed first);
3. runs three phases of ``--seconds`` each with ``--clients`` keep-alive ``http.client``
   connections (threads, spread over a few processes so the load generator is not limited by
   one GIL): the trivial JSON endpoint ``/api/v1/ping`` (baseline), the public results page and
   its htmx fragment – during the last two a background thread corrects and re-approves one
   district every ``--approve-every`` seconds (four eyes: ``wahlamt`` enters, ``wahlamt2``
   approves), which bumps the cache version;
4. times the counting engine's ``aggregate`` over 10,000 districts.

Prints a Markdown table with the command line and os.cpu_count(). Not a test: no asserts.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import served

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "rathaus_bench_elections"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
CACHE_URL = "redis://127.0.0.1:6379/5"


# --- load generator (runs in child processes) ---------------------------------------------------


def _client_thread(port: int, path: str, deadline: float, out: list, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Connection": "keep-alive"})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(resp.status)
            out.append(time.perf_counter() - t0)
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException):
            errors.append("io")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()


def _client_process(
    port: int, path: str, threads: int, start: float, seconds: float, queue
) -> None:
    while time.time() < start:
        time.sleep(0.001)
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors: list = []
    workers = [
        threading.Thread(target=_client_thread, args=(port, path, deadline, latencies, errors))
        for _ in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((latencies, errors))


def run_load(port: int, path: str, clients: int, seconds: float, processes: int) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start = time.time() + 1.5  # let every process start before the clock runs
    procs = [
        ctx.Process(target=_client_process, args=(port, path, n, start, seconds, queue))
        for n in per
        if n
    ]
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors: list = []
    for _ in procs:
        lat, err = queue.get(timeout=seconds + 120)
        latencies.extend(lat)
        errors.extend(err)
    for p in procs:
        p.join(timeout=30)
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / seconds,
        "p50": latencies[n // 2] * 1000 if n else float("nan"),
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan"),
        "errors": len(errors),
    }


# --- setup --------------------------------------------------------------------------------------


def _env() -> dict:
    return served.server_env(DB_NAME, CACHE_URL=CACHE_URL)


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def setup_database(python: str) -> None:
    served.recreate_database(python, DB_NAME, _env())


class Approver(threading.Thread):
    """Corrects and re-approves districts of the demo election (bumps the cache version)."""

    def __init__(self, every: float):
        super().__init__(daemon=True)
        self.every = every
        self.stop = threading.Event()
        self.count = 0
        self.failures = 0

    def run(self) -> None:
        from django.db import connection

        from rathaus.core.models import User
        from rathaus.elections import demo
        from rathaus.elections.models import Election, Result
        from rathaus.elections.services.results import result_approve, result_enter

        a = User.objects.get(username="wahlamt")
        b = User.objects.get(username="wahlamt2")
        election = Election.objects.get(title=demo.TITLE)
        results = list(
            Result.objects.filter(election=election, state=Result.State.APPROVED).select_related(
                "district"
            )
        )
        rng = random.Random(1)
        while not self.stop.wait(self.every):
            result = rng.choice(results)
            result.refresh_from_db()
            votes = list(result.votes)
            i, j = rng.sample(range(len(votes)), 2)
            if votes[i] == 0:
                i, j = j, i
            votes[i] -= 1
            votes[j] += 1
            try:
                result_enter(
                    result=result,
                    actor=a,
                    figures={**result.figures(), "votes": votes},
                    reason="Benchmark: Nachzählung",
                )
                result_approve(result=result, actor=b)
                self.count += 1
            except Exception:  # noqa: BLE001 - a benchmark keeps going and reports failures
                self.failures += 1
        connection.close()


def time_aggregate(n: int = 10_000, repeat: int = 15) -> tuple[float, float]:
    from rathaus.engines.counting import DistrictResult, aggregate

    rng = random.Random(1)
    names = tuple(f"Bewerber {i}" for i in range(5))
    rows = []
    for i in range(n):
        votes = tuple(rng.randint(0, 300) for _ in names)
        d = sum(votes)
        rows.append(
            DistrictResult(f"{i:05d}", f"WB {i}", "urne", 2000, 500, 0, 2500, d + 5, 3, 5, d, votes)
        )
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        aggregate(rows, names)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000, min(runs) * 1000


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--seconds", type=float, default=15.0)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--port", type=int, default=8871)
    p.add_argument("--load-processes", type=int, default=4)
    p.add_argument(
        "--approve-every", type=float, default=0.5, help="seconds between approvals (0 = none)"
    )
    p.add_argument("--keep-db", action="store_true")
    args = p.parse_args()
    if args.seconds > 120 or args.clients > 512:
        raise SystemExit("bounded: at most 120 s per phase and 512 clients")

    python = sys.executable
    print(f"command: {' '.join([Path(python).name, *sys.argv])}", flush=True)
    setup_database(python)
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()
    os.environ.update(_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from rathaus.elections import demo
    from rathaus.elections.models import Election

    election_id = Election.objects.get(title=demo.TITLE).pk
    server = served.start_gunicorn(python, args.port, args.workers, args.threads, _env())
    rows = []
    approvals = failures = 0
    try:
        served.wait_for(args.port)
        phases = [
            ("/api/v1/ping (baseline)", "/api/v1/ping", False),
            ("public results page", f"/wahlen/ergebnisse/{election_id}/", True),
            ("htmx results fragment", f"/wahlen/ergebnisse/{election_id}/live/", True),
            ("JSON results API", f"/api/v1/elections/{election_id}", True),
        ]
        for label, path, approving in phases:
            run_load(args.port, path, 8, 2, 2)  # warm-up
            approver = Approver(args.approve_every) if approving and args.approve_every else None
            if approver:
                approver.start()
            stats = run_load(args.port, path, args.clients, args.seconds, args.load_processes)
            if approver:
                approver.stop.set()
                approver.join()
                approvals += approver.count
                failures += approver.failures
            rows.append((label, path, stats, approver.count if approver else 0))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            served.drop_database(DB_NAME)

    base = rows[0][2]["rps"] or float("nan")
    agg_median, agg_best = time_aggregate()
    print()
    print(f"- command: `{' '.join([Path(python).name, *sys.argv])}`")
    print(
        f"- os.cpu_count(): {os.cpu_count()}; Python {platform.python_version()}; "
        f"gunicorn -w {args.workers} -k gthread --threads {args.threads}; PostgreSQL; "
        f"Redis cache; {args.clients} keep-alive clients, {args.seconds:g} s per phase; "
        f"load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print()
    print(
        "| endpoint | requests | req/s | p50 ms | p99 ms | errors | approvals during phase | ratio to ping |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, path, s, n_appr in rows:
        print(
            f"| {label} `{path}` | {s['requests']} | {s['rps']:.0f} | {s['p50']:.1f} | "
            f"{s['p99']:.1f} | {s['errors']} | {n_appr} | {s['rps'] / base:.2f} |"
        )
    print()
    print(f"Approvals: {approvals} (failed: {failures}); every approval bumps the cache version.")
    print(
        f"Engine aggregate() over 10,000 districts: median {agg_median:.1f} ms, best "
        f"{agg_best:.1f} ms (goal < 100 ms)."
    )


if __name__ == "__main__":
    main()
