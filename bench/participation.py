"""Benchmark: a public participation process with 10,000 ideas and 100,000 comments.

Usage: .venv/bin/python bench/participation.py [--clients 64] [--seconds 15] [--workers 4]
       [--threads 8] [--ideas 10000] [--comments 100000]

What it does (loopback only, bounded in time):

1. creates the PostgreSQL database ``rathaus_bench_participation`` (dropped at the end unless
   ``--keep-db``), migrates it, loads the demo and adds one open process with ``--ideas``
   ideas and ``--comments`` comments (bulk inserts) and 256 participants with known tokens;
2. starts ``gunicorn config.wsgi -w 4 -k gthread --threads 8`` on 127.0.0.1 with
   ``DJANGO_SETTINGS_MODULE=rathaus.participation.bench_settings`` (per-IP limits and proof of
   work off: every client shares one IP) and ``CACHE_URL=redis://127.0.0.1:6379/6``
   (``RATHAUS_BENCH_REDIS_URL`` and ``RATHAUS_BENCH_DB`` name another Redis DB and database);
3. runs phases of ``--seconds`` each with ``--clients`` keep-alive connections (threads over a
   few processes): the trivial JSON endpoint ``/api/v1/ping`` (baseline), the public process
   page (first page and page 400 of the ideas), the JSON ideas API, an idea page with its
   comments, posting comments through the API (each client its own participant token; once
   spread over 512 ideas, once all on one idea, then with ``--post-clients`` (8) clients
   only, closed loop, and at last open loop: ``--post-rate`` (20) comments per second spread
   over those clients whatever the answers take — the posting goal's measure, far above a
   town's peak of a few comments per second) and the baseline again;
4. reads the server time of every request from gunicorn's access log (``%(D)s``: from reading
   the request to writing the response, inside the worker) — the issue's "server time" — next
   to the client-side latency, which adds queueing for the CPU on a loaded machine.

Prints a Markdown table (requests/s, ratio to the baseline of the same run, server and client
percentiles) with the command line, os.cpu_count() and the load average before and after.
Not a test. Run it without ``nice``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import served

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# RATHAUS_BENCH_DB / RATHAUS_BENCH_REDIS_URL: another database / Redis DB (parallel worktrees)
DB_NAME = os.environ.get("RATHAUS_BENCH_DB", "rathaus_bench_participation")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
CACHE_URL = os.environ.get("RATHAUS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
SETTINGS = "rathaus.participation.bench_settings"


# --- load generator (runs in child processes) ---------------------------------------------------


def _request(conn, method, path, body, headers):
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    return resp


def _client_thread(port, spec, deadline, out, errors, index, pace=None):
    """Closed loop (the next request when the answer is in), or with ``pace`` = (start,
    rate, clients) open loop: client ``index`` sends its n-th request at start + (n * clients
    + index) / rate, and its latency counts from that moment (waiting for a late answer
    included)."""
    method, path, tokens = spec
    if isinstance(path, list):  # one path per client (e.g. each client comments on its own idea)
        path = path[index % len(path)]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Connection": "keep-alive"}
    n = 0
    if tokens:
        headers["X-Participation-Token"] = tokens[index % len(tokens)]
        headers["Content-Type"] = "application/json"
    while time.perf_counter() < deadline:
        body = json.dumps({"body": f"Benchmark-Kommentar {index}-{n}"}) if tokens else None
        t0 = time.perf_counter()
        if pace is not None:
            start, rate, clients = pace
            due = start + (n * clients + index) / rate - time.time()
            if due > 0:
                time.sleep(due)
            t0 += due  # from the planned moment, also when it is already past
            if time.perf_counter() >= deadline:
                break
        n += 1
        try:
            resp = _request(conn, method, path, body, headers)
            if resp.status not in (200, 201):
                errors.append(resp.status)
            out.append(time.perf_counter() - t0)
        except (OSError, http.client.HTTPException):
            errors.append("io")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()


def _client_process(port, spec, threads, offset, start, seconds, queue, pace=None):
    while time.time() < start:
        time.sleep(0.001)
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors: list = []
    workers = [
        threading.Thread(
            target=_client_thread,
            args=(port, spec, deadline, latencies, errors, offset + i, pace),
        )
        for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((latencies, errors))


def run_load(port, spec, clients, seconds, processes, rate=None) -> dict:
    """``rate``: requests per second over all clients together (open loop), else closed loop."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start = time.time() + 1.5
    pace = (start, rate, clients) if rate else None
    procs, offset = [], 0
    for n in per:
        if n:
            procs.append(
                ctx.Process(
                    target=_client_process,
                    args=(port, spec, n, offset, start, seconds, queue, pace),
                )
            )
            offset += n
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
        "p50": _pct(latencies, 0.5),
        "p95": _pct(latencies, 0.95),
        "p99": _pct(latencies, 0.99),
        "errors": len(errors),
    }


def _pct(values: list[float], q: float) -> float:
    """Percentile in ms of sorted seconds."""
    n = len(values)
    return values[min(n - 1, int(n * q))] * 1000 if n else float("nan")


# gunicorn's %(D)s is the time from reading the request to having written the response, in
# microseconds, measured inside the worker: the "server time" of the issue, without the
# client's queueing on a loaded machine.
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
ACCESS_LOG = ROOT / "var" / "bench" / "participation-access.log"


def server_times(offset: int) -> tuple[dict, int]:
    """Server-side percentiles of the access-log lines written after ``offset``."""
    with ACCESS_LOG.open("rb") as f:
        f.seek(offset)
        data = f.read()
    times = sorted(
        int(parts[3]) / 1e6 for line in data.splitlines() if len(parts := line.split()) == 4
    )
    stats = {"server_n": len(times)}
    stats.update({f"s{q}": _pct(times, q / 100) for q in (50, 95, 99)})
    return stats, offset + len(data)


def _log_size() -> int:
    return ACCESS_LOG.stat().st_size if ACCESS_LOG.exists() else 0


# --- setup --------------------------------------------------------------------------------------


def _env() -> dict:
    return served.server_env(DB_NAME, CACHE_URL=CACHE_URL, DJANGO_SETTINGS_MODULE=SETTINGS)


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def setup_database(python: str) -> None:
    served.recreate_database(python, DB_NAME, _env())


def seed(n_ideas: int, n_comments: int) -> tuple[int, list[int], list[str], float]:
    """One open process with many ideas and comments; returns ids, tokens and seconds taken."""
    from django.utils import timezone

    from rathaus.core.models import Municipality, User
    from rathaus.participation.models import Comment, Idea, Participant, hash_token, new_token
    from rathaus.participation.selectors.consent import current_texts, versions
    from rathaus.participation.services.processes import PhaseSpec, process_create

    t0 = time.perf_counter()
    town = Municipality.objects.get(slug="musterstadt")
    today = timezone.localdate()
    now = timezone.now()
    process = process_create(
        actor=User.objects.get(username="beteiligung"),
        municipality=town,
        title="Benchmark: Haushalt 2027",
        summary="Viele Ideen und Kommentare.",
        phases=[
            PhaseSpec(
                "contributions",
                today - timedelta(days=5),
                today + timedelta(days=30),
                True,
                True,
                True,
            )
        ],
        published=True,
    )
    tokens = [new_token() for _ in range(256)]
    consents = versions(current_texts(town.pk))  # accepted, as joining records them
    people = Participant.objects.bulk_create(
        Participant(
            municipality=town,
            process=process,
            pseudonym=f"Person {i}",
            token_hash=hash_token(t),
            consents=consents,
            created_at=now,
        )
        for i, t in enumerate(tokens)
    )
    ideas = Idea.objects.bulk_create(
        (
            Idea(
                municipality=town,
                process=process,
                number=i + 1,
                participant=people[i % len(people)],
                title=f"Idee {i + 1}",
                body="Ein Vorschlag mit etwas Text, damit die Seite realistisch groß ist. " * 3,
                comment_count=n_comments // n_ideas,
                created_at=now - timedelta(minutes=n_ideas - i),
            )
            for i in range(n_ideas)
        ),
        batch_size=2000,
    )
    batch = []
    for j in range(n_comments):
        batch.append(
            Comment(
                municipality=town,
                idea=ideas[j % n_ideas],
                participant=people[j % len(people)],
                body=f"Kommentar {j}",
                created_at=now - timedelta(seconds=n_comments - j),
            )
        )
        if len(batch) == 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    # the newest idea first (the one on top of page 1), then older ones for spread-out posting
    idea_ids = [idea.pk for idea in reversed(ideas[-512:])]
    return process.pk, idea_ids, tokens, time.perf_counter() - t0


def _phases(process_id, idea_ids, tokens, deep: int, post_clients: int, post_rate: float) -> list:
    idea_id = idea_ids[0]
    spread = [f"/api/v1/participation/ideas/{pk}/comments" for pk in idea_ids]
    return [
        ("/api/v1/ping (baseline)", ("GET", "/api/v1/ping", None)),
        ("public process page, ideas page 1", ("GET", f"/beteiligung/{process_id}/", None)),
        (
            f"public process page, ideas page {deep}",
            ("GET", f"/beteiligung/{process_id}/?page={deep}", None),
        ),
        (
            "JSON ideas API, page 1",
            ("GET", f"/api/v1/participation/processes/{process_id}/ideas", None),
        ),
        ("public idea page with comments", ("GET", f"/beteiligung/idee/{idea_id}/", None)),
        (
            "POST comment, every client on its own idea",
            ("POST", spread, tokens),
        ),
        (
            "POST comment, all clients on the same idea",
            ("POST", f"/api/v1/participation/ideas/{idea_id}/comments", tokens),
        ),
        (
            f"POST comment, {post_clients} clients each on its own idea",
            ("POST", spread, tokens, post_clients),
        ),
        (
            f"POST comment, open loop: {post_rate:g} comments/s from {post_clients} clients",
            ("POST", spread, tokens, post_clients, post_rate),
        ),
        ("/api/v1/ping (baseline, again)", ("GET", "/api/v1/ping", None)),
    ]


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _measure(args, phases) -> list:
    rows = []
    for label, spec in phases:
        if spec[0] == "GET":
            run_load(args.port, spec, 8, 2, 2)  # warm-up
        offset = _log_size()
        clients = spec[3] if len(spec) > 3 else args.clients
        rate = spec[4] if len(spec) > 4 else None
        client = run_load(args.port, spec[:3], clients, args.seconds, args.load_processes, rate)
        server, _ = server_times(offset)
        rows.append((label, spec, {**client, **server}))
        print(
            f"  {label}: {client['rps']:.0f} req/s, server p95 {server['s95']:.1f} ms", flush=True
        )
    return rows


def _print(args, command, rows, load_before) -> None:
    base = rows[0][2]["rps"] or float("nan")
    print()
    print(f"- command: `{command}`")
    print(
        f"- os.cpu_count(): {os.cpu_count()}; Python {platform.python_version()}; "
        f"gunicorn -w {args.workers} -k gthread --threads {args.threads}; PostgreSQL; Redis cache; "
        f"{args.clients} keep-alive clients, {args.seconds:g} s per phase; {args.ideas} ideas, "
        f"{args.comments} comments; settings {SETTINGS} (per-IP limits and ALTCHA off)"
    )
    print(f"- load average before: {load_before}; at end: {_load()}")
    print(
        "- server ms = gunicorn's request time (%(D)s, in the worker, from request read to "
        "response written); client ms include queueing on the loopback"
    )
    print()
    print(
        "| endpoint | requests | req/s | ratio to ping | server p50 | server p95 | server p99 "
        "| client p50 | client p95 | errors |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, spec, s in rows:
        path = spec[1] if isinstance(spec[1], str) else "/api/v1/participation/ideas/{id}/comments"
        print(
            f"| {label} `{spec[0]} {path}` | {s['requests']} | {s['rps']:.0f} | "
            f"{s['rps'] / base:.2f} | {s['s50']:.1f} | {s['s95']:.1f} | {s['s99']:.1f} | "
            f"{s['p50']:.1f} | {s['p95']:.1f} | {s['errors']} |"
        )


def _prepare(args, python) -> tuple[int, list[int], list[str]]:
    """A fresh seeded database (or, with --prepared, the one seeded before) and an empty
    cache; returns the process id, the ideas to comment on and the participants' tokens."""
    if args.prepared:
        data = json.loads(Path(args.prepared).read_text())
    else:
        setup_database(python)
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()
    os.environ.update(_env())
    if args.prepared:
        return data["process_id"], data["idea_ids"], data["tokens"]
    import django

    django.setup()
    process_id, idea_ids, tokens, seeded = seed(args.ideas, args.comments)
    print(f"seeded {args.ideas} ideas and {args.comments} comments in {seeded:.1f} s", flush=True)
    if args.prepare:
        ids = {"process_id": process_id, "idea_ids": idea_ids, "tokens": tokens}
        Path(args.prepare).write_text(json.dumps(ids))
    return process_id, idea_ids, tokens


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--seconds", type=float, default=15.0)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--port", type=int, default=8872)
    p.add_argument("--load-processes", type=int, default=4)
    p.add_argument("--ideas", type=int, default=10_000)
    p.add_argument("--comments", type=int, default=100_000)
    p.add_argument("--post-clients", type=int, default=8, help="clients of the light posting phase")
    p.add_argument(
        "--post-rate",
        type=float,
        default=20.0,
        help="comments per second of the open-loop posting phase (the goal's measure)",
    )
    p.add_argument("--keep-db", action="store_true")
    p.add_argument(
        "--prepare",
        metavar="FILE",
        help="only create and seed the database, write the ids and tokens to FILE (no load)",
    )
    p.add_argument(
        "--prepared",
        metavar="FILE",
        help="measure on the database seeded by --prepare FILE (kept afterwards)",
    )
    args = p.parse_args()
    if args.seconds > 120 or args.clients > 512 or args.comments > 1_000_000:
        raise SystemExit("bounded: at most 120 s per phase, 512 clients, 1,000,000 comments")

    python = sys.executable
    command = " ".join([Path(python).name, *sys.argv])
    load_before = _load()
    print(f"command: {command}; cores {os.cpu_count()}; load {load_before}", flush=True)
    process_id, idea_ids, tokens = _prepare(args, python)
    if args.prepare:
        return
    ACCESS_LOG.parent.mkdir(parents=True, exist_ok=True)
    ACCESS_LOG.unlink(missing_ok=True)
    extra = ("--access-logfile", str(ACCESS_LOG), "--access-logformat", ACCESS_FORMAT)
    server = served.start_gunicorn(python, args.port, args.workers, args.threads, _env(), extra)
    deep = max(1, args.ideas // 20 // 2)
    try:
        served.wait_for(args.port)
        phases = _phases(process_id, idea_ids, tokens, deep, args.post_clients, args.post_rate)
        rows = _measure(args, phases)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        from django.db import connections

        connections.close_all()
        if not (args.keep_db or args.prepared):
            served.drop_database(DB_NAME)
    _print(args, command, rows, load_before)


if __name__ == "__main__":
    main()
