"""Where a booking's time goes (not a test): one process, Django's test client, PostgreSQL.

Books ``--bookings`` appointments through ``POST /api/v1/appointments/bookings`` (direct
booking, pre-solved ALTCHA, per-e-mail limit on, opt-in e-mail queued to the Celery broker
after the commit – the existing path; no worker runs here, the bench's worker sends them in
``bench/appointments.py``), next to ``GET /api/v1/ping`` in the same process, and prints:

* CPU per request (``time.process_time``) for both, and their ratio;
* database statements and Redis commands per booking;
* the cProfile breakdown of the bookings (top functions by own time, grouped by area).

Uses its own database ``rathaus_profile`` (dropped and created), Redis db 15 as cache and
db 10 as broker (its queue is emptied at the end: no worker runs here).

    .venv/bin/python bench/appointments_profile.py --bookings 300
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shlex
import subprocess
import sys
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
    """Counts Redis commands (pipelines count their commands) of every client."""

    def __init__(self):
        import redis

        self.count = 0
        original = redis.Redis.execute_command
        original_pipe = redis.client.Pipeline.execute

        def execute_command(client, *args, **kwargs):
            self.count += 1
            return original(client, *args, **kwargs)

        def execute(pipe, *args, **kwargs):
            self.count += len(pipe.command_stack) - 1  # the pipeline's own call counts once
            return original_pipe(pipe, *args, **kwargs)

        redis.Redis.execute_command = execute_command
        redis.client.Pipeline.execute = execute


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


def main():
    print(
        f"command: `{' '.join(shlex.quote(a) for a in [sys.executable.replace(str(ROOT) + '/', ''), *sys.argv])}`"
    )
    print(
        f"os.cpu_count() = {os.cpu_count()}; load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    recreate_database()
    loc, service = setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rathaus.appointments import proof_of_work

    counter = RedisCounter()
    sql_counter = StatementCounter()
    client = Client()
    tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
    bodies = []
    for n in range(ARGS.bookings + 20):
        day = tomorrow + timedelta(days=n // (96 * 50))
        start = datetime.combine(day, dtime(6), tzinfo=BERLIN) + timedelta(
            minutes=10 * ((n // 50) % 96)
        )
        bodies.append(
            json.dumps(
                {
                    "location_id": loc.id,
                    "start": start.isoformat(),
                    "services": [{"service_id": service.id, "count": 1}],
                    "name": f"Profil {n}",
                    "email": f"profil{n}@example.org",
                    "privacy_consent": True,
                    "altcha": proof_of_work.solve(proof_of_work.create_challenge()),
                }
            )
        )

    def book(body):
        response = client.post(
            "/api/v1/appointments/bookings", body, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        return response

    for body in bodies[:20]:  # warm-up: imports, connections, caches
        book(body)
    for _ in range(200):
        client.get("/api/v1/ping")
    t0 = time.process_time()
    for _ in range(ARGS.pings):
        client.get("/api/v1/ping")
    ping_cpu = (time.process_time() - t0) / ARGS.pings * 1000

    redis_before, sql_before = counter.count, sql_counter.count
    with CaptureQueriesContext(connection) as queries:
        t0 = time.process_time()
        w0 = time.perf_counter()
        for body in bodies[20:]:
            book(body)
        book_cpu = (time.process_time() - t0) / ARGS.bookings * 1000
        book_wall = (time.perf_counter() - w0) / ARGS.bookings * 1000
    redis_per = (counter.count - redis_before) / ARGS.bookings
    sql_per = (sql_counter.count - sql_before) / ARGS.bookings
    statements = Counter(q["sql"].split()[0].upper() for q in queries.captured_queries)

    profiler = cProfile.Profile()
    extra = []
    for n in range(ARGS.bookings):
        day = tomorrow + timedelta(days=30)
        start = datetime.combine(day, dtime(6), tzinfo=BERLIN) + timedelta(
            minutes=10 * ((n // 50) % 96)
        )
        extra.append(
            json.dumps(
                {
                    **json.loads(bodies[0]),
                    "start": start.isoformat(),
                    "email": f"profil-p{n}@example.org",
                    "altcha": proof_of_work.solve(proof_of_work.create_challenge()),
                }
            )
        )
    profiler.enable()
    for body in extra:
        book(body)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # own time of every function
    by_area: Counter = Counter()
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        by_area[area_of(filename)] += tt

    print(
        "\n### Booking vs ping, one process, in-process client (PostgreSQL, Redis cache + broker)\n"
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| CPU per ping | {ping_cpu:.2f} ms |")
    print(f"| CPU per booking | {book_cpu:.2f} ms |")
    print(f"| wall per booking (incl. waiting for PostgreSQL/Redis) | {book_wall:.2f} ms |")
    print(f"| CPU ratio ping/booking (upper bound for bookings/ping) | {ping_cpu / book_cpu:.2f} |")
    print(
        f"| database statements per booking (psycopg executes) | {sql_per:.1f} "
        f"(of them through Django's ORM: {len(queries.captured_queries) / ARGS.bookings:.1f} "
        f"{', '.join(f'{k} {v / ARGS.bookings:.1f}' for k, v in statements.most_common())}) |"
    )
    print(f"| Redis commands per booking (incl. the Celery publish) | {redis_per:.1f} |")
    print(
        f"\n### Own time by area ({ARGS.bookings} bookings under cProfile, total {total:.2f} s)\n"
    )
    print("| area | share | ms per booking (profiled) |")
    print("|---|---|---|")
    for area, seconds in by_area.most_common():
        print(f"| {area} | {seconds / total:.0%} | {seconds / ARGS.bookings * 1000:.2f} |")
    print(f"\n### Top {ARGS.top} functions by own time\n")
    print("| function | calls per booking | own ms per booking | cumulative ms per booking |")
    print("|---|---|---|---|")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[: ARGS.top]
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in rows:
        short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        print(
            f"| `{short}:{line}({name})` | {nc / ARGS.bookings:.1f} | "
            f"{tt / ARGS.bookings * 1000:.3f} | {ct / ARGS.bookings * 1000:.3f} |"
        )


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
