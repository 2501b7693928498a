"""Where a booking's time goes (not a test): one process, Django's test client, PostgreSQL.

Books ``--bookings`` appointments through ``POST /api/v1/appointments/bookings`` (direct
booking, pre-solved ALTCHA, per-e-mail limit on, opt-in e-mail queued to the Celery broker
after the commit), next to ``GET /api/v1/ping`` in the same process, and prints:

* CPU per request (``time.process_time``) for both, and their ratio;
* database statements, Redis commands and Redis round trips per booking;
* with a real Celery worker (default; ``--no-worker``: mails queued and dropped): every
  booking's opt-in mail sent, and the CPU the booking costs the other processes – the
  PostgreSQL backends of this database, the worker, the Redis server;
* the cProfile breakdown of the bookings (top functions by own CPU time by default,
  ``--timer wall`` for wall time; grouped by area).

Uses its own database ``rathaus_profile`` (dropped and created), Redis db 15 as cache and
db 10 as broker (its queue is emptied at the end). Pass ``--db rathaus_<branch>_…``,
``--redis``/``--broker`` of your own Redis db on a shared machine; ``--root`` measures
another checkout (before/after).

    .venv/bin/python bench/appointments_profile.py --bookings 300
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="rathaus_profile")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    p.add_argument("--broker", default="redis://127.0.0.1:6379/10", help="own broker db")
    p.add_argument("--bookings", type=int, default=300)
    p.add_argument("--pings", type=int, default=2000)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--root", default="", help="checkout whose code is measured")
    p.add_argument(
        "--timer",
        choices=["cpu", "wall"],
        default="cpu",
        help="cProfile's clock: this process's CPU time (default) or wall time (incl. waits)",
    )
    p.add_argument("--dump", default="", help="write the raw cProfile stats to this file")
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="no Celery worker: the opt-in mails are queued and dropped (no per-mail cost shown)",
    )
    return p.parse_args()


ARGS = parse_args()
ROOT = Path(ARGS.root).resolve() if ARGS.root else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {
    "DJANGO_SETTINGS_MODULE": "rathaus.appointments.bench_settings",
    "DATABASE_URL": f"{ARGS.pg}/{ARGS.db}",
    "CACHE_URL": ARGS.redis,
    "CELERY_BROKER_URL": ARGS.broker,
    "DEBUG": "0",
    "RATHAUS_TESTING": "0",
    "ALTCHA_MAX_NUMBER": "1000",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)


def recreate_database():
    import psycopg

    with psycopg.connect(f"{ARGS.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{ARGS.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{ARGS.db}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ},
        check=True,
    )


def setup():
    import django

    django.setup()
    from rathaus.appointments.models import BookingPolicy, Counter, OpeningHours, Service
    from rathaus.core.models import Location, Municipality, Region

    region = Region.objects.create(name="Profil", slug="profil")
    town = Municipality.objects.create(
        region=region, name="Profilstadt", slug="profilstadt", ags="09999997", federal_state="NW"
    )
    service = Service.objects.create(municipality=town, name="Ausweis", default_duration_minutes=10)
    loc = Location.objects.create(
        municipality=town, name="Profil", street="Weg 1", postal_code="59997", city="Profilstadt"
    )
    for i in range(50):
        counter = Counter.objects.create(
            municipality=town, location=loc, name=f"Schalter {i + 1}", position=i
        )
        counter.services.add(service)
    for wd in range(7):
        OpeningHours.objects.create(
            municipality=town, location=loc, weekday=wd, start=dtime(6), end=dtime(22)
        )
    BookingPolicy.objects.create(
        municipality=town, location=loc, min_notice_minutes=0, max_days_ahead=60
    )
    return loc, service


class RedisCounter:
    """Counts Redis commands (pipelines count their commands) and round trips (packed sends:
    a pipeline or a script is one) of every client, Celery's publish included."""

    def __init__(self):
        import redis
        import redis.connection

        self.count = 0
        self.round_trips = 0
        original = redis.Redis.execute_command
        original_pipe = redis.client.Pipeline.execute
        original_send = redis.connection.AbstractConnection.send_packed_command

        def execute_command(client, *args, **kwargs):
            self.count += 1
            return original(client, *args, **kwargs)

        def execute(pipe, *args, **kwargs):
            self.count += len(pipe.command_stack) - 1  # the pipeline's own call counts once
            return original_pipe(pipe, *args, **kwargs)

        def send_packed_command(conn, *args, **kwargs):
            self.round_trips += 1
            return original_send(conn, *args, **kwargs)

        redis.Redis.execute_command = execute_command
        redis.client.Pipeline.execute = execute
        redis.connection.AbstractConnection.send_packed_command = send_packed_command


class StatementCounter:
    """Counts statements sent by psycopg: Django's cursors and the raw prepared statements of
    the booking path (which Django's query log does not see)."""

    def __init__(self):
        import psycopg

        self.count = 0
        original = psycopg.Cursor.execute

        def execute(cursor, *args, **kwargs):
            self.count += 1
            return original(cursor, *args, **kwargs)

        psycopg.Cursor.execute = execute


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MachineCpu:
    """CPU of the processes a booking makes work, besides this one: the PostgreSQL backends
    of this database (this process's and the worker's connections), the Celery worker and
    the Redis server (``INFO cpu``: the whole server, other users' commands included)."""

    def __init__(self, worker_pid: int | None):
        import psycopg
        import redis

        self.worker_pid = worker_pid
        self.pg = psycopg.connect(f"{ARGS.pg}/postgres", autocommit=True)
        self.redis = redis.Redis.from_url(ARGS.redis)

    def backends(self) -> list[int]:
        rows = self.pg.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [ARGS.db]
        ).fetchall()
        return [r[0] for r in rows]

    def snapshot(self) -> dict:
        info = self.redis.info("cpu")
        return {
            "pg": {pid: proc_cpu(pid) for pid in self.backends()},
            "worker": proc_cpu(self.worker_pid) if self.worker_pid else 0.0,
            "redis": info["used_cpu_user"] + info["used_cpu_sys"],
        }

    @staticmethod
    def delta(before: dict, after: dict) -> dict:
        pg = sum(cpu - before["pg"].get(pid, 0.0) for pid, cpu in after["pg"].items())
        return {
            "pg": pg,
            "worker": after["worker"] - before["worker"],
            "redis": after["redis"] - before["redis"],
        }


class Worker:
    """A real Celery worker (solo pool) sending the opt-in mails to the bench's counting
    backend, as in ``bench/appointments.py --mails worker``."""

    def __init__(self):
        run_dir = Path(tempfile.mkdtemp(prefix="rathaus-profile-")) / "bench"
        run_dir.mkdir()
        self.cmd = [
            str(ROOT / ".venv/bin/celery"),
            *["-A", "config", "worker", "-P", "solo", "-c", "1", "-Q", "celery", "-l", "warning"],
            *["--without-heartbeat", "--without-gossip", "--without-mingle"],
            f"--pidfile={run_dir / 'celery.pid'}",
        ]
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env={**os.environ}, start_new_session=True)

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(30)


def mails_sent() -> int:
    from django.core.cache import cache

    from rathaus.appointments.bench_settings import MAILS_SENT_KEY

    return int(cache.get(MAILS_SENT_KEY) or 0)


def wait_for_mails(expected: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while mails_sent() < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return mails_sent()


AREAS = [
    ("database driver (psycopg)", ("psycopg",)),
    ("Redis client", ("redis/",)),
    ("Celery/kombu publish", ("kombu", "celery")),
    ("ALTCHA / hashing", ("altcha", "hashlib", "hmac")),
    ("availability engine", ("rathaus/engines",)),
    ("appointments app", ("rathaus/appointments",)),
    ("django-ninja / pydantic", ("ninja", "pydantic")),
    ("Django ORM / db", ("django/db",)),
    ("Django request, middleware, other", ("django/",)),
]


def area_of(filename: str) -> str:
    for label, needles in AREAS:
        if any(n in filename for n in needles):
            return label
    return "other (stdlib, json, …)"


def booking_bodies(loc, service, n, day_offset=1, tag=""):
    from rathaus.appointments import proof_of_work

    first = datetime.now(BERLIN).date() + timedelta(days=day_offset)
    bodies = []
    for i in range(n):
        day = first + timedelta(days=i // (96 * 50))
        start = datetime.combine(day, dtime(6), tzinfo=BERLIN) + timedelta(
            minutes=10 * ((i // 50) % 96)
        )
        bodies.append(
            json.dumps(
                {
                    "location_id": loc.id,
                    "start": start.isoformat(),
                    "services": [{"service_id": service.id, "count": 1}],
                    "name": f"Profil {tag}{i}",
                    "email": f"profil{tag}{i}@example.org",
                    "privacy_consent": True,
                    "altcha": proof_of_work.solve(proof_of_work.create_challenge()),
                }
            )
        )
    return bodies


def measure(book, bodies, counter, sql_counter, machine):
    """CPU of this process, statements, Redis commands and round trips per booking; with a
    worker, also the other processes' CPU until every opt-in mail of these bookings is sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    n = len(bodies)
    redis_before, trips_before, sql_before = counter.count, counter.round_trips, sql_counter.count
    mails_before = mails_sent()
    others_before = machine.snapshot() if machine else None
    with CaptureQueriesContext(connection) as queries:
        t0, w0 = time.process_time(), time.perf_counter()
        for body in bodies:
            book(body)
        cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    result = {
        "cpu": cpu / n * 1000,
        "wall": wall / n * 1000,
        "redis": (counter.count - redis_before) / n,
        "trips": (counter.round_trips - trips_before) / n,
        "sql": (sql_counter.count - sql_before) / n,
        "orm": len(queries.captured_queries) / n,
        "statements": Counter(q["sql"].split()[0].upper() for q in queries.captured_queries),
    }
    if machine:
        result["mails"] = wait_for_mails(mails_before + n) - mails_before
        delta = MachineCpu.delta(others_before, machine.snapshot())
        result |= {f"{k}_cpu": v / n * 1000 for k, v in delta.items()}
    return result


def print_summary(ping_cpu, m):
    n = ARGS.bookings
    print(
        "\n### Booking vs ping, one process, in-process client (PostgreSQL, Redis cache + broker)\n"
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| CPU per ping | {ping_cpu:.2f} ms |")
    print(f"| CPU per booking (this process: request, booking, publish) | {m['cpu']:.2f} ms |")
    print(f"| wall per booking (incl. waiting for PostgreSQL/Redis) | {m['wall']:.2f} ms |")
    print(f"| CPU ratio ping/booking (this process) | {ping_cpu / m['cpu']:.2f} |")
    print(
        f"| database statements per booking (psycopg executes) | {m['sql']:.1f} "
        f"(of them through Django's ORM: {m['orm']:.1f} "
        f"{', '.join(f'{k} {v / n:.1f}' for k, v in m['statements'].most_common())}) |"
    )
    print(f"| Redis commands per booking (incl. the Celery publish) | {m['redis']:.1f} |")
    print(f"| Redis round trips per booking (a pipeline or script is one) | {m['trips']:.1f} |")
    if "mails" not in m:
        print("| opt-in mails | queued, no worker (`--no-worker`) |")
        return
    total = m["cpu"] + m["pg_cpu"] + m["worker_cpu"]
    print(f"| opt-in mails sent by the Celery worker | {m['mails']} of {n} |")
    print(f"| CPU per booking, PostgreSQL backends of this database | {m['pg_cpu']:.2f} ms |")
    print(f"| CPU per booking, Celery worker (opt-in mail) | {m['worker_cpu']:.2f} ms |")
    print(
        f"| CPU per booking, Redis server (whole server, others included) | {m['redis_cpu']:.2f} ms |"
    )
    print(
        f"| CPU per booking, this process + PostgreSQL + worker | {total:.2f} ms "
        f"(ratio ping/booking {ping_cpu / total:.2f}) |"
    )


def print_profile(stats):
    n = ARGS.bookings
    total = sum(v[2] for v in stats.stats.values())  # own time of every function
    by_area: Counter = Counter()
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        by_area[area_of(filename)] += tt
    clock = "CPU" if ARGS.timer == "cpu" else "wall"
    print(f"\n### Own {clock} time by area ({n} bookings under cProfile, total {total:.2f} s)\n")
    print("| area | share | ms per booking (profiled) |")
    print("|---|---|---|")
    for area, seconds in by_area.most_common():
        print(f"| {area} | {seconds / total:.0%} | {seconds / n * 1000:.2f} |")
    print(f"\n### Top {ARGS.top} functions by own time\n")
    print("| function | calls per booking | own ms per booking | cumulative ms per booking |")
    print("|---|---|---|---|")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[: ARGS.top]
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in rows:
        short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        print(
            f"| `{short}:{line}({name})` | {nc / n:.1f} | "
            f"{tt / n * 1000:.3f} | {ct / n * 1000:.3f} |"
        )


def main():
    print(
        f"command: `{' '.join(shlex.quote(a) for a in [sys.executable.replace(str(ROOT) + '/', ''), *sys.argv])}`"
    )
    print(
        f"os.cpu_count() = {os.cpu_count()}; load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"code measured: {ROOT}")
    recreate_database()
    loc, service = setup()
    from django.test import Client

    counter = RedisCounter()
    sql_counter = StatementCounter()
    client = Client()
    bodies = booking_bodies(loc, service, ARGS.bookings + 20)

    def book(body):
        response = client.post(
            "/api/v1/appointments/bookings", body, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        return response

    worker = machine = None
    if not ARGS.no_worker:
        worker = Worker()
        machine = MachineCpu(worker.proc.pid)
    try:
        warm_mails = mails_sent()
        for body in bodies[:20]:  # warm-up: imports, connections, caches (and the worker)
            book(body)
        if worker:
            wait_for_mails(warm_mails + 20)
        for _ in range(200):
            client.get("/api/v1/ping")
        t0 = time.process_time()
        for _ in range(ARGS.pings):
            client.get("/api/v1/ping")
        ping_cpu = (time.process_time() - t0) / ARGS.pings * 1000
        measured = measure(book, bodies[20:], counter, sql_counter, machine)
        extra = booking_bodies(loc, service, ARGS.bookings, day_offset=30, tag="p")
        profiler = cProfile.Profile(time.process_time if ARGS.timer == "cpu" else time.perf_counter)
        profiler.enable()
        for body in extra:
            book(body)
        profiler.disable()
    finally:
        if worker:
            worker.stop()
    stats = pstats.Stats(profiler)
    if ARGS.dump:
        stats.dump_stats(ARGS.dump)
    print_summary(ping_cpu, measured)
    print_profile(stats)


def drop_queued_mails():
    """No worker runs here: the queued opt-in tasks are removed again (the throughput
    benchmark runs a real worker and shows every mail sent)."""
    import redis

    redis.Redis.from_url(ARGS.broker).delete("celery")


if __name__ == "__main__":
    try:
        main()
    finally:
        drop_queued_mails()
