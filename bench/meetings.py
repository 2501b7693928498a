"""Benchmark: OParl paging through 100,000 objects, meeting pages under load, a 1,000-meeting feed.

Usage: .venv/bin/python bench/meetings.py [--clients 64] [--seconds 10] [--workers 4] [--threads 8]
                                          [--objects 100000] [--pages 200] [--cold 20]
                                          [--db NAME] [--root DIR]

``--root DIR`` serves (and sets up) another tree of the project with this same measuring code,
e.g. main's code for a before/after comparison: ``git archive main | tar -x -C /tmp/before``
and ``--root /tmp/before``. ``--db`` names the PostgreSQL database (one's own prefix).

What it does (loopback only, bounded in time):

1. creates the PostgreSQL database ``rathaus_bench_meetings`` (dropped at the end unless
   ``--keep-db``), migrates it and loads the demo town (Musterstadt);
2. adds a public body with 1,000 meetings ahead (the .ics feed) and ``--objects`` public agenda
   items spread over 2,000 public meetings (bulk inserts);
3. starts ``gunicorn config.wsgi -w 4 -k gthread --threads 8`` on 127.0.0.1 with the shared
   cache in Redis (``redis://127.0.0.1:6379/9``, flushed first), as in production;
4. pages through ``/oparl/v1/body/<id>/agendaitem?limit=100`` — ``--pages`` pages spread evenly
   over the whole list (first to last, by ``page=<n>``), one client, and reports p50/p95/max
   per page; then walks the whole list as a harvester does, following every ``links.next``
   (keyset: ``after=<last id>``);
5. runs ``--clients`` keep-alive clients for ``--seconds`` against the trivial JSON endpoint
   ``/api/v1/ping`` (baseline), a meeting page and the minutes page (logged in as the meetings
   office through a session cookie);
6. fetches the 1,000-meeting feed ``/gremien/<id>/kalender.ics`` 50 times warm; ``--cold``
   times with the shared cache emptied before each; ``--cold`` times as the first request after
   a change to the body (``caching.bump``: the feed is rendered anew); and ``--fresh`` times
   **truly cold**: each from a newly started server process (``gunicorn -w 1``, another port)
   whose only request before was the readiness ping, with the shared cache emptied — nothing
   of the feed in any memory, only what the database holds.

The session of the pages has passed the second factor (the meetings office gets a confirmed
authenticator and the session its device id), as a privileged login's session does.

Prints a Markdown table with the command line, os.cpu_count() and the load average. Not a
test: no asserts.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import served

ROOT = Path(__file__).resolve().parent.parent  # the tree served; ``--root`` changes it
DB_NAME = "rathaus_bench_meetings"  # ``--db`` changes it
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


# --- load generator (runs in child processes) ---------------------------------------------------


def _client_thread(port, path, headers, deadline, out, errors) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Connection": "keep-alive", **headers})
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


def _client_process(port, path, headers, threads, start, seconds, queue) -> None:
    while time.time() < start:
        time.sleep(0.001)
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors: list = []
    workers = [
        threading.Thread(
            target=_client_thread, args=(port, path, headers, deadline, latencies, errors)
        )
        for _ in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((latencies, errors))


def run_load(port, path, clients, seconds, processes, headers=None) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start = time.time() + 1.5
    procs = [
        ctx.Process(
            target=_client_process, args=(port, path, headers or {}, n, start, seconds, queue)
        )
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
    return _stats(latencies, seconds, errors)


def _stats(latencies: list[float], seconds: float, errors) -> dict:
    latencies = sorted(latencies)
    n = len(latencies)

    def q(f):
        return latencies[min(n - 1, int(n * f))] * 1000 if n else float("nan")

    return {
        "requests": n,
        "rps": n / seconds if seconds else float("nan"),
        "p50": q(0.5),
        "p95": q(0.95),
        "p99": q(0.99),
        "max": latencies[-1] * 1000 if n else float("nan"),
        "errors": len(errors),
    }


# --- setup --------------------------------------------------------------------------------------


# shared cache of the 4 workers; flushed at the start (RATHAUS_BENCH_REDIS_URL: another DB)
REDIS_URL = os.environ.get("RATHAUS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")


def _env() -> dict:
    return served.server_env(DB_NAME, CACHE_URL=REDIS_URL)


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _psql_db(sql: str) -> None:
    import psycopg

    with psycopg.connect(served.pg_url(DB_NAME), autocommit=True) as conn:
        conn.execute(sql)


def setup_database(python: str, demo_now: str = "") -> None:
    """As ``served.recreate_database``; ``demo_now`` loads the demo as at that moment
    (``load_demo --now``), for hours at which today's demo data does not load."""
    if not demo_now:
        served.recreate_database(python, DB_NAME, _env())
        return
    served.drop_database(DB_NAME)
    _psql(f'CREATE DATABASE "{DB_NAME}"')
    env = _env()
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "load_demo", "--now", demo_now],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_server(python: str, port: int, workers: int, threads: int):
    """gunicorn as in ``served.start_gunicorn``, its command line naming ``bench/meetings.py``
    (``-e RATHAUS_BENCH=…``; the workers are forks and share it), so that the machine's priority
    rule for ``bench/`` processes covers the server under test, not only the clients."""
    gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
    command = [gunicorn, "config.wsgi", "-w", str(workers), "-k", "gthread"]
    command += ["--threads", str(threads), "-b", f"127.0.0.1:{port}"]
    command += [
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
        "-e",
        "RATHAUS_BENCH=bench/meetings.py",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=_env())


def add_volume(objects: int) -> tuple[int, int, int]:
    """Bulk data: 1,000 future meetings of a public body, ``objects`` public agenda items."""
    from django.utils import timezone

    from rathaus.core.models import Municipality
    from rathaus.meetings.models import AgendaItem, Body, Meeting

    town = Municipality.objects.get(slug="musterstadt")
    now = timezone.now()
    feed_body = Body.objects.create(
        municipality=town, name="Bezirksvertretung Mitte", kind="district_council", public=True
    )
    Meeting.objects.bulk_create(
        Meeting(
            municipality=town,
            body=feed_body,
            title="Sitzung der Bezirksvertretung",
            start=now + timedelta(hours=18 * i + 1),
            end=now + timedelta(hours=18 * i + 3),
            mode="hybrid",
            video_room=f"bench-{i}",
        )
        for i in range(1000)
    )
    archive = Body.objects.create(
        municipality=town, name="Archivausschuss", kind="committee", public=True
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            municipality=town,
            body=archive,
            title="Sitzung",
            start=now - timedelta(days=2000 - i),
            end=now - timedelta(days=2000 - i) + timedelta(hours=2),
            mode="in_person",
        )
        for i in range(2000)
    )
    per = max(1, objects // len(meetings))
    batch = []
    for m in meetings:
        for k in range(per):
            batch.append(
                AgendaItem(
                    municipality=town,
                    body=archive,
                    meeting=m,
                    position=k + 1,
                    title=f"Tagesordnungspunkt {k + 1}",
                    public=True,
                    discussion="Beratung." * 5,
                )
            )
        if len(batch) >= 20_000:
            AgendaItem.objects.bulk_create(batch)
            batch = []
    AgendaItem.objects.bulk_create(batch)
    return town.pk, feed_body.pk, AgendaItem.objects.filter(meeting__body__public=True).count()


def existing_volume() -> tuple[int, int, int]:
    """What ``add_volume`` made in a database kept by ``--setup-only``."""
    from rathaus.meetings.models import AgendaItem, Body

    feed_body = Body.objects.get(name="Bezirksvertretung Mitte")
    total = AgendaItem.objects.filter(meeting__body__public=True).count()
    return feed_body.municipality_id, feed_body.pk, total


def session_cookie() -> str:
    """A signed-in session of the meetings office that has passed the second factor."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rathaus.core.models import User

    user = User.objects.get(username="gremienbuero")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def timed_gets(port: int, paths: list[str]) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors = [], []
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        latencies.append(time.perf_counter() - t0)
        if resp.status != 200:
            errors.append(resp.status)
    conn.close()
    return _stats(latencies, 0, errors)


def cold_gets(port: int, path: str, n: int) -> dict:
    """``n`` fetches, each after emptying the shared cache: the feed written from the database."""
    runs = []
    for _ in range(n):
        _flush_redis()
        runs.append(timed_gets(port, [path]))
    latencies = sorted(r["p50"] / 1000 for r in runs)
    return _stats(latencies, 0, [e for r in runs for e in range(r["errors"])])


def after_change_gets(port: int, path: str, n: int, body_id: int, town_id: int) -> dict:
    """``n`` fetches, each the first after a change to the body (its caches and stored feed
    outdated as a service does): the feed rendered from the database."""
    from rathaus.meetings import caching

    runs = []
    for _ in range(n):
        caching.bump(body_id, town_id)
        runs.append(timed_gets(port, [path]))
    latencies = sorted(r["p50"] / 1000 for r in runs)
    return _stats(latencies, 0, [e for r in runs for e in range(r["errors"])])


def fresh_process_gets(python: str, port: int, path: str, n: int) -> dict:
    """``n`` fetches, each from a newly started one-process server with the shared cache
    emptied; the readiness ping is its only request before (startup is not measured)."""
    runs = []
    for _ in range(n):
        _flush_redis()
        server = start_server(python, port, 1, 8)
        try:
            served.wait_for(port, seconds=300)
            runs.append(timed_gets(port, [path]))
        finally:
            server.terminate()
            server.wait(timeout=60)
    latencies = sorted(r["p50"] / 1000 for r in runs)
    return _stats(latencies, 0, [e for r in runs for e in range(r["errors"])])


def follow_next(port: int, path: str) -> dict:
    """A harvester's walk: the first page, then every ``links.next`` to the end."""
    import json
    from urllib.parse import urlsplit

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors = [], []
    while path:
        t0 = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        latencies.append(time.perf_counter() - t0)
        if resp.status != 200:
            errors.append(resp.status)
            break
        nxt = json.loads(body)["links"].get("next")
        path = "" if not nxt else urlsplit(nxt).path + "?" + urlsplit(nxt).query
    conn.close()
    return _stats(latencies, 0, errors)


def _use_tree(root: Path, db_name: str) -> None:
    """Serve, migrate and load ``root`` (its code also runs the bulk inserts in-process)."""
    global ROOT, DB_NAME
    if not (root / "manage.py").exists() or not db_name.replace("_", "").isalnum():
        raise SystemExit("--root needs a project tree with manage.py; --db letters, digits, _")
    ROOT, DB_NAME = root, db_name
    served.ROOT = root
    sys.path.insert(0, str(root))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--port", type=int, default=8873)
    p.add_argument("--load-processes", type=int, default=4)
    p.add_argument("--objects", type=int, default=100_000)
    p.add_argument("--pages", type=int, default=200)
    p.add_argument("--keep-db", action="store_true")
    p.add_argument("--cold", type=int, default=20, help="feed fetches with the cache emptied")
    p.add_argument("--fresh", type=int, default=5, help="feed fetches from a new server process")
    p.add_argument("--db", default=DB_NAME, help="PostgreSQL database (created and dropped)")
    p.add_argument("--root", type=Path, default=ROOT, help="the project tree to serve")
    p.add_argument(
        "--setup-only", action="store_true", help="create and fill --db, keep it, measure nothing"
    )
    p.add_argument("--reuse-db", action="store_true", help="measure on a --db made by --setup-only")
    p.add_argument("--demo-now", default="", help="load_demo --now (ISO date and time)")
    args = p.parse_args()
    _use_tree(args.root.resolve(), args.db)
    if args.seconds > 120 or args.clients > 512 or args.objects > 1_000_000:
        raise SystemExit("bounded: at most 120 s per phase, 512 clients, 1,000,000 objects")

    python = sys.executable
    command = " ".join([Path(python).name, *sys.argv])
    print(f"command: {command}", flush=True)
    print(f"served tree: {ROOT}; database: {DB_NAME}", flush=True)
    load_start = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"os.cpu_count(): {os.cpu_count()}; load average at start: {load_start}", flush=True)
    if not args.reuse_db:
        setup_database(python, args.demo_now)
    _flush_redis()
    os.environ.update(_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from rathaus.meetings.models import Meeting

    if args.reuse_db:
        town_id, feed_body_id, total = existing_volume()
    else:
        town_id, feed_body_id, total = add_volume(args.objects)
        _psql_db("ANALYZE")  # as autovacuum would after a bulk load: fresh planner statistics
    if args.setup_only:
        print(f"kept {DB_NAME}: {total} public agenda items; measure with --reuse-db")
        return
    cookie = session_cookie()
    meeting = Meeting.objects.filter(title__startswith="Sondersitzung").first()
    server = start_server(python, args.port, args.workers, args.threads)
    rows = []
    try:
        served.wait_for(args.port, seconds=600)  # a loaded machine starts 4 workers slowly
        last = -(-total // 100)
        pages = sorted(
            {1 + round(i * (last - 1) / max(1, args.pages - 1)) for i in range(args.pages)}
        )
        base = f"/oparl/v1/body/{town_id}/agendaitem?limit=100&page="
        timed_gets(args.port, [base + "1"] * 3)  # warm-up
        oparl = timed_gets(args.port, [base + str(n) for n in pages])
        walk = follow_next(args.port, f"/oparl/v1/body/{town_id}/agendaitem?limit=100")
        feed_path = f"/gremien/{feed_body_id}/kalender.ics"
        feed_cold = cold_gets(args.port, feed_path, min(args.cold, 100))
        feed_changed = after_change_gets(
            args.port, feed_path, min(args.cold, 100), feed_body_id, town_id
        )
        timed_gets(args.port, [feed_path] * 2)
        feed = timed_gets(args.port, [feed_path] * 50)
        headers = {"Cookie": cookie}
        for label, path, hdr in (
            ("/api/v1/ping (baseline)", "/api/v1/ping", {}),
            ("meeting page", f"/gremien/sitzung/{meeting.pk}/", headers),
            ("minutes page", f"/gremien/sitzung/{meeting.pk}/protokoll/", headers),
        ):
            run_load(args.port, path, 8, 2, 2, hdr)  # warm-up
            rows.append(
                (
                    label,
                    run_load(args.port, path, args.clients, args.seconds, args.load_processes, hdr),
                )
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    try:
        feed_fresh = fresh_process_gets(python, args.port + 1, feed_path, min(args.fresh, 20))
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep_db or args.reuse_db):
            served.drop_database(DB_NAME)

    ping = rows[0][1]["rps"] or float("nan")
    print()
    print(f"- command: `{command}`")
    print(
        f"- os.cpu_count(): {os.cpu_count()}; Python {platform.python_version()}; "
        f"gunicorn -w {args.workers} -k gthread --threads {args.threads}; PostgreSQL; "
        f"{args.clients} keep-alive clients, {args.seconds:g} s per phase; "
        f"load average at start: {load_start}; "
        f"at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print()
    print(f"OParl: {total} public agenda items, {len(pages)} pages of 100 from first to last:")
    print()
    print("| what | n | p50 ms | p95 ms | max ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| OParl agendaitem page (limit=100) | {oparl['requests']} | {oparl['p50']:.1f} | {oparl['p95']:.1f} | {oparl['max']:.1f} | {oparl['errors']} |"
    )
    print(
        f"| OParl agendaitem, every `next` link from first to last | {walk['requests']} | {walk['p50']:.1f} | {walk['p95']:.1f} | {walk['max']:.1f} | {walk['errors']} |"
    )
    print(
        f"| .ics feed, 1,000 meetings (cached) | {feed['requests']} | {feed['p50']:.1f} | {feed['p95']:.1f} | {feed['max']:.1f} | {feed['errors']} |"
    )
    print(
        f"| .ics feed, 1,000 meetings, cache emptied before each | {feed_cold['requests']} | {feed_cold['p50']:.1f} | {feed_cold['p95']:.1f} | {feed_cold['max']:.1f} | {feed_cold['errors']} |"
    )
    print(
        f"| .ics feed, first request after a change to the body | {feed_changed['requests']} | {feed_changed['p50']:.1f} | {feed_changed['p95']:.1f} | {feed_changed['max']:.1f} | {feed_changed['errors']} |"
    )
    print(
        f"| .ics feed, new server process, cache emptied | {feed_fresh['requests']} | {feed_fresh['p50']:.1f} | {feed_fresh['p95']:.1f} | {feed_fresh['max']:.1f} | {feed_fresh['errors']} |"
    )
    print()
    print("| endpoint | requests | req/s | p50 ms | p99 ms | errors | ratio to ping |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, s in rows:
        print(
            f"| {label} | {s['requests']} | {s['rps']:.0f} | {s['p50']:.1f} | {s['p99']:.1f} | "
            f"{s['errors']} | {s['rps'] / ping:.2f} |"
        )
    _print_goals(oparl, walk, [feed, feed_cold, feed_changed, feed_fresh], rows)


def _print_goals(oparl: dict, walk: dict, feeds: list[dict], rows: list) -> None:
    """The three goals of issue 13 against this run's figures."""

    def yes(ok: bool) -> str:
        return "yes" if ok else "**no**"

    pages = [s["rps"] for label, s in rows if label != rows[0][0]]
    print()
    print("| goal (issue 13) | measured | met? |")
    print("| --- | --- | --- |")
    print(
        f"| OParl page p95 ≤ 100 ms | by `page=`: p95 {oparl['p95']:.1f} ms; by `next`: "
        f"p95 {walk['p95']:.1f} ms | {yes(max(oparl['p95'], walk['p95']) <= 100)} |"
    )
    print(
        f"| meeting and agenda pages ≥ 500 req/s, 64 clients | "
        f"{' / '.join(f'{r:.0f}' for r in pages)} req/s (ping {rows[0][1]['rps']:.0f}) | "
        f"{yes(min(pages) >= 500)} |"
    )
    feed, cold, changed, fresh = feeds
    print(
        f"| .ics feed of 1,000 meetings ≤ 200 ms | warm: p95 {feed['p95']:.1f} ms; cache "
        f"emptied: p95 {cold['p95']:.1f} ms; after a change: p95 {changed['p95']:.1f} ms; new "
        f"process: p95 {fresh['p95']:.1f} ms (max {fresh['max']:.1f}) | "
        f"{yes(max(f['p95'] for f in feeds) <= 200)} |"
    )


if __name__ == "__main__":
    main()
