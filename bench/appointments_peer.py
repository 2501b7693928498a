"""Rathaus next to a real peer: django-appointment, the most used Django appointment app on
PyPI, on the same workload in the same run (not a test). Prints Markdown tables.

What it does:

1. installs django-appointment (pinned, ``PEER_VERSION``) with the Django, gunicorn and
   psycopg versions of this project's lock file into its own virtual environment
   ``var/peer-venv/`` (ignored by git; reused when the versions match);
2. builds Rathaus's workload with ``bench/appointments.py`` (imported, not copied): the
   location with ``--counters`` counters, Mon–Sat 07:00–19:00 and 50,000 appointments in the
   60-day window, and the wide-open throughput location (50 counters, every day 06:00–22:00);
3. writes a minimal Django project for the peer at run time (``var/peer/project/``), migrates
   it on its own PostgreSQL database and loads the same workload through its models: one
   staff member per counter, the opening hours as its working hours, one appointment request
   and appointment per Rathaus appointment (same counter, same start and end);
4. free-slot computation, in process on both sides: one day and the whole 60-day window of
   the 50,000-appointment location; the peer through ``get_available_slots_for_staff`` (the
   function its slot view ``ajax/available_slots`` calls, once per staff member, since a
   citizen picks a staff member first) and through that view; Rathaus through its selectors
   and ``GET availability/slots``;
5. booking throughput over HTTP, gunicorn ``-w 4 -k gthread --threads 8`` on both sides, the
   same number of keep-alive clients: Rathaus through ``bench/appointments.py`` part (b)
   (``POST /api/v1/appointments/bookings``); the peer through its own booking flow for a
   visitor without an account: ``POST request-submit/`` (creates the appointment request),
   ``POST client-info/…`` (creates the account, e-mails a code), ``POST verification-code/…``
   (the code, read from the peer's database as the citizen would read the e-mail; creates
   the appointment) and ``GET thank-you/…`` (sends the confirmation e-mail); each side's
   trivial endpoint in the same run gives the ratio;
6. double booking under concurrency: ``--race-clients`` clients book the same place at the
   same time through each side's normal booking path; rows counted afterwards.

    .venv/bin/python bench/appointments_peer.py --db rathaus_bench --peer-db rathaus_bench_peer

Any option of ``bench/appointments.py`` not listed below is passed on to it (``--pg``,
``--db``, ``--redis``, ``--broker``, ``--clients``, ``--seconds``, ``--max-bookings``,
``--appointments``, ``--counters``, ``--mails``, …); its ``--parts`` is fixed to ``ab``
(only the workload of (a)/(b) is built).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

PEER = "django-appointment"
PEER_VERSION = "3.12.0"
ROOT = Path(__file__).resolve().parent.parent
PEER_VENV = ROOT / "var" / "peer-venv"
PEER_DIR = ROOT / "var" / "peer"
PROJECT = PEER_DIR / "project"
MAIL_LOG = PEER_DIR / "mails.log"
WORKLOAD = PEER_DIR / "workload.json"


def own_args(argv):
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--peer-side", default="", help=argparse.SUPPRESS)
    p.add_argument("--peer-db", default="rathaus_bench_peer", help="the peer's database")
    p.add_argument("--peer-repeat", type=int, default=5, help="runs of the peer's 60-day scan")
    p.add_argument("--day-repeat", type=int, default=20, help="runs of the one-day reads")
    p.add_argument("--race-clients", type=int, default=40)
    p.add_argument("-h", "--help", action="store_true")
    return p.parse_known_args(argv)


ARGV = list(sys.argv)  # bench/appointments.py replaces sys.argv when imported
OWN, REST = own_args(ARGV[1:])
if OWN.help:
    print(__doc__)
    sys.exit(0)


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))]


@contextmanager
def statements():
    """Counts the SQL statements sent through psycopg (Django's cursors and raw ones)."""
    import psycopg

    counted: list[int] = []
    original = psycopg.Cursor.execute

    def execute(self, query, *args, **kwargs):
        counted.append(1)
        return original(self, query, *args, **kwargs)

    psycopg.Cursor.execute = execute
    try:
        yield counted
    finally:
        psycopg.Cursor.execute = original


def timed(fn, runs):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


# =========================================================================== the peer's side
# Everything below up to "Rathaus's side" runs inside var/peer-venv with the peer's project
# (``--peer-side load|slots``); it imports nothing of Rathaus.

PEER_SETTINGS = '''"""Minimal project for django-appointment, written by bench/appointments_peer.py."""
import logging
import os

from django.core.mail.backends.base import BaseEmailBackend

# the package gives its loggers DEBUG level and a stdout handler; Rathaus logs WARNING and up
logging.disable(logging.INFO)

SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "phonenumber_field",
    "appointment",
]
# no CsrfViewMiddleware: the load generator posts without first loading each form (this
# spares the peer the form pages a browser would load)
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["PEER_DB_NAME"],
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,  # as Rathaus
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "de"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"


class CountingEmailBackend(BaseEmailBackend):
    """Builds every message as a real backend would, then appends one line per message."""

    def send_messages(self, email_messages):
        messages = list(email_messages)
        for message in messages:
            message.message()
        if messages:
            with open(os.environ["PEER_MAIL_LOG"], "a") as log:
                log.write("m\\n" * len(messages))
        return len(messages)


EMAIL_BACKEND = "peer_settings.CountingEmailBackend"
# the package sends e-mails only when these settings exist
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = 25
EMAIL_HOST_USER = "bench"
EMAIL_HOST_PASSWORD = "bench"
EMAIL_USE_TLS = False
DEFAULT_FROM_EMAIL = "termine@benchstadt.example"
APPOINTMENT_WEBSITE_NAME = "Benchstadt"
'''

PEER_URLS = """from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("appointment/", include("appointment.urls")),
    path("ping", lambda request: HttpResponse("pong")),
]
"""

PEER_WSGI = """from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""


def peer_load():
    """Migrate the peer's database and load the workload (``WORKLOAD``) through its models."""
    import django
    from django.core.management import call_command

    django.setup()
    # the package ships no migrations: its documentation has the project make them
    call_command("makemigrations", "appointment", verbosity=0, interactive=False)
    call_command("migrate", verbosity=0, interactive=False)
    from appointment.models import (
        Appointment,
        AppointmentRequest,
        Config,
        Service,
        StaffMember,
        WorkingHours,
    )
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count

    work = json.loads(WORKLOAD.read_text())
    user_model = get_user_model()
    Config(
        slot_duration=work["minutes"], appointment_buffer_time=0, website_name="Benchstadt"
    ).save()
    service = Service.objects.create(
        name="Ausweis", duration=timedelta(minutes=work["minutes"]), price=0, currency="EUR"
    )
    staff = {}
    for loc in work["locations"]:
        for counter_id, name in loc["counters"]:
            user = user_model.objects.create_user(
                username=f"counter{counter_id}", first_name=name, last_name=loc["name"]
            )
            sm = StaffMember.objects.create(
                user=user, slot_duration=work["minutes"], appointment_buffer_time=0
            )
            sm.services_offered.add(service)
            staff[counter_id] = sm
            for weekday, start, end in loc["hours"]:  # Rathaus: 0 = Monday; the peer: 0 = Sunday
                WorkingHours.objects.create(
                    staff_member=sm, day_of_week=(weekday + 1) % 7, start_time=start, end_time=end
                )
    client = user_model.objects.create_user(username="bench-client", email="client@bench.example")
    requests = AppointmentRequest.objects.bulk_create(
        [
            AppointmentRequest(
                date=day,
                start_time=start,
                end_time=end,
                service=service,
                staff_member=staff[counter_id],
                payment_type="none",
                id_request=f"bench{n}",
            )
            for n, (counter_id, day, start, end) in enumerate(work["appointments"])
        ],
        batch_size=5000,
    )
    Appointment.objects.bulk_create(
        [
            Appointment(
                client=client, appointment_request=ar, id_request=f"bench{n}", amount_to_pay=0
            )
            for n, ar in enumerate(requests)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    per_staff = AppointmentRequest.objects.values("staff_member").annotate(n=Count("id"))
    print(
        json.dumps(
            {
                "staff": {str(cid): sm.id for cid, sm in staff.items()},
                "service": service.id,
                "appointments": Appointment.objects.count(),
                "staff_with_appointments": per_staff.count(),
            }
        )
    )


def peer_slots():
    """Free-slot computation of the peer on the 50,000-appointment location (JSON out)."""
    import django

    django.setup()
    from appointment.models import Service, StaffMember
    from appointment.services import get_available_slots_for_staff
    from appointment.utils.db_helpers import get_weekday_num_from_date
    from django.test import Client

    work = json.loads(WORKLOAD.read_text())
    ids = json.loads(os.environ["PEER_IDS"])
    service = Service.objects.get(pk=ids["service"])
    staff_a = [
        StaffMember.objects.get(pk=ids["staff"][str(cid)])
        for cid, _ in work["locations"][0]["counters"]
    ]
    days = [date.fromisoformat(d) for d in work["window"]]
    day = date.fromisoformat(work["day"])

    def one(sm, d):
        return get_available_slots_for_staff(d, sm, get_weekday_num_from_date(d), service=service)

    def location_day(d=day):
        return sum(len(one(sm, d)) for sm in staff_a)

    def window():
        return sum(len(one(sm, d)) for d in days for sm in staff_a)

    client = Client()
    url = (
        f"/appointment/ajax/available_slots/?selected_date={day.isoformat()}"
        f"&staff_member={staff_a[0].id}&service_id={service.id}"
    )

    def view():
        response = client.get(url, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert response.status_code == 200, response.content[:300]
        return len(response.json()["available_slots"])

    location_day()  # connect, fill the config cache
    out = {"statements": peer_statements(work, ids, lambda: one(staff_a[0], day))}
    for key, fn, runs in (
        ("staff_day", lambda: len(one(staff_a[0], day)), OWN.day_repeat * 3),
        ("view_day", view, OWN.day_repeat * 3),
        ("location_day", location_day, OWN.day_repeat),
        ("window", window, OWN.peer_repeat),
    ):
        times, result = timed(fn, runs)
        out[key] = {"times": times, "result": result}
    print(json.dumps(out))


def peer_statements(work, ids, staff_day):
    """SQL statements of one staff member's day of slots and of one booking (test client)."""
    from appointment.models import EmailVerificationCode
    from django.test import Client

    with statements() as slots:
        staff_day()
    staff_id = ids["staff"][str(work["locations"][1]["counters"][0][0])]
    client, email = Client(), "statements@example.org"
    with statements() as first:
        response = client.post(
            "/appointment/request-submit/",
            {
                "date": work["window"][-1],
                "start_time": "06:00",
                "end_time": "06:10",
                "service": ids["service"],
                "staff_member": staff_id,
            },
        )
        response = client.post(
            response["Location"],
            {"name": "Bench Statements", "email": email, "phone_0": "DE", "phone_1": "030 1234567"}
            | {"address": "Weg 1", "payment_type": "full"},
        )
    code = EmailVerificationCode.objects.filter(user__email=email).last().code
    with statements() as second:
        response = client.post(response["Location"], {"code": code})
        response = client.get(response["Location"])
    assert response.status_code == 200
    return {"staff_day": len(slots), "booking": len(first) + len(second)}


# =========================================================================== Rathaus's side


def rathaus_bench():
    """bench/appointments.py, imported with our options (it parses sys.argv at import)."""
    sys.argv = [str(ROOT / "bench" / "appointments.py"), *REST, "--parts", "ab"]
    sys.path.insert(0, str(ROOT / "bench"))
    import appointments as rb

    return rb


def lock_pins():
    """The Django, gunicorn and psycopg versions of this project's lock file."""
    text = (ROOT / "requirements.lock").read_text()
    pins = []
    for name in ("django", "gunicorn", "psycopg", "psycopg-binary"):
        match = re.search(rf"^{re.escape(name)}==([^\s;\\]+)", text, re.MULTILINE)
        if match:
            pins.append(f"{name}=={match.group(1)}")
    return pins


def ensure_peer_venv():
    pins = [f"{PEER}=={PEER_VERSION}", *lock_pins()]
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / ".bench-pins"
    if not (python.exists() and stamp.exists() and stamp.read_text() == " ".join(pins)):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *pins],
            check=True,
        )
        stamp.write_text(" ".join(pins))
    frozen = subprocess.run(
        [str(python), "-m", "pip", "freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        line for line in frozen if line.split("==")[0].lower() in {p.split("==")[0] for p in pins}
    ]


def write_project():
    PROJECT.mkdir(parents=True, exist_ok=True)
    (PROJECT / "peer_settings.py").write_text(PEER_SETTINGS)
    (PROJECT / "peer_urls.py").write_text(PEER_URLS)
    (PROJECT / "peer_wsgi.py").write_text(PEER_WSGI)
    MAIL_LOG.write_text("")


def peer_env(rb):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "VIRTUAL_ENV"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="peer_settings",
        PYTHONPATH=str(PROJECT),
        PEER_DB_NAME=OWN.peer_db,
        PEER_MAIL_LOG=str(MAIL_LOG),
    )
    return env


def peer_run(rb, command, **extra):
    out = subprocess.run(
        [str(PEER_VENV / "bin" / "python"), __file__, "--peer-side", command, *ARGV[1:]],
        cwd=PROJECT,
        env={**peer_env(rb), **extra},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"peer {command} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def recreate_peer_db(rb):
    import psycopg

    with psycopg.connect(f"{rb.ARGS.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{OWN.peer_db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{OWN.peer_db}"')


def export_workload(rb, data):
    """The workload as built by bench/appointments.py, read back from Rathaus's database."""
    from django.utils import timezone

    from rathaus.appointments.models import Appointment, Counter, OpeningHours
    from rathaus.appointments.selectors import availability

    def location(loc):
        counters = list(
            Counter.objects.filter(location=loc).order_by("position").values_list("id", "name")
        )
        hours = [
            (h.weekday, h.start.isoformat(), h.end.isoformat())
            for h in OpeningHours.objects.filter(location=loc).order_by("weekday", "start")
        ]
        return {"name": loc.name, "counters": counters, "hours": hours}

    rows = []
    for counter_id, start, end in (
        Appointment.objects.filter(location=data["loc_a"], status=Appointment.Status.CONFIRMED)
        .order_by("start", "counter_id")
        .values_list("counter_id", "start", "end")
    ):
        start, end = start.astimezone(rb.BERLIN), end.astimezone(rb.BERLIN)
        rows.append(
            (counter_id, start.date().isoformat(), start.time().isoformat(), end.time().isoformat())
        )
    first, last = availability.bookable_window(data["loc_a"], timezone.now())
    window = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    day = next(d for d in window[20:] if d.weekday() < 5)  # a weekday three weeks ahead
    work = {
        "minutes": data["service"].default_duration_minutes,
        "locations": [location(data["loc_a"]), location(data["loc_b"])],
        "appointments": rows,
        "window": [d.isoformat() for d in window],
        "day": day.isoformat(),
    }
    PEER_DIR.mkdir(parents=True, exist_ok=True)
    WORKLOAD.write_text(json.dumps(work))
    return work


# --------------------------------------------------------------------------- free slots


def rathaus_slots(rb, data, work):
    from django.test import Client

    from rathaus.appointments.selectors import availability
    from rathaus.engines import availability as engine

    loc, service = data["loc_a"], data["service"]
    demand = {service.id: 1}
    day = date.fromisoformat(work["day"])
    first = date.fromisoformat(work["window"][0])
    last = date.fromisoformat(work["window"][-1])

    def places(slots):
        return sum(s.capacity for s in slots)

    def cold_day():
        request = availability.availability_request(loc, demand, fresh=True)
        return places(engine.free_slots(request, day))

    def window(fresh):
        request = availability.availability_request(loc, demand, fresh=fresh)
        return places(engine.free_slots_in_range(request, first, last))

    client = Client()
    url = f"/api/v1/appointments/availability/slots?location_id={loc.id}&services={service.id}:1&date={day.isoformat()}"

    def view():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return sum(s["capacity"] for s in response.json()["slots"])

    window(False)
    view()
    statements = rathaus_statements(rb, data, lambda: availability.slots_on(loc, demand, day))
    n = OWN.day_repeat
    return {
        "day_warm": timed(lambda: places(availability.slots_on(loc, demand, day)), n * 3),
        "day_cold": timed(cold_day, n),
        "view_day": timed(view, n * 3),
        "window_warm": timed(lambda: window(False), n),
        "window_cold": timed(lambda: window(True), n),
        "statements": statements,
    }


def rathaus_statements(rb, data, day_slots):
    """SQL statements of one day's slots (shared index) and of one booking (test client)."""
    from django.test import Client
    from django.utils import timezone

    from rathaus.appointments.selectors import availability

    with statements() as slots:
        day_slots()
    loc, service = data["loc_b"], data["service"]
    day = timezone.now().astimezone(rb.BERLIN).date() + timedelta(days=59)
    start = availability.slots_on(loc, {service.id: 1}, day)[0].start
    body = {
        "location_id": loc.id,
        "start": start.isoformat(),
        "services": [{"service_id": service.id, "count": 1}],
        "name": "Bench Statements",
        "email": "statements@example.org",
        "privacy_consent": True,
        "altcha": rb.presolve(1)[0],
    }
    with statements() as booking:
        response = Client().post(
            "/api/v1/appointments/bookings", json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 201, response.content[:300]
    return {"day": len(slots), "booking": len(booking)}


def slots_table(rb, work, ours, peer):
    def row(label, times, result, unit):
        return (
            label,
            f"{pct(times, 50):.1f}",
            f"{pct(times, 95):.1f}",
            len(times),
            f"{result:,} {unit}",
        )

    def ratio(peer_key, our_key):
        p, r = peer[peer_key]["times"], ours[our_key][0]
        return f"{pct(p, 50) / pct(r, 50):,.1f}× / {pct(p, 95) / pct(r, 95):,.1f}×"

    n_staff = len(work["locations"][0]["counters"])
    rb.table(
        f"Free slots at the location with {n_staff} counters and {len(work['appointments']):,} "
        f"appointments, in process (one day = {work['day']}; window = {work['window'][0]} – "
        f"{work['window'][-1]})",
        ["what", "p50 ms", "p95 ms", "runs", "result"],
        [
            row(
                f"{PEER}: one staff member, one day (`get_available_slots_for_staff`)",
                *_tr(peer["staff_day"]),
                "slots",
            ),
            row(
                f"{PEER}: HTTP `ajax/available_slots` (one staff member, one day; test client)",
                *_tr(peer["view_day"]),
                "slots",
            ),
            row(
                f"{PEER}: all {n_staff} staff members, one day",
                *_tr(peer["location_day"]),
                "places",
            ),
            row(
                f"{PEER}: all {n_staff} staff members, 60-day window",
                *_tr(peer["window"]),
                "places",
            ),
            row(
                "Rathaus: one day, all counters (`slots_on`, shared index)",
                *ours["day_warm"],
                "places",
            ),
            row(
                "Rathaus: one day, all counters, index built from the database",
                *ours["day_cold"],
                "places",
            ),
            row(
                "Rathaus: HTTP `GET availability/slots` (one day, all counters; test client)",
                *ours["view_day"],
                "places",
            ),
            row(
                "Rathaus: 60-day window, all counters, shared index", *ours["window_warm"], "places"
            ),
            row(
                "Rathaus: 60-day window, all counters, index built from the database",
                *ours["window_cold"],
                "places",
            ),
        ],
    )
    print(
        f"\nSQL statements (psycopg executes, counted in process; Rathaus's Redis calls not counted): one day's slots – peer {peer['statements']['staff_day']} "
        f"per staff member (× {n_staff} for the location), Rathaus {ours['statements']['day']} for "
        f"the whole location (shared index); one booking – peer {peer['statements']['booking']} "
        f"(its 4 requests), Rathaus {ours['statements']['booking']}"
    )
    rb.table(
        "Ratios (peer ÷ Rathaus, same run; > 1 = Rathaus faster)",
        ["comparison", "p50 / p95"],
        [
            (
                "one day, whole location: peer ÷ Rathaus shared index",
                ratio("location_day", "day_warm"),
            ),
            (
                "one day, whole location: peer ÷ Rathaus from the database",
                ratio("location_day", "day_cold"),
            ),
            (
                "one day over HTTP (peer: one staff member; Rathaus: all counters)",
                ratio("view_day", "view_day"),
            ),
            ("60-day window: peer ÷ Rathaus shared index", ratio("window", "window_warm")),
            ("60-day window: peer ÷ Rathaus from the database", ratio("window", "window_cold")),
        ],
    )


def _tr(entry):
    return entry["times"], entry["result"]


# --------------------------------------------------------------------------- booking


class PeerServer:
    """gunicorn in the peer's venv, the same flags as Rathaus's server."""

    def __init__(self, rb, port):
        self.rb, self.port, self.proc = rb, port, None
        self.cmd = [
            str(PEER_VENV / "bin" / "gunicorn"),
            "peer_wsgi",
            "-w",
            "4",
            "-k",
            "gthread",
            "--threads",
            "8",
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "4096",
            "--log-level",
            "warning",
        ]

    def __enter__(self):
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=PROJECT,
            env=peer_env(self.rb),
            start_new_session=True,
            stdout=subprocess.DEVNULL,  # the package's own log handler writes to stdout
        )
        self.rb.wait_until_serving(
            self.proc, self.port, "/ping", "the peer's gunicorn did not start"
        )
        return self

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(20)


def _call(conn, method, path, form=None, cookie=""):
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        conn.close()
        return 0, None, cookie
    for value in response.headers.get_all("Set-Cookie") or []:
        if value.startswith("sessionid="):
            cookie = value.split(";", 1)[0]
    return response.status, response.getheader("Location"), cookie


def peer_book(conn, db, place, n):
    """One booking through the peer's flow for a visitor without an account. Returns
    (final status: 201 = appointment made, number of HTTP requests)."""
    staff_id, service_id, day, start, end = place
    status, location, cookie = _call(
        conn,
        "POST",
        "/appointment/request-submit/",
        {
            "date": day,
            "start_time": start,
            "end_time": end,
            "service": service_id,
            "staff_member": staff_id,
        },
    )
    if status != 302 or "client-info" not in (location or ""):
        return status or 0, 1
    email = f"peer{n}@example.org"
    client = {
        "name": f"Bench Peer{n}",
        "email": email,
        "phone_0": "DE",
        "phone_1": "030 1234567",
        "address": "Weg 1",
        "payment_type": "full",  # the form's submit button
    }
    status, location, cookie = _call(conn, "POST", location, client, cookie)
    if status != 302 or "verification-code" not in (location or ""):
        return status or 0, 2
    code = db.execute(
        "SELECT c.code FROM appointment_emailverificationcode c JOIN auth_user u ON u.id = c.user_id "
        "WHERE u.email = %s ORDER BY c.id DESC LIMIT 1",
        [email],
    ).fetchone()[0]
    status, location, cookie = _call(conn, "POST", location, {"code": code}, cookie)
    if status != 302 or "thank-you" not in (location or ""):
        return status or 0, 3
    status, _location, _cookie = _call(conn, "GET", location, None, cookie)
    return (201 if status == 200 else status), 4


def peer_load_run(rb, port, clients, seconds, places):
    """``clients`` threads book places from ``places`` (a list, consumed) for ``seconds``."""
    import psycopg

    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    requests = [0]
    barrier = threading.Barrier(clients + 1)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        db = psycopg.connect(f"{rb.ARGS.pg}/{OWN.peer_db}", autocommit=True)
        mine, lat, reqs = {}, [], 0
        barrier.wait()
        while time.perf_counter() < deadline:
            with lock:
                if not places:
                    break
                n, place = places.pop()
            t0 = time.perf_counter()
            status, made = peer_book(conn, db, place, n)
            lat.append((time.perf_counter() - t0) * 1000)
            mine[status] = mine.get(status, 0) + 1
            reqs += made
        db.close()
        with lock:
            for k, v in mine.items():
                statuses[k] = statuses.get(k, 0) + v
            latencies.extend(lat)
            requests[0] += reqs

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return statuses, latencies, time.perf_counter() - t0, requests[0]


def peer_ping(rb, port, clients, seconds):
    saved = rb.ARGS.port
    rb.ARGS.port = port
    try:
        return rb.load(clients, seconds, lambda: ("GET", "/ping", None))
    finally:
        rb.ARGS.port = saved


def peer_places(work, ids, count, seed):
    """Free places at the throughput location (every staff member, every 10 minutes)."""
    loc = work["locations"][1]
    minutes = work["minutes"]
    out = []
    for offset in range(2, 61):
        day = date.today() + timedelta(days=offset)
        hours = {wd: (a, b) for wd, a, b in loc["hours"]}.get(day.weekday())
        if not hours:
            continue
        t = datetime.combine(day, datetime.strptime(hours[0], "%H:%M:%S").time())
        end = datetime.combine(day, datetime.strptime(hours[1], "%H:%M:%S").time())
        while t + timedelta(minutes=minutes) <= end:
            for counter_id, _ in loc["counters"]:
                out.append(
                    (
                        ids["staff"][str(counter_id)],
                        ids["service"],
                        day.isoformat(),
                        t.strftime("%H:%M"),
                        (t + timedelta(minutes=minutes)).strftime("%H:%M"),
                    )
                )
            t += timedelta(minutes=minutes)
    random.Random(seed).shuffle(out)
    return list(enumerate(out[:count]))


def mails_logged():
    return MAIL_LOG.read_text().count("m")


def peer_booking(rb, work, ids, port):
    clients, seconds = rb.ARGS.clients, rb.ARGS.seconds
    places = peer_places(work, ids, rb.ARGS.max_bookings * 2, seed=2)
    warm = places[: min(4 * clients, len(places) // 4)]
    timed_places = places[len(warm) :]
    timed_places.reverse()  # pop() takes from the end: the first places first
    peer_ping(rb, port, clients, 3)
    peer_load_run(rb, port, clients, 30, warm)
    mails_before = mails_logged()
    p_status, p_lat, p_elapsed = peer_ping(rb, port, clients, seconds)
    b_status, b_lat, b_elapsed, b_requests = peer_load_run(rb, port, clients, seconds, timed_places)
    p2_status, p2_lat, p2_elapsed = peer_ping(rb, port, clients, seconds / 2)
    ping_rate = (p_status.get(200, 0) + p2_status.get(200, 0)) / (p_elapsed + p2_elapsed)
    booked = b_status.get(201, 0)
    return {
        "ping_rate": ping_rate,
        "ping_lat": p_lat + p2_lat,
        "ping_n": sum(p_status.values()) + sum(p2_status.values()),
        "booking_rate": booked / b_elapsed,
        "request_rate": b_requests / b_elapsed,
        "requests": b_requests,
        "statuses": dict(sorted(b_status.items())),
        "lat": b_lat,
        "mails": mails_logged() - mails_before,
        "booked": booked,
    }


# --------------------------------------------------------------------------- double booking


def peer_race(rb, work, ids, port):
    """``--race-clients`` visitors book the same staff member's same place at once."""
    import psycopg

    place = peer_places(work, ids, 1, seed=9)[0][1]
    barrier = threading.Barrier(OWN.race_clients)
    results = [None] * OWN.race_clients

    def visitor(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        with psycopg.connect(f"{rb.ARGS.pg}/{OWN.peer_db}", autocommit=True) as db:
            barrier.wait()
            results[i] = peer_book(conn, db, place, 900_000 + i)[0]

    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(OWN.race_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with psycopg.connect(f"{rb.ARGS.pg}/{OWN.peer_db}") as db:
        rows = db.execute(
            "SELECT count(*) FROM appointment_appointment a JOIN appointment_appointmentrequest r "
            "ON r.id = a.appointment_request_id WHERE r.staff_member_id = %s AND r.date = %s "
            "AND r.start_time = %s",
            [place[0], place[2], place[3]],
        ).fetchone()[0]
    return {"capacity": 1, "made": results.count(201), "rows": rows, "statuses": _count(results)}


def rathaus_race(rb, data):
    """The same at Rathaus: one place with free capacity c at the 20-counter location,
    c + ``--race-clients`` citizens book it at once through the booking API (the surge
    path: 202 + waiting room ticket is followed to the final answer)."""
    from django.db import connection
    from django.utils import timezone

    from rathaus.appointments.models import Appointment
    from rathaus.appointments.selectors import availability

    loc, service = data["loc_a"], data["service"]
    # the first day with free places from 30 days ahead (the location is closed on Sundays
    # and holidays, so a fixed offset fails on some run dates)
    first = timezone.now().astimezone(rb.BERLIN).date() + timedelta(days=30)
    slots = next(
        found
        for found in (
            availability.slots_on(loc, {service.id: 1}, first + timedelta(days=k))
            for k in range(14)
        )
        if found
    )
    slot = max(slots, key=lambda s: s.capacity)
    n = slot.capacity + OWN.race_clients
    active = ["pending_confirmation", "confirmed", "held"]
    before = Appointment.objects.filter(location=loc, start=slot.start, status__in=active).count()
    payloads = rb.presolve(n)
    barrier = threading.Barrier(n)
    out = [None] * n
    bodies = [
        json.dumps(
            {
                "location_id": loc.id,
                "start": slot.start.isoformat(),
                "services": [{"service_id": service.id, "count": 1}],
                "name": f"Race {i}",
                "email": f"race{i}@example.org",
                "privacy_consent": True,
                "altcha": payloads[i],
            }
        )
        for i in range(n)
    ]
    threads = [
        threading.Thread(target=rb.surge_client, args=(i, bodies[i], barrier, out))
        for i in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM appointments_appointment a JOIN appointments_appointment b
               ON a.counter_id = b.counter_id AND a.id < b.id AND a.start < b."end" AND b.start < a."end"
               WHERE a.location_id = %s AND a.status IN ('pending_confirmation','confirmed','held')
                 AND b.status IN ('pending_confirmation','confirmed','held')""",
            [loc.id],
        )
        overlaps = cursor.fetchone()[0]
    rows = Appointment.objects.filter(location=loc, start=slot.start, status__in=active).count()
    finals = [o[1] for o in out]
    return {
        "capacity": slot.capacity,
        "clients": n,
        "made": finals.count(201),
        "rows": rows - before,
        "overlaps": overlaps,
        "statuses": _count(finals),
    }


def _count(values):
    out: dict = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: str(kv[0])))


# --------------------------------------------------------------------------- main


MAILS = {
    "worker": "Celery worker during the phase",
    "after": "queued, Celery worker afterwards",
    "inline": "built inside the request",
}


def booking_tables(rb, ours, peer):
    b_rate, ping_rate = ours
    rb.table(
        f"Booking throughput over HTTP, {rb.ARGS.clients} keep-alive clients, "
        "gunicorn -w 4 -k gthread --threads 8 on PostgreSQL, both sides in the same run",
        ["side", "bookings/s", "trivial endpoint req/s", "bookings ÷ trivial", "details"],
        [
            (
                "Rathaus: `POST /api/v1/appointments/bookings` (one request, ALTCHA verified, "
                f"opt-in mail: {MAILS[rb.ARGS.mails]})",
                f"{b_rate:,.1f}",
                f"{ping_rate:,.0f} (`/api/v1/ping`)",
                f"{b_rate / ping_rate:.3f}",
                "see (b) above",
            ),
            (
                f"{PEER}: request-submit → client-info → verification-code → thank-you (4 requests, 2 mails, no check of the place)",
                f"{peer['booking_rate']:,.1f}",
                f"{peer['ping_rate']:,.0f} (`/ping`, plain HttpResponse)",
                f"{peer['booking_rate'] / peer['ping_rate']:.3f}",
                f"{peer['requests']:,} requests = {peer['request_rate']:,.0f} req/s; final statuses "
                f"{peer['statuses']}; per booking (4 requests + code look-up) p50 "
                f"{pct(peer['lat'], 50):.0f} ms, p95 {pct(peer['lat'], 95):.0f} ms, p99 "
                f"{pct(peer['lat'], 99):.0f} ms; {peer['mails']:,} mails for {peer['booked']:,} bookings",
            ),
        ],
    )
    if peer["booking_rate"]:
        print(
            f"\nratio Rathaus ÷ peer, bookings/s: {b_rate / peer['booking_rate']:.2f}; "
            f"each normalised by its own trivial endpoint: "
            f"{(b_rate / ping_rate) / (peer['booking_rate'] / peer['ping_rate']):.2f}"
        )


def race_table(rb, ours, peer):
    rb.table(
        "Double booking under concurrency: many clients book the same place at the same moment",
        [
            "side",
            "free capacity of the place",
            "clients",
            "answered 'booked'",
            "new rows at the place",
            "rows beyond the free capacity",
            "overlapping pairs (Rathaus: SQL over the location; peer: at the place)",
            "final statuses",
        ],
        [
            (
                "Rathaus (booking API, waiting room followed to the end)",
                ours["capacity"],
                ours["clients"],
                ours["made"],
                ours["rows"],
                max(0, ours["rows"] - ours["capacity"]),
                ours["overlaps"],
                ours["statuses"],
            ),
            (
                f"{PEER} (its booking flow, one staff member's place)",
                peer["capacity"],
                OWN.race_clients,
                peer["made"],
                peer["rows"],
                max(0, peer["rows"] - peer["capacity"]),
                peer["rows"] * (peer["rows"] - 1) // 2,
                peer["statuses"],
            ),
        ],
    )


def header(rb, versions):
    cmd = [sys.executable.replace(str(ROOT) + "/", ""), *ARGV]
    print(f"command: `{' '.join(shlex.quote(a) for a in cmd)}`")
    print(
        f"os.cpu_count() = {os.cpu_count()}; load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"(1/5/15 min) at start; Rathaus database {rb.ARGS.db}, peer database {OWN.peer_db}"
    )
    print(
        f"Rathaus: git {rb._git_head()}; peer venv {PEER_VENV.relative_to(ROOT)}: {', '.join(versions)}"
    )


def main_peer_side():
    if OWN.peer_side == "load":
        peer_load()
    elif OWN.peer_side == "slots":
        peer_slots()
    else:
        raise SystemExit(f"unknown peer-side command {OWN.peer_side}")


def main():
    if OWN.peer_side:
        return main_peer_side()
    rb = rathaus_bench()
    versions = ensure_peer_venv()
    header(rb, versions)
    t0 = time.perf_counter()
    rb.recreate_database()
    rb.clear_redis()
    data = rb.setup_data()
    work = export_workload(rb, data)
    print(f"Rathaus setup: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    write_project()
    recreate_peer_db(rb)
    ids = peer_run(rb, "load")
    print(
        f"peer setup (migrate + load through its models): {time.perf_counter() - t0:.1f} s; "
        f"{ids['appointments']:,} appointments over {ids['staff_with_appointments']} staff members "
        f"(Rathaus: {data['n_a']:,} over {len(work['locations'][0]['counters'])} counters)"
    )
    ours_slots = rathaus_slots(rb, data, work)
    peer_slots_out = peer_run(rb, "slots", PEER_IDS=json.dumps(ids))
    slots_table(rb, work, ours_slots, peer_slots_out)

    from django.db import connections

    connections.close_all()
    if rb.ARGS.mails == "worker":
        rb.WORKER.start()
    try:
        with rb.Server() as server:
            print(f"\nRathaus server: `{server.cmd}`; opt-in e-mails: {rb.ARGS.mails}")
            ours_booking = rb.part_b(data, server)
            ours_race = rathaus_race(rb, data)
    finally:
        rb.WORKER.stop()
    peer_port = rb.ARGS.port + 1
    with PeerServer(rb, peer_port) as peer_server:
        print(f"\npeer server: `{' '.join(peer_server.cmd[1:])}`")
        peer_booking_out = peer_booking(rb, work, ids, peer_port)
        peer_race_out = peer_race(rb, work, ids, peer_port)
    booking_tables(rb, ours_booking, peer_booking_out)
    race_table(rb, ours_race, peer_race_out)
    print(
        f"\nload average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)"
    )


if __name__ == "__main__":
    main()
