"""Benchmark of the service standards (not a test). Prints Markdown tables.

(a) full measurement: all metrics of three promises for N municipalities from M appointments
    over D days (SQL aggregation in PostgreSQL), then the daily increment (the beat job:
    last 7 days measured again + the open-data publication);
(b) dashboard and public page: p50/p95 over R requests (in-process test client), next to
    /api/v1/ping measured in the same run.

Uses its own database ``rathaus_bench_standards`` (dropped and created). The appointments are
generated in SQL (generate_series), deterministic.

    .venv/bin/python bench/standards.py                                  # 21 towns, 2 M, 365 d
    .venv/bin/python bench/standards.py --appointments 200000            # smaller
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    p.add_argument("--db", default="rathaus_bench_standards")
    p.add_argument("--municipalities", type=int, default=21)
    p.add_argument("--appointments", type=int, default=2_000_000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--repeat", type=int, default=60, help="requests per page in (b)")
    p.add_argument(
        "--keep", action="store_true", help="reuse the database of the last run (no generation)"
    )
    return p.parse_args()


ARGS = parse_args()
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DATABASE_URL": f"{ARGS.pg}/{ARGS.db}",
    "DEBUG": "0",
    "RATHAUS_TESTING": "0",
    "LOG_LEVEL": "WARNING",
    "CELERY_BROKER_URL": "",
}
os.environ.update(ENV)


def pct(values, q):
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


def table(title, header, rows):
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


def recreate_database():
    import psycopg

    with psycopg.connect(f"{ARGS.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{ARGS.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{ARGS.db}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True
    )


def setup_master_data():
    from decimal import Decimal

    from rathaus.appointments.models import Service
    from rathaus.core.models import Location, Municipality, Region, Role, User
    from rathaus.standards.models import Metric, MunicipalityProfile, Promise, PromiseMembership

    region = Region.objects.create(name="Bench-Region", slug="bench")
    promises = [
        Promise.objects.create(
            region=region,
            code=code,
            title=code,
            leika_key=key,
            metric=metric,
            threshold=n,
            target_percent=Decimal(target),
            min_cases=30,
            definition=code,
            agreed_by="Bench",
            agreed_on=date(2026, 1, 1),
        )
        for code, key, metric, n, target in (
            ("ausweis-10", "99102005017000", Metric.APPOINTMENT_WITHIN, 10, 80),
            ("warten-15", "", Metric.COUNTER_WAIT, 15, 80),
            ("no-show-10", "", Metric.NO_SHOW, 0, 10),
        )
    ]
    for i in range(ARGS.municipalities):
        town = Municipality.objects.create(
            region=region,
            name=f"Stadt {i}",
            slug=f"stadt-{i}",
            ags=f"0398{i:04d}",
            federal_state="NI",
        )
        MunicipalityProfile.objects.create(municipality=town, population=5_000 + 9_000 * i)
        for j in range(2):
            Location.objects.create(
                municipality=town,
                name=f"Bürgerbüro {j}",
                street="Markt 1",
                postal_code="30000",
                city=town.name,
            )
        for k, (name, key) in enumerate(
            (
                ("Ausweis", "99102005017000"),
                ("Pass", "99102009000000"),
                ("Anmeldung", "99115001000000"),
            )
        ):
            Service.objects.create(municipality=town, name=name, leika_key=key, position=k)
        for promise in promises:
            PromiseMembership.objects.create(
                promise=promise, municipality=town, joined_on=date(2026, 1, 1)
            )
    user = User.objects.create(
        username="bench-koordination", region=region, roles=[Role.REGION_COORDINATOR.value]
    )
    return region, user


GENERATE = """
WITH towns AS (
  SELECT m.id AS mid, row_number() OVER (ORDER BY m.id) - 1 AS k FROM core_municipality m
  WHERE m.region_id = %(region)s
), locs AS (
  SELECT l.municipality_id AS mid, array_agg(l.id ORDER BY l.id) AS ids FROM core_location l
  GROUP BY l.municipality_id
), g AS (
  SELECT n,
    (date_trunc('day', now() AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin')
      - make_interval(days => (n %% %(days)s)::int) + interval '8 hours'
      + make_interval(mins => ((n / %(days)s) %% 480)::int) AS start,
    n %% %(towns)s AS k
  FROM generate_series(1, %(count)s) AS n
)
INSERT INTO appointments_appointment (
  municipality_id, location_id, counter_id, start, "end", status, source, token_hash,
  citizen_name, citizen_email, citizen_phone, ticket_number, created, booked_at,
  checked_in_at, called_at, served_at, no_show_at, cancelled_at, reminder_token_hash
)
SELECT t.mid, l.ids[1 + (g.n / 7) %% 2], NULL, g.start, g.start + interval '15 minutes',
  CASE WHEN g.n %% 10 = 0 THEN 'no_show' WHEN g.n %% 20 = 1 THEN 'cancelled' ELSE 'served' END,
  CASE WHEN g.n %% 9 = 0 THEN 'walk_in' ELSE 'online' END,
  md5(g.n::text), '', '', '', '', g.start - interval '20 days',
  CASE WHEN g.n %% 9 = 0 THEN NULL
       ELSE g.start - make_interval(days => ((g.n * 7) %% (4 + 2 * t.k %% 19))::int) - interval '3 hours' END,
  CASE WHEN g.n %% 10 = 0 OR g.n %% 20 = 1 THEN NULL ELSE g.start - interval '2 minutes' END,
  CASE WHEN g.n %% 10 = 0 OR g.n %% 20 = 1 THEN NULL
       ELSE g.start - interval '2 minutes' + make_interval(mins => ((g.n * 13) %% (12 + t.k))::int) END,
  CASE WHEN g.n %% 10 = 0 OR g.n %% 20 = 1 THEN NULL ELSE g.start + interval '15 minutes' END,
  CASE WHEN g.n %% 10 = 0 THEN g.start + interval '10 minutes' END,
  CASE WHEN g.n %% 20 = 1 THEN g.start - interval '1 day' END,
  ''
FROM g JOIN towns t ON t.k = g.k JOIN locs l ON l.mid = t.mid;
WITH services AS (
  SELECT s.municipality_id AS mid, array_agg(s.id ORDER BY s.position) AS ids
  FROM appointments_service s GROUP BY s.municipality_id
)
INSERT INTO appointments_appointmentitem (appointment_id, service_id, count)
SELECT a.id, s.ids[1 + a.id %% 3], 1
FROM appointments_appointment a JOIN services s ON s.mid = a.municipality_id;
ANALYZE appointments_appointment;
ANALYZE appointments_appointmentitem;
"""


def generate(region):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE,
            {
                "region": region.id,
                "days": ARGS.days,
                "towns": ARGS.municipalities,
                "count": ARGS.appointments,
            },
        )


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def scan_baseline() -> float:
    """One full scan of the appointments (count per municipality): the machine's pace."""
    from django.db import connection

    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute("SELECT municipality_id, count(*) FROM appointments_appointment GROUP BY 1")
        cursor.fetchall()
        return time.perf_counter() - t0


def part_a(region):
    from django.utils import timezone

    from rathaus.standards.services.maintenance import standards_daily
    from rathaus.standards.services.measure import figures_compute

    today = timezone.localdate()
    scan = scan_baseline()
    full, rows = timed(
        lambda: figures_compute(
            region=region, date_from=today - timedelta(days=ARGS.days - 1), date_to=today
        )
    )
    daily, _done = timed(standards_daily)
    table(
        "(a) measurement on PostgreSQL",
        ["step", "seconds", "rows written", "target"],
        [
            ["baseline: one full scan (count per town)", f"{scan:.2f}", "", ""],
            [
                f"full: {ARGS.municipalities} towns, {ARGS.days} days, 3 promises",
                f"{full:.1f} ({full / scan:.0f}× scan)",
                rows,
                "≤ 60 s",
            ],
            [
                "daily increment (7 days + publication)",
                f"{daily:.2f} ({daily / scan:.1f}× scan)",
                "",
                "≤ 5 s",
            ],
        ],
    )


def part_b(user, region):
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(user)
    anonymous = Client()
    month = date.today().replace(day=1) - timedelta(days=1)
    pages = [
        ("/api/v1/ping (baseline)", client, "/api/v1/ping"),
        ("dashboard /standards/", client, f"/standards/?monat={month:%Y-%m}"),
        ("municipality view", client, f"/standards/kommune/{region.municipalities.first().id}/"),
        ("public page", anonymous, f"/standards/oeffentlich/{region.slug}/"),
    ]
    rows, base = [], None
    for label, c, url in pages:
        cache.clear()  # the first request after a change renders the tables
        t0 = time.perf_counter()
        c.get(url)
        cold = (time.perf_counter() - t0) * 1000
        times = []
        for _ in range(ARGS.repeat):
            t0 = time.perf_counter()
            response = c.get(url, HTTP_HOST="localhost")
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p95 = pct(times, 95)
        base = base or p95
        rows.append(
            [label, f"{cold:.0f}", f"{pct(times, 50):.1f}", f"{p95:.1f}", f"{p95 / base:.0f}×"]
        )
    table(
        "(b) pages (ms, in-process; cold = first request after a data change)",
        ["page", "cold", "p50", "p95", "p95 / ping"],
        rows,
    )


def main():
    if not ARGS.keep:
        recreate_database()
    import django

    django.setup()
    from django.conf import settings

    from rathaus.core.models import Region, User

    settings.ALLOWED_HOSTS = ["*"]
    if ARGS.keep:
        region, user = (
            Region.objects.get(slug="bench"),
            User.objects.get(username="bench-koordination"),
        )
        gen = float("nan")
    else:
        region, user = setup_master_data()
        gen, _ = timed(lambda: generate(region))
    print(f"## bench/standards.py\n\n- command: `{shlex.join([sys.executable, *sys.argv])}`")
    print(
        f"- os.cpu_count(): {os.cpu_count()}; Python {platform.python_version()}; "
        f"{ARGS.appointments:,} appointments generated in SQL in {gen:.1f} s"
    )
    part_a(region)
    part_b(user, region)
    print(f"\n- load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
