"""Benchmark of the appointments app (not a test). Prints Markdown tables.

(a) availability for one service over the 60-day window at a location with 20 counters
    and 50,000 existing appointments: p50/p95 of the selector (cold and warm cache) and
    of the HTTP endpoints (in-process test client);
(b) booking throughput over HTTP with gunicorn on PostgreSQL, N keep-alive clients,
    next to /api/v1/ping measured in the same run;
(c) surge: many clients race for freshly released slots: exactly as many bookings as
    slots, no double booking, no server error; p99 latency. The clients run on one asyncio
    loop (``bench/http_surge.py``; ``--surge-client threads``: one thread each, as before);
    first the same number of pings at once with the same client (the floor), then the
    surge; CPU per answer of the web server, Redis and the load generator;
(d) availability right after a change, over HTTP under concurrent booking load at the
    20-counter, 50,000-appointment location: clients book and at once ask for
    availability (days, month, one day's slots); p50/p95/p99 next to ping of the same run;
(e) region: 40 locations with 500 counters, "earliest free slot anywhere" over HTTP,
    right after a booking at one of its locations, under concurrent booking load;
(f) the read right after a change in one process without concurrent load (what a read
    costs, apart from waiting for the CPU).

``--root DIR`` runs another checkout's code (e.g. main, for before/after) with this script.
``--read-pool WxT`` serves the (d)/(e) reads from a second gunicorn of their own;
``--switch-interval MS`` starts every gunicorn with ``config/gunicorn.py`` (interpreter switch
interval in each worker); see docs/operations.md "Availability reads in a pool of their own".

Uses its own database ``rathaus_bench`` (dropped and created) and Redis db 15 as cache.

    .venv/bin/python bench/appointments.py                # everything
    .venv/bin/python bench/appointments.py --parts a      # only (a)
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import queue
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import http_surge  # bench/http_surge.py: the surge's asyncio client

BERLIN = ZoneInfo("Europe/Berlin")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    p.add_argument("--db", default="rathaus_bench")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    p.add_argument("--parts", default="abc")
    p.add_argument("--appointments", type=int, default=50_000)
    p.add_argument("--counters", type=int, default=20)
    p.add_argument("--repeat", type=int, default=40, help="repetitions for (a)")
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--max-bookings", type=int, default=8000, help="pre-solved ALTCHA payloads")
    p.add_argument("--surge-clients", type=int, default=2000)
    p.add_argument("--surge-slots", type=int, default=200)
    p.add_argument("--port", type=int, default=0, help="0 = a free port")
    p.add_argument("--altcha-max-number", type=int, default=1000)
    p.add_argument(
        "--mails",
        choices=["worker", "after", "inline"],
        default="worker",
        help="opt-in e-mails: 'worker' = a Celery worker (Redis broker) runs during the timed\n"
        "phase; 'after' = queued during the timed phase, the worker starts afterwards\n"
        "(drain time reported); 'inline' = no broker, built inside the request",
    )
    p.add_argument("--broker", default="redis://127.0.0.1:6379/12", help="Celery broker")
    p.add_argument("--root", default="", help="checkout whose code is measured (default: this one)")
    p.add_argument("--change-clients", type=int, default=8, help="(d)/(e): book, then read")
    p.add_argument("--load-clients", type=int, default=16, help="(d)/(e): book only")
    p.add_argument("--region-locations", type=int, default=40)
    p.add_argument("--region-counters", type=int, default=500)
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    p.add_argument(
        "--profile-reads",
        type=int,
        default=0,
        help="(f): this many more reads right after a hold under cProfile (top functions)",
    )
    p.add_argument(
        "--changes-per-read",
        type=int,
        default=1,
        help="(f): holds made before each timed read (under booking load a process is 3-13\n"
        "changes behind at each read; 1 = the read right after one change)",
    )
    p.add_argument("--backlog", type=int, default=4096, help="gunicorn listen backlog")
    p.add_argument(
        "--read-pool",
        default="",
        metavar="WxT",
        help="(d)/(e): a second gunicorn with W workers x T threads serves the availability\n"
        "reads (bookings and ping stay on the first); empty = one pool for everything",
    )
    p.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        metavar="MS",
        help="start gunicorn with this checkout's config/gunicorn.py, whose post_fork sets\n"
        "sys.setswitchinterval(MS / 1000) in every worker (0 = Python's default);\n"
        "not given = no config file (as before issue 18's read pool)",
    )
    p.add_argument(
        "--surge-client",
        choices=["asyncio", "threads"],
        default="asyncio",
        help="(c): 'asyncio' = one event loop, raw HTTP/1.1 (bench/http_surge.py);\n"
        "'threads' = one Python thread per client (http.client; before issue 18 point 2)",
    )
    p.add_argument(
        "--late-surge",
        action="store_true",
        help="(c): after the surge, as many clients again at once for the same, now sold-out\n"
        "start times: every answer is 'ausgebucht' (what a loser costs on its own)",
    )
    return p.parse_args()


ARGS = parse_args()
ROOT = Path(ARGS.root).resolve() if ARGS.root else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not ARGS.port:
    import socket

    with socket.socket() as _s:
        _s.bind(("127.0.0.1", 0))
        ARGS.port = _s.getsockname()[1]
DB_URL = f"{ARGS.pg}/{ARGS.db}"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "rathaus.appointments.bench_settings",
    "DATABASE_URL": DB_URL,
    "CACHE_URL": ARGS.redis,
    "DEBUG": "0",
    "RATHAUS_TESTING": "0",
    "ALTCHA_MAX_NUMBER": str(ARGS.altcha_max_number),
    "LOG_LEVEL": "WARNING",
    "CELERY_BROKER_URL": "" if ARGS.mails == "inline" else ARGS.broker,
}
os.environ.update(ENV)
# pid files and the access log live under a directory named ``bench``: the server and the
# Celery worker are part of the benchmark, and the machine's priority rule for benchmarks
# (command line contains ``bench/``) then applies to them as to this script
RUN_DIR = Path(tempfile.mkdtemp(prefix="rathaus-appointments-")) / "bench"
RUN_DIR.mkdir()
ACCESS_LOG = RUN_DIR / "access.log"
# the gunicorn config file is this script's (so that ``--root`` can measure another
# checkout's code with the same server layout)
GUNICORN_CONFIG = Path(__file__).resolve().parent.parent / "config/gunicorn.py"
if ARGS.switch_interval is not None:
    ENV["RATHAUS_SWITCH_INTERVAL_MS"] = str(ARGS.switch_interval)
READ_POOL = tuple(int(n) for n in ARGS.read_pool.lower().split("x")) if ARGS.read_pool else None
READ_PORT = ARGS.port + 1 if READ_POOL else ARGS.port


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


def stats(values):
    return f"{pct(values, 50):.1f}", f"{pct(values, 95):.1f}", len(values)


def table(title, header, rows):
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


# --------------------------------------------------------------------------- setup


def recreate_database():
    import psycopg

    with psycopg.connect(f"{ARGS.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{ARGS.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{ARGS.db}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True
    )


def clear_redis():
    import redis

    client = redis.Redis.from_url(ARGS.redis)
    for key in client.scan_iter("rathaus:*appointments*"):
        client.delete(key)
    if ARGS.mails != "inline":
        broker = redis.Redis.from_url(ARGS.broker)
        for key in ("celery", "unacked", "unacked_index"):
            broker.delete(key)


def mails_sent():
    """Opt-in e-mails built and handed to the bench's counting backend so far."""
    from django.core.cache import cache

    from rathaus.appointments.bench_settings import MAILS_SENT_KEY

    return int(cache.get(MAILS_SENT_KEY) or 0)


class Worker:
    """A Celery worker (one process, solo pool) for the opt-in e-mails."""

    def __init__(self):
        self.proc = None
        self.cmd = (
            "celery -A config worker -P solo -c 1 -Q celery -l warning "
            "--without-heartbeat --without-gossip --without-mingle "
            f"--pidfile {RUN_DIR / 'celery.pid'}"
        )

    def start(self):
        if ARGS.mails != "inline" and self.proc is None:
            self.proc = subprocess.Popen(
                [str(ROOT / ".venv/bin" / self.cmd.split()[0]), *self.cmd.split()[1:]],
                cwd=ROOT,
                env=ENV,
                start_new_session=True,
            )
        return self

    def stop(self):
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
            self.proc = None

    def drain(self, expected, timeout=180):
        """Wait until ``expected`` e-mails were sent; returns (sent, seconds)."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            sent = mails_sent()
            if sent >= expected:
                return sent, time.perf_counter() - t0
            time.sleep(0.2)
        return mails_sent(), time.perf_counter() - t0


def setup_data():
    import django

    django.setup()
    from django.utils import timezone

    from rathaus.appointments.models import (
        Appointment,
        BookingPolicy,
        Counter,
        DateException,
        OpeningHours,
        Service,
        hash_token,
    )
    from rathaus.core.models import Location, Municipality, Region

    region_row = Region.objects.create(name="Bench", slug="bench")
    town = Municipality.objects.create(
        region=region_row, name="Benchstadt", slug="benchstadt", ags="09999999", federal_state="NW"
    )

    def location(name, counters, service, hours=None):
        loc = Location.objects.create(
            municipality=town, name=name, street="Weg 1", postal_code="59999", city="Benchstadt"
        )
        made = []
        for i in range(counters):
            counter = Counter.objects.create(
                municipality=town, location=loc, name=f"Schalter {i + 1}", position=i
            )
            counter.services.add(service)
            made.append(counter)
        for wd, a, b in hours or []:
            OpeningHours.objects.create(municipality=town, location=loc, weekday=wd, start=a, end=b)
        BookingPolicy.objects.create(
            municipality=town, location=loc, min_notice_minutes=0, max_days_ahead=60
        )
        return loc, made

    ausweis = Service.objects.create(municipality=town, name="Ausweis", default_duration_minutes=10)
    now = timezone.now()
    today = now.astimezone(BERLIN).date()

    # (a) 20 counters, Mon–Sat 07:00–19:00, 50,000 appointments in the 60-day window
    loc_a, counters_a = location(
        "Bench A", ARGS.counters, ausweis, [(wd, dtime(7), dtime(19)) for wd in range(6)]
    )
    grid = []
    for offset in range(1, 61):
        day = today + timedelta(days=offset)
        if day.weekday() == 6:
            continue
        t = datetime.combine(day, dtime(7), tzinfo=BERLIN)
        while t.time() < dtime(19):
            grid.append(t)
            t += timedelta(minutes=10)
    cells = [(c.id, t) for t in grid for c in counters_a]
    rng = random.Random(1)
    chosen = sorted(rng.sample(range(len(cells)), min(ARGS.appointments, len(cells))))
    rows = []
    for n, i in enumerate(chosen):
        counter_id, start = cells[i]
        rows.append(
            Appointment(
                municipality=town,
                location=loc_a,
                counter_id=counter_id,
                start=start,
                end=start + timedelta(minutes=10),
                status=Appointment.Status.CONFIRMED,
                token_hash=hash_token(f"a{n}"),
                created=now,
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=5000)
    fill = len(rows) / len(cells)

    # (b) a wide-open location for throughput: 50 counters, every day 06:00–22:00
    loc_b, _ = location("Bench B", 50, ausweis, [(wd, dtime(6), dtime(22)) for wd in range(7)])
    # (c) a location open on one date only, with surge_slots places booked, then cancelled
    loc_c, counters_c = location("Bench C", 10, ausweis)
    surge_day = today + timedelta(days=3)
    starts = max(1, ARGS.surge_slots // len(counters_c))
    first = datetime.combine(surge_day, dtime(8), tzinfo=BERLIN)
    DateException.objects.create(
        municipality=town,
        location=loc_c,
        date=surge_day,
        closed=False,
        start=dtime(8),
        end=(first + timedelta(minutes=10 * starts)).time(),
    )
    booked = [
        Appointment(
            municipality=town,
            location=loc_c,
            counter=c,
            start=first + timedelta(minutes=10 * k),
            end=first + timedelta(minutes=10 * (k + 1)),
            status=Appointment.Status.CONFIRMED,
            token_hash=hash_token(f"c{c.id}-{k}"),
            created=now,
        )
        for k in range(starts)
        for c in counters_c
    ]
    Appointment.objects.bulk_create(booked)
    region = {}
    if "e" in ARGS.parts:
        town_r = Municipality.objects.create(
            region=region_row,
            name="Regionstadt",
            slug="regionstadt",
            ags="09999998",
            federal_state="NW",
        )
        service_r = Service.objects.create(
            municipality=town_r, name="Ausweis", default_duration_minutes=10
        )
        locations_r, n_region = setup_region(town_r, service_r)
        region = {
            "region_town": town_r,
            "region_service": service_r,
            "region_locations": locations_r,
            "n_region": n_region,
        }
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would after a bulk load
        cursor.execute("ANALYZE")
    return {
        "town": town,
        "service": ausweis,
        "loc_a": loc_a,
        "loc_b": loc_b,
        "loc_c": loc_c,
        "fill": fill,
        "n_a": len(rows),
        "surge_starts": [first + timedelta(minutes=10 * k) for k in range(starts)],
        "surge_capacity": len(booked),
        **region,
    }


# --------------------------------------------------------------------------- (a)


def part_a(data):
    from django.test import Client
    from django.utils import timezone

    from rathaus.appointments.selectors import availability
    from rathaus.engines import availability as engine

    loc, service = data["loc_a"], data["service"]
    demand = {service.id: 1}

    def run(fresh):
        t0 = time.perf_counter()
        now = timezone.now()
        setup, index = availability.location_state(loc, now, fresh=fresh)
        request = availability.availability_request(loc, demand, now, fresh=fresh)
        first, last = engine.bookable_window(request)
        slots = engine.free_slots_in_range(request, first, last)
        return (time.perf_counter() - t0) * 1000, len(slots)

    def run_days(fresh):
        t0 = time.perf_counter()
        days = availability.next_days(loc, demand, 60, timezone.now()) if not fresh else None
        if fresh:
            now = timezone.now()
            availability.location_state(loc, now, fresh=True)
            request = availability.availability_request(loc, demand, now, fresh=True)
            days = engine.next_free_days(request, 60)
        return (time.perf_counter() - t0) * 1000, len(days)

    cold, warm, cold_days, warm_days = [], [], [], []
    n_slots = n_days = 0
    for _ in range(ARGS.repeat):
        ms, n_slots = run(True)
        cold.append(ms)
        ms, n_days = run_days(True)
        cold_days.append(ms)
    run(False)
    for _ in range(ARGS.repeat * 3):
        warm.append(run(False)[0])
        warm_days.append(run_days(False)[0])

    client = Client()
    q = f"location_id={loc.id}&services={service.id}:1"
    month = timezone.now().astimezone(BERLIN) + timedelta(days=20)
    urls = {
        "GET availability/days?limit=60": f"/api/v1/appointments/availability/days?{q}&limit=60",
        "GET availability/month": f"/api/v1/appointments/availability/month?{q}&year={month.year}&month={month.month}",
        "GET availability/slots (one day)": f"/api/v1/appointments/availability/slots?{q}&date={(month.date()).isoformat()}",
    }
    http_rows = []
    for label, url in urls.items():
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(ARGS.repeat * 2):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        http_rows.append((label, f"{pct(times, 50):.1f}", f"{pct(times, 95):.1f}", len(times)))
    table(
        f"(a) Availability, 1 service, 60-day window, {ARGS.counters} counters, "
        f"{data['n_a']:,} appointments ({data['fill']:.0%} of the grid booked), {n_slots:,} free slots",
        ["what", "p50 ms", "p95 ms", "runs"],
        [
            ("all free slots of the window, cold (DB fetch + index + engine)", *stats(cold)),
            ("all free slots of the window, warm (cached index, engine only)", *stats(warm)),
            (f"days with free slots ({n_days}), cold", *stats(cold_days)),
            (f"days with free slots ({n_days}), warm", *stats(warm_days)),
            *[
                (f"HTTP {lbl} (in-process client, warm)", p50, p95, n)
                for lbl, p50, p95, n in http_rows
            ],
        ],
    )


# --------------------------------------------------------------------------- (b), (c)


def wait_until_serving(proc, port: int, path: str, failure: str, tries: int = 150) -> None:
    """Until ``path`` answers 200 (a started server; ``failure`` if its process ends first)."""
    for _ in range(tries):
        if proc.poll() is not None:
            raise SystemExit(failure)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    time.sleep(1)


class Server:
    """A gunicorn on ``port`` (default: ``--port`` with ``--workers`` x ``--threads``); every
    server of a run writes the same access log (one line per request, appended)."""

    def __init__(self, workers=None, threads=None, port=None, name="gunicorn"):
        self.workers = workers or ARGS.workers
        self.threads = threads or ARGS.threads
        self.port = port or ARGS.port
        self.name = name
        self.proc = None

    def __enter__(self):
        config = [] if ARGS.switch_interval is None else ["-c", str(GUNICORN_CONFIG)]
        cmd = [
            str(ROOT / ".venv/bin/gunicorn"),
            *config,
            "config.wsgi",
            "-w",
            str(self.workers),
            "-k",
            "gthread",
            "--threads",
            str(self.threads),
            "-b",
            f"127.0.0.1:{self.port}",
            "--backlog",
            str(ARGS.backlog),
            "--log-level",
            "warning",
            "--pid",
            str(RUN_DIR / f"{self.name}.pid"),
            "--access-logfile",
            str(ACCESS_LOG),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
        ]
        self.cmd = " ".join(cmd[1:])
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, start_new_session=True)
        wait_until_serving(self.proc, self.port, "/api/v1/ping", f"{self.name} did not start")
        return self

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(20)


class ServerTimes:
    """Server-side time of each request from gunicorn's access log (``%(D)s``: from the
    worker thread taking up the parsed request to the end of its response – without the
    time in the kernel's accept queue and in the worker's thread queue)."""

    def __enter__(self):
        self.offset = ACCESS_LOG.stat().st_size if ACCESS_LOG.exists() else 0
        return self

    def __exit__(self, *exc):
        time.sleep(0.5)  # the log is written after the response
        self.by_path: dict[str, list[float]] = {}
        with open(ACCESS_LOG, "rb") as f:
            f.seek(self.offset)
            for line in f.read().decode(errors="replace").splitlines():
                parts = line.split(" ")
                if len(parts) == 4 and parts[3].isdigit():
                    path = parts[1]
                    if path.startswith("/api/v1/appointments/queue/"):
                        path = "/api/v1/appointments/queue/{ticket}"
                    self.by_path.setdefault(f"{parts[0]} {path}", []).append(int(parts[3]) / 1000)

    def table(self, title, client_ms: dict[str, list[float]] | None = None):
        rows = []
        for path, times in sorted(self.by_path.items()):
            client = (client_ms or {}).get(path)
            rows.append(
                (
                    path,
                    len(times),
                    f"{pct(times, 50):.1f}",
                    f"{pct(times, 95):.1f}",
                    f"{pct(times, 99):.1f}",
                    f"{pct(client, 95):.1f}" if client else "–",
                )
            )
        table(
            title,
            ["request", "n", "server p50 ms", "server p95 ms", "server p99 ms", "client p95 ms"],
            rows,
        )


def presolve(n):
    from rathaus.appointments import proof_of_work

    return [proof_of_work.solve(proof_of_work.create_challenge()) for _ in range(n)]


def _request(conn, method, path, body=None):
    t0 = time.perf_counter()
    try:
        conn.request(
            method,
            path,
            body=body,
            headers={"Content-Type": "application/json"} if body else {},
        )
        response = conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
        conn.close()
    return status, (time.perf_counter() - t0) * 1000


def _request_json(conn, method, path, body=None):
    """Like :func:`_request`, plus the decoded JSON body (``{}`` if none)."""
    t0 = time.perf_counter()
    try:
        conn.request(
            method, path, body=body, headers={"Content-Type": "application/json"} if body else {}
        )
        response = conn.getresponse()
        raw = response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status, raw = 0, b""
        conn.close()
    try:
        payload = json.loads(raw) if raw else {}
    except ValueError:
        payload = {}
    return status, (time.perf_counter() - t0) * 1000, payload


def load(clients, seconds, make_request, stop_when_empty=None, port=None):
    """Keep-alive clients in threads; returns (count by status, latencies ms, elapsed s)."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    start_barrier = threading.Barrier(clients + 1)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port or ARGS.port, timeout=60)
        local_status, local_lat = {}, []
        start_barrier.wait()
        while time.perf_counter() < deadline:
            req = make_request()
            if req is None:
                break
            status, ms = _request(conn, *req)
            local_lat.append(ms)
            local_status[status] = local_status.get(status, 0) + 1
        with lock:
            for k, v in local_status.items():
                statuses[k] = statuses.get(k, 0) + v
            latencies.extend(local_lat)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    start_barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return statuses, latencies, time.perf_counter() - t0


def part_b(data, server):
    from django.utils import timezone

    from rathaus.appointments.selectors import availability
    from rathaus.engines import availability as engine

    loc, service = data["loc_b"], data["service"]
    now = timezone.now()
    request = availability.availability_request(loc, {service.id: 1}, now, fresh=True)
    first, last = engine.bookable_window(request)
    work = queue.Queue()
    slots = engine.free_slots_in_range(request, first + timedelta(days=1), last)
    payloads = presolve(ARGS.max_bookings)
    # citizens pick different times: a random sample of the places, one booking each
    places = [slot for slot in slots for _ in range(slot.capacity)]
    random.Random(2).shuffle(places)
    n = 0
    for slot in places:
        if True:
            if n >= len(payloads):
                break
            body = {
                "location_id": loc.id,
                "start": slot.start.isoformat(),
                "services": [{"service_id": service.id, "count": 1}],
                "name": f"Bench {n}",
                "email": f"bench{n}@example.org",
                "privacy_consent": True,
                "altcha": payloads[n],
            }
            work.put(("POST", "/api/v1/appointments/bookings", json.dumps(body)))
            n += 1

    def next_booking():
        try:
            return work.get_nowait()
        except queue.Empty:
            return None

    ping = lambda: ("GET", "/api/v1/ping", None)  # noqa: E731
    # warm-up (not measured): every worker thread imports, connects and caches the setup
    warm = [work.get_nowait() for _ in range(min(4 * ARGS.clients, work.qsize() // 4))]
    load(ARGS.clients, 3, ping)
    w_status, _, _ = load(ARGS.clients, 30, lambda: warm.pop() if warm else None)
    if ARGS.mails == "after":
        # the warm-up's mails first, so that the timed phase runs without the worker
        WORKER.start().drain(w_status.get(201, 0))
        WORKER.stop()
    p_status, p_lat, p_elapsed = load(ARGS.clients, ARGS.seconds, ping)
    b_status, b_lat, b_elapsed = load(ARGS.clients, ARGS.seconds, next_booking)
    p2_status, p2_lat, p2_elapsed = load(ARGS.clients, ARGS.seconds / 2, ping)
    expected_mails = w_status.get(201, 0) + b_status.get(201, 0)
    queued = mails_sent()
    WORKER.start()
    sent, drain_s = WORKER.drain(expected_mails)
    ping_rate = (p_status.get(200, 0) + p2_status.get(200, 0)) / (p_elapsed + p2_elapsed)
    booked = b_status.get(201, 0)
    booking_rate = booked / b_elapsed
    errors = sum(v for k, v in b_status.items() if k >= 500 or k == 0)
    table(
        f"(b) Booking throughput over HTTP, {ARGS.clients} keep-alive clients, gunicorn on PostgreSQL",
        ["endpoint", "requests", "status counts", "req/s", "p50 ms", "p99 ms"],
        [
            (
                "GET /api/v1/ping (before + after)",
                sum(p_status.values()) + sum(p2_status.values()),
                dict(
                    sorted(
                        {
                            k: p_status.get(k, 0) + p2_status.get(k, 0)
                            for k in {*p_status, *p2_status}
                        }.items()
                    )
                ),
                f"{ping_rate:,.0f}",
                f"{pct(p_lat + p2_lat, 50):.1f}",
                f"{pct(p_lat + p2_lat, 99):.1f}",
            ),
            (
                "POST /api/v1/appointments/bookings",
                sum(b_status.values()),
                dict(sorted(b_status.items())),
                f"{booking_rate:,.0f}",
                f"{pct(b_lat, 50):.1f}",
                f"{pct(b_lat, 99):.1f}",
            ),
        ],
    )
    print(
        f"\nbookings/s = {booking_rate:,.0f}; ratio bookings/ping = {booking_rate / ping_rate:.2f}; "
        f"server errors = {errors}; queue left = {work.qsize()} (pre-solved payloads: {len(payloads)})"
    )
    print(
        f"opt-in e-mails ({ARGS.mails}): {expected_mails} bookings incl. warm-up; "
        f"{queued} sent by the end of the timed phase; {sent} sent after waiting "
        f"{drain_s:.1f} s more" + (" – ALL SENT" if sent >= expected_mails else " – MISSING")
    )
    return booking_rate, ping_rate


def surge_client(i, body, barrier, out):
    """One citizen of the surge: POST, and while the answer is 202 (waiting room) ask
    again after ``retry_after_ms``. Records every answer's latency, the final status, the
    server's arrival number and the time from the first send to the final answer."""
    answers = []
    barrier.wait()
    sent = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", ARGS.port, timeout=120)
    status, ms, payload = _request_json(conn, "POST", "/api/v1/appointments/bookings", body)
    answers.append((status, ms))
    final, arrival = status, payload.get("arrival", 0)
    ticket, wait_ms = payload.get("ticket", ""), payload.get("retry_after_ms", 300)
    while final == 202:
        time.sleep(wait_ms / 1000)
        status, ms, payload = _request_json(conn, "GET", f"/api/v1/appointments/queue/{ticket}")
        answers.append((status, ms))
        if status != 200:
            final = status
        elif payload["state"] == "done":
            final, arrival = payload["result"]["status"], payload["arrival"]
    conn.close()
    out[i] = (sent, final, arrival, (time.perf_counter() - sent) * 1000, answers)


def _run_surge(bodies: list[str]) -> list:
    """Release every client at once; per client (first send, final status, arrival number,
    first send → final answer ms, [(status, ms) of each answer])."""
    if ARGS.surge_client == "asyncio":
        return http_surge.run(
            ARGS.port,
            [b.encode() for b in bodies],
            "/api/v1/appointments/bookings",
            "/api/v1/appointments/queue/",
        )
    barrier = threading.Barrier(len(bodies))
    out: list = [None] * len(bodies)
    threading.stack_size(256 * 1024)
    threads = [
        threading.Thread(target=surge_client, args=(i, bodies[i], barrier, out))
        for i in range(len(bodies))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _ping_surge(server) -> list[float]:
    """The floor: the same number of clients, each a new connection, one GET /api/v1/ping,
    with the asyncio client; prints its latency and CPU per answer."""
    with CpuMeter(server) as cpu:
        pings = http_surge.ping_surge(ARGS.port, ARGS.surge_clients)
    ms = [p[1] for p in pings]
    bad = sum(1 for p in pings if p[0] != 200)
    print(
        f"\nfloor: {len(pings)} clients at once, GET /api/v1/ping, asyncio client: "
        f"p50 / p99 / max {pct(ms, 50):.0f} / {pct(ms, 99):.0f} / {max(ms):.0f} ms, "
        f"non-200: {bad}; CPU per answer: {cpu.per_answer(len(pings))}"
    )
    return ms


def _group_cpu_seconds(pgid: int) -> float:
    """user + system CPU seconds of every live process in the process group ``pgid``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state ppid pgrp … utime stime
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _redis_cpu_seconds() -> float:
    import redis

    info = redis.Redis.from_url(ARGS.redis).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


class CpuMeter:
    """CPU seconds spent during a block by the web server (gunicorn's process group), by
    Redis (the whole server: other users of this machine's Redis count too) and by this
    process (the load generator)."""

    def __init__(self, server):
        self.pgid = server.proc.pid

    def __enter__(self):
        self.start = (
            _group_cpu_seconds(self.pgid),
            _redis_cpu_seconds(),
            time.process_time(),
            time.perf_counter(),
        )
        return self

    def __exit__(self, *exc):
        end = (
            _group_cpu_seconds(self.pgid),
            _redis_cpu_seconds(),
            time.process_time(),
            time.perf_counter(),
        )
        self.web, self.redis, self.client, self.wall = (
            b - a for a, b in zip(self.start, end, strict=True)
        )

    def per_answer(self, answers: int) -> str:
        n = max(answers, 1)
        return (
            f"web {self.web / n * 1000:.2f} ms, Redis {self.redis / n * 1000:.2f} ms, "
            f"load generator {self.client / n * 1000:.2f} ms ({answers} answers, "
            f"{self.wall:.1f} s wall)"
        )

    def table(self, answers: int, floor: list[float]) -> None:
        table(
            f"(c) CPU during the surge ({ARGS.surge_client} client; web = gunicorn's "
            f"{ARGS.workers} × {ARGS.threads}, backlog {ARGS.backlog})",
            ["", "CPU s", "CPU ms per answer"],
            [
                (name, f"{sec:.2f}", f"{sec / max(answers, 1) * 1000:.2f}")
                for name, sec in (
                    ("web server", self.web),
                    ("Redis (whole server)", self.redis),
                    ("load generator", self.client),
                )
            ]
            + [("wall s / answers", f"{self.wall:.1f}", answers)],
        )
        print(
            f"floor (ping surge, same client, just before): p50 / p99 {pct(floor, 50):.0f} / "
            f"{pct(floor, 99):.0f} ms"
        )


def part_c(data, server):
    from django.db import connection

    from rathaus.appointments.models import Appointment
    from rathaus.appointments.selectors import availability

    loc, service = data["loc_c"], data["service"]
    # free the booked places: cancelled, released to the pool right now
    Appointment.objects.filter(location=loc).update(
        status=Appointment.Status.CANCELLED, pool_release_at=None
    )
    _forget_bookings(availability, loc.id)
    payloads = presolve(ARGS.surge_clients)
    starts = data["surge_starts"]
    bodies = _surge_bodies(loc, service, starts, payloads, "surge")
    mails_before = WORKER.drain(0)[0]  # every earlier booking's e-mail was waited for
    floor = _ping_surge(server)
    with ServerTimes() as times, CpuMeter(server) as cpu:
        t0 = time.perf_counter()
        out = _run_surge(bodies)
        elapsed = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM appointments_appointment a JOIN appointments_appointment b
               ON a.counter_id = b.counter_id AND a.id < b.id AND a.start < b."end" AND b.start < a."end"
               WHERE a.location_id = %s AND a.status IN ('pending_confirmation','confirmed','held')
                 AND b.status IN ('pending_confirmation','confirmed','held')""",
            [loc.id],
        )
        overlaps = cursor.fetchone()[0]
    booked = Appointment.objects.filter(location=loc, status=Appointment.Status.PENDING).count()
    sent, drain_s = WORKER.start().drain(mails_before + sum(1 for o in out if o[1] == 201))
    _surge_tables(data, out, booked, overlaps, elapsed, len(starts))
    cpu.table(sum(len(o[4]) for o in out), floor)
    times.table("(c) The surge, server-side time per request (gunicorn access log)")
    expected = mails_before + sum(1 for o in out if o[1] == 201)
    print(
        f"opt-in e-mails (all parts so far): {sent} sent of {expected} bookings "
        f"(waited {drain_s:.1f} s after the surge)"
        + (" – ALL SENT" if sent >= expected else " – MISSING")
    )
    if ARGS.late_surge:
        _late_surge(loc, service, starts, server)


def _surge_bodies(loc, service, starts, payloads, tag):
    return [
        json.dumps(
            {
                "location_id": loc.id,
                "start": starts[i % len(starts)].isoformat(),
                "services": [{"service_id": service.id, "count": 1}],
                "name": f"Surge {i}",
                "email": f"{tag}{i}@example.org",
                "privacy_consent": True,
                "altcha": payloads[i],
            }
        )
        for i in range(len(payloads))
    ]


def _late_surge(loc, service, starts, server):
    """As many clients again, at once, for the same start times, now sold out: every answer
    should be "ausgebucht" from the index – what a loser costs without the winners' work."""
    bodies = _surge_bodies(loc, service, starts, presolve(ARGS.surge_clients), "late")
    with ServerTimes() as times, CpuMeter(server) as cpu:
        out = _run_surge(bodies)
    answers = [a for o in out for a in o[4]]
    finals: dict[int, int] = {}
    for o in out:
        finals[o[1]] = finals.get(o[1], 0) + 1
    ms = [a[1] for a in answers]
    print(
        f"\n(c2) late surge: {len(out)} clients at once for the sold-out start times: final "
        f"answers {dict(sorted(finals.items()))}, {len(answers)} HTTP answers, answer p50 / p99 "
        f"/ max {pct(ms, 50):.0f} / {pct(ms, 99):.0f} / {max(ms):.0f} ms; CPU per answer: "
        f"{cpu.per_answer(len(answers))}"
    )
    times.table("(c2) The late surge, server-side time per request (gunicorn access log)")


def _surge_tables(data, out, booked, overlaps, elapsed, n_starts):
    finals: dict[int, int] = {}
    for o in out:
        finals[o[1]] = finals.get(o[1], 0) + 1
    answers = [a for o in out for a in o[4]]
    answer_status: dict[int, int] = {}
    for status, _ms in answers:
        answer_status[status] = answer_status.get(status, 0) + 1
    errors = sum(v for k, v in answer_status.items() if k >= 500 or k == 0)
    losers = [o[3] for o in out if o[1] == 409]
    winners = [o[3] for o in out if o[1] == 201]
    table(
        f"(c) Surge: {ARGS.surge_clients} clients race for {data['surge_capacity']} freshly "
        "released slots, through the waiting room",
        [
            "clients",
            "slots",
            "booked (201)",
            "ausgebucht (409)",
            "5xx/errors",
            "rows booked",
            "overlaps",
            "HTTP answers",
            "answer p50 ms",
            "answer p99 ms",
            "wall s",
        ],
        [
            (
                ARGS.surge_clients,
                data["surge_capacity"],
                finals.get(201, 0),
                finals.get(409, 0),
                errors,
                booked,
                overlaps,
                len(answers),
                f"{pct([a[1] for a in answers], 50):.0f}",
                f"{pct([a[1] for a in answers], 99):.0f}",
                f"{elapsed:.1f}",
            )
        ],
    )
    table(
        "(c) Time from a client's first send to its final answer",
        ["final answer", "clients", "p50 ms", "p99 ms", "max ms"],
        [
            (
                "booked (201)",
                len(winners),
                f"{pct(winners, 50):.0f}",
                f"{pct(winners, 99):.0f}",
                f"{max(winners, default=0):.0f}",
            ),
            (
                "ausgebucht (409)",
                len(losers),
                f"{pct(losers, 50):.0f}",
                f"{pct(losers, 99):.0f}",
                f"{max(losers, default=0):.0f}",
            ),
        ],
    )
    # fairness: per start time, the booked requests must be the earliest arrivals (server
    # arrival numbers 1..k); and how far that is from the clients' own send order
    per_start: dict[int, list] = {}
    for i, o in enumerate(out):
        per_start.setdefault(i % n_starts, []).append(o)
    unfair = not_first_by_send = 0
    for group in per_start.values():
        won = sorted(o[2] for o in group if o[1] == 201)
        if won != list(range(1, len(won) + 1)):
            unfair += 1
        by_send = sorted(group, key=lambda o: o[0])[: len(won)]
        not_first_by_send += sum(1 for o in by_send if o[1] != 201)
    print(
        f"\nfinal answers: {dict(sorted(finals.items()))}; all HTTP answers: "
        f"{dict(sorted(answer_status.items()))}\n"
        f"arrival order: start times whose booked requests were NOT exactly the earliest "
        f"server arrivals (1..k): {unfair} of {len(per_start)}; booked requests that were not "
        f"among the first k by the clients' own send time (client-side tolerance): "
        f"{not_first_by_send} of {finals.get(201, 0)}"
    )


def _forget_bookings(availability, location_id):
    """Rows were written around the services: tell the availability cache (either version)."""
    if hasattr(availability, "forget_bookings"):
        availability.forget_bookings(location_id)
    else:  # main before the incremental index
        availability.bump_version(location_id)


# --------------------------------------------------------------------------- (d), (e)


def setup_region(town_region, service):
    """A region: ``--region-locations`` locations with ``--region-counters`` counters in all,
    Mon–Fri 08:00–16:00; each location fully booked for its first 3–20 working days (one-hour
    rows), so the earliest free slot lies days ahead and differs between locations."""
    from django.utils import timezone

    from rathaus.appointments.models import (
        Appointment,
        BookingPolicy,
        Counter,
        OpeningHours,
        hash_token,
    )
    from rathaus.core.models import Location

    now = timezone.now()
    today = now.astimezone(BERLIN).date()
    n_loc = ARGS.region_locations
    rows, locations = [], []
    for i in range(n_loc):
        loc = Location.objects.create(
            municipality=town_region,
            name=f"Region {i + 1}",
            street="Weg 1",
            postal_code="59998",
            city="Regionstadt",
        )
        locations.append(loc)
        n_counters = ARGS.region_counters // n_loc + (i < ARGS.region_counters % n_loc)
        counters = [
            Counter.objects.create(
                municipality=town_region, location=loc, name=f"Schalter {k + 1}", position=k
            )
            for k in range(n_counters)
        ]
        for c in counters:
            c.services.add(service)
        for wd in range(5):
            OpeningHours.objects.create(
                municipality=town_region, location=loc, weekday=wd, start=dtime(8), end=dtime(16)
            )
        BookingPolicy.objects.create(
            municipality=town_region, location=loc, min_notice_minutes=0, max_days_ahead=60
        )
        full_days = 3 + (i * 7) % 18
        day, booked_days = today, 0
        while booked_days < full_days:
            day += timedelta(days=1)
            if day.weekday() >= 5:
                continue
            booked_days += 1
            for hour in range(8, 16):
                start = datetime.combine(day, dtime(hour), tzinfo=BERLIN)
                for c in counters:
                    rows.append(
                        Appointment(
                            municipality=town_region,
                            location=loc,
                            counter=c,
                            start=start,
                            end=start + timedelta(hours=1),
                            status=Appointment.Status.CONFIRMED,
                            token_hash=hash_token(f"r{c.id}-{start.isoformat()}"),
                            created=now,
                        )
                    )
    Appointment.objects.bulk_create(rows, batch_size=5000)
    return locations, len(rows)


def booking_queue(locations, service, payloads, tag, days=25):
    """One booking request per free place (shuffled) at the given locations."""
    from django.utils import timezone

    from rathaus.appointments.selectors import availability
    from rathaus.engines import availability as engine

    now = timezone.now()
    places = []
    for loc in locations:
        request = availability.availability_request(loc, {service.id: 1}, now, fresh=True)
        first, _last = engine.bookable_window(request)
        for slot in engine.free_slots_in_range(
            request, first + timedelta(days=1), first + timedelta(days=days)
        ):
            places.extend((loc, slot) for _ in range(slot.capacity))
    random.Random(3).shuffle(places)
    work = queue.Queue()
    for n, ((loc, slot), payload) in enumerate(zip(places, payloads, strict=False)):
        body = {
            "location_id": loc.id,
            "start": slot.start.isoformat(),
            "services": [{"service_id": service.id, "count": 1}],
            "name": f"Bench {tag}{n}",
            "email": f"bench-{tag}{n}@example.org",
            "privacy_consent": True,
            "altcha": payload,
        }
        work.put(json.dumps(body))
    return work


def change_then_read(work, read_urls):
    """``--load-clients`` only book; ``--change-clients`` book and, after each 201, at once
    GET one of ``read_urls`` (in turn) and then /api/v1/ping. With ``--read-pool`` the read
    goes to the read pool's port (a second keep-alive connection), booking and ping to the
    first server. Returns per label the latencies of reads right after a change, the
    bookings' statuses and the elapsed time."""
    deadline = time.perf_counter() + ARGS.seconds
    lock = threading.Lock()
    reads: dict[str, list[float]] = {label: [] for label in read_urls}
    reads["GET /api/v1/ping (same clients, after the read)"] = []
    read_status: dict[int, int] = {}
    book_status: dict[int, int] = {}
    barrier = threading.Barrier(ARGS.change_clients + ARGS.load_clients + 1)
    labels = list(read_urls)

    def client(i, reader):
        conn = http.client.HTTPConnection("127.0.0.1", ARGS.port, timeout=120)
        read_conn = (
            http.client.HTTPConnection("127.0.0.1", READ_PORT, timeout=120) if READ_POOL else conn
        )
        mine_reads = {label: [] for label in reads}
        mine_status, mine_books = {}, {}
        turn = i
        barrier.wait()
        while time.perf_counter() < deadline:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            status, _ms = _request(conn, "POST", "/api/v1/appointments/bookings", body)
            mine_books[status] = mine_books.get(status, 0) + 1
            if not reader or status != 201:
                continue
            label = labels[turn % len(labels)]
            turn += 1
            for lbl, path, c in (
                (label, read_urls[label], read_conn),
                (None, "/api/v1/ping", conn),
            ):
                status, ms = _request(c, "GET", path)
                mine_status[status] = mine_status.get(status, 0) + 1
                mine_reads[lbl or "GET /api/v1/ping (same clients, after the read)"].append(ms)
        with lock:
            for k, v in mine_reads.items():
                reads[k].extend(v)
            for k, v in mine_status.items():
                read_status[k] = read_status.get(k, 0) + v
            for k, v in mine_books.items():
                book_status[k] = book_status.get(k, 0) + v

    threads = [
        threading.Thread(target=client, args=(i, i < ARGS.change_clients))
        for i in range(ARGS.change_clients + ARGS.load_clients)
    ]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return reads, read_status, book_status, time.perf_counter() - t0


def _change_table(title, reads, read_status, book_status, elapsed):
    ping = reads["GET /api/v1/ping (same clients, after the read)"]
    rows = []
    for label, times in reads.items():
        rows.append(
            (
                label,
                len(times),
                f"{pct(times, 50):.1f}",
                f"{pct(times, 95):.1f}",
                f"{pct(times, 99):.1f}",
                f"{pct(times, 95) / pct(ping, 95):.1f}" if ping else "–",
            )
        )
    table(
        title,
        ["request right after a booking", "n", "p50 ms", "p95 ms", "p99 ms", "p95 / ping p95"],
        rows,
    )
    booked = book_status.get(201, 0)
    print(
        f"\nbookings during the phase: {dict(sorted(book_status.items()))} = {booked / elapsed:,.0f}/s; "
        f"read statuses: {dict(sorted(read_status.items()))}; "
        f"server errors: {sum(v for k, v in {**book_status}.items() if k >= 500 or k == 0) + sum(v for k, v in read_status.items() if k >= 500 or k == 0)}"
    )


def part_d(data, server):
    from django.utils import timezone

    loc, service = data["loc_a"], data["service"]
    payloads = presolve(ARGS.max_bookings)
    work = booking_queue([loc], service, payloads, "d", days=58)
    q = f"location_id={loc.id}&services={service.id}:1"
    month = timezone.now().astimezone(BERLIN) + timedelta(days=20)
    urls = {
        "GET availability/days?limit=60": f"/api/v1/appointments/availability/days?{q}&limit=60",
        "GET availability/month": f"/api/v1/appointments/availability/month?{q}&year={month.year}&month={month.month}",
        "GET availability/slots (one day)": f"/api/v1/appointments/availability/slots?{q}&date={month.date().isoformat()}",
    }
    for url in urls.values():  # warm: every process has read the location once
        for _ in range(8):
            load(1, 0.2, lambda url=url: ("GET", url, None), port=READ_PORT)
    pools = [("web", server)] + ([("read pool", READ_SERVER)] if READ_SERVER else [])
    cpu_before = [_group_cpu_seconds(pool.proc.pid) for _name, pool in pools]
    with ServerTimes() as times:
        reads, read_status, book_status, elapsed = change_then_read(work, urls)
    cpu = [_group_cpu_seconds(p.proc.pid) - c for (_n, p), c in zip(pools, cpu_before, strict=True)]
    _change_table(
        f"(d) Availability right after a booking, {ARGS.counters} counters, {data['n_a']:,} "
        f"appointments; {ARGS.change_clients} clients book then read, {ARGS.load_clients} more only book",
        reads,
        read_status,
        book_status,
        elapsed,
    )
    _server_table("(d)", times, urls, reads)
    n_reads = sum(len(reads[label]) for label in urls)
    print(
        "\n(d) CPU of the phase: "
        + "; ".join(
            f"{name} {sec:.1f} s ({sec / elapsed:.2f} cores)"
            for (name, _p), sec in zip(pools, cpu, strict=True)
        )
        + (f"; read pool per read {cpu[1] / max(n_reads, 1) * 1000:.1f} ms" if READ_SERVER else "")
        + f"; {elapsed:.1f} s wall"
    )


def _server_table(part, times, urls, reads):
    client = {f"GET {url.split('?')[0]}": reads[label] for label, url in urls.items()}
    client["GET /api/v1/ping"] = reads["GET /api/v1/ping (same clients, after the read)"]
    times.table(
        f"{part} The same phase, server-side time per request (gunicorn access log) next to "
        "the client's",
        client,
    )


def part_e(data, server):
    town, service, locations = data["region_town"], data["region_service"], data["region_locations"]
    payloads = presolve(ARGS.max_bookings)
    work = booking_queue(locations, service, payloads, "e", days=30)
    url = f"/api/v1/appointments/availability/earliest?municipality_id={town.id}&services={service.id}:1"
    for _ in range(8):
        load(1, 0.2, lambda: ("GET", url, None), port=READ_PORT)
    with ServerTimes() as times:
        reads, read_status, book_status, elapsed = change_then_read(
            work, {"GET availability/earliest (region)": url}
        )
    _change_table(
        f"(e) Region: earliest free slot at any of {len(locations)} locations "
        f"({ARGS.region_counters} counters, {data['n_region']:,} appointments) right after a booking "
        f"there; {ARGS.change_clients} clients book then read, {ARGS.load_clients} more only book",
        reads,
        read_status,
        book_status,
        elapsed,
    )
    _server_table("(e)", times, {"GET availability/earliest (region)": url}, reads)


def part_f(data):
    """In one process, no concurrent load: book one place through the service, then at once
    time the read (the index reloads the changed day and re-joins the changed counter)."""
    from django.utils import timezone

    from rathaus.appointments.selectors import availability
    from rathaus.appointments.services import booking

    loc, service = data["loc_a"], data["service"]
    demand = {service.id: 1}
    now = timezone.now()
    days = availability.next_days(loc, demand, 60, now)
    places = [s for d in days[1:40] for s in availability.slots_on(loc, demand, d, now)]
    random.Random(4).shuffle(places)
    month = now.astimezone(BERLIN) + timedelta(days=20)
    reads = {
        "days with free slots (60)": lambda: availability.next_days(loc, demand, 60),
        "month calendar": lambda: availability.month(loc, demand, month.year, month.month),
        "one day's slots": lambda: availability.slots_on(loc, demand, month.date()),
    }
    times: dict[str, list[float]] = {label: [] for label in reads}
    k = ARGS.changes_per_read
    for n in range(ARGS.repeat * 3):
        for slot in places[n * k : (n + 1) * k]:
            booking.appointment_hold(location=loc, demand=demand, start=slot.start)
        label = list(reads)[n % len(reads)]
        t0 = time.perf_counter()
        reads[label]()
        times[label].append((time.perf_counter() - t0) * 1000)
    table(
        f"(f) In one process, the read right after {k} hold(s) at the {ARGS.counters}-counter location "
        f"({data['n_a']:,} appointments), no concurrent load",
        ["read right after a change", "p50 ms", "p95 ms", "runs"],
        [(label, *stats(values)) for label, values in times.items()],
    )
    if ARGS.profile_reads:
        rest = places[ARGS.repeat * 3 * k :]
        _profile_reads(loc, demand, reads, rest[: ARGS.profile_reads * k], k)


def _profile_reads(loc, demand, reads, places, k):
    """cProfile of reads right after ``k`` holds (the holds themselves are not profiled)."""
    import cProfile
    import io
    import pstats

    from rathaus.appointments.services import booking

    profile = cProfile.Profile()
    for n in range(len(places) // k):
        for slot in places[n * k : (n + 1) * k]:
            booking.appointment_hold(location=loc, demand=demand, start=slot.start)
        profile.enable()
        list(reads.values())[n % len(reads)]()
        profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
    print(
        f"\n(f) cProfile of {len(places) // k} reads right after {k} hold(s) (all three kinds in turn):"
    )
    print("```\n" + out.getvalue().strip() + "\n```")


WORKER = Worker()
READ_SERVER: Server | None = None  # the read pool while it runs (``--read-pool``)


def _git_head():
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "?"


def main():
    print(
        f"command: `{' '.join(shlex.quote(a) for a in [sys.executable.replace(str(ROOT) + '/', ''), *sys.argv])}`"
    )
    print(
        f"os.cpu_count() = {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} (1 min) at start; database {ARGS.db} (PostgreSQL), cache {ARGS.redis}"
    )
    print(f"code measured: {ROOT} (git {_git_head()})")
    print(
        "bench settings (rathaus.appointments.bench_settings): per-IP limit OFF (one client IP), "
        "per-e-mail limit ON, e-mails built and counted but not delivered, ALTCHA ON with "
        f"maxNumber={ARGS.altcha_max_number} (solved before the timed phase; server verifies each)."
    )
    t0 = time.perf_counter()
    recreate_database()
    clear_redis()
    data = setup_data()
    print(f"setup: {time.perf_counter() - t0:.1f} s")
    if "a" in ARGS.parts:
        part_a(data)
    if "f" in ARGS.parts:
        part_f(data)
    if any(part in ARGS.parts for part in "bcde"):
        from django.db import connections

        connections.close_all()
        if ARGS.mails == "worker":
            WORKER.start()
        try:
            read_pool = Server(*(READ_POOL or (1, 1)), port=READ_PORT, name="read-pool")
            with contextlib.ExitStack() as stack, Server() as server:
                print(
                    f"\nserver: `{server.cmd}` ({ARGS.workers} workers x {ARGS.threads} threads; "
                    f"pid file and access log under {RUN_DIR})"
                )
                print(
                    f"opt-in e-mails: {ARGS.mails}"
                    + ("" if ARGS.mails == "inline" else f" (`{WORKER.cmd}`, broker {ARGS.broker})")
                )
                if READ_POOL:
                    global READ_SERVER
                    READ_SERVER = stack.enter_context(read_pool)
                    print(
                        f"read pool for (d)/(e) reads: `{read_pool.cmd}` ({READ_POOL[0]} workers x "
                        f"{READ_POOL[1]} threads)"
                    )
                if ARGS.switch_interval is not None:
                    print(
                        f"gunicorn config: {GUNICORN_CONFIG} with RATHAUS_SWITCH_INTERVAL_MS="
                        f"{ARGS.switch_interval} (post_fork: sys.setswitchinterval)"
                    )
                if "b" in ARGS.parts:
                    part_b(data, server)
                if "c" in ARGS.parts:
                    part_c(data, server)
                if "d" in ARGS.parts:
                    part_d(data, server)
                if "e" in ARGS.parts:
                    part_e(data, server)
        finally:
            WORKER.stop()
    print(
        f"\nload average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)"
    )


if __name__ == "__main__":
    main()
