"""Benchmark: the weekly district digest fanned out to 50,000 followers through Celery.

Usage: .venv/bin/python bench/participation_digest.py [--followers 50000] [--batch 500]
       [--concurrency 2] [--timeout 600] [--keep-db]

What it does (loopback only, bounded in time):

1. creates the PostgreSQL database ``rathaus_bench_digest`` (dropped at the end unless
   ``--keep-db``), migrates it, loads the demo, and adds ``--followers`` confirmed followers
   of the Nordviertel (bulk insert); three demo ideas there are dated one hour ago, so the
   digest has news;
2. starts a Celery worker (``celery -A config worker -c <concurrency>``, prefork) with a Redis
   broker (``redis://127.0.0.1:6379/7``) and the file e-mail backend (``EMAIL_URL=filemail://
   var/bench/digest-mails``: every e-mail is built and written, one file per batch; nothing
   leaves the machine — SMTP time is not measured); refuses to run if the district has no news
   (then nothing would be mailed);
3. calls ``digests_fan_out()`` (what the Monday beat task runs) and waits until every follower
   is marked for this week (``last_week``) **and** every e-mail is written (counted in the
   files), then calls it again to show that a second run queues nothing.

Prints a Markdown table with the command line, os.cpu_count() and the load average. The issue's
goal: 50,000 followers within 2 minutes. Not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import served

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "rathaus_bench_digest"
BROKER_URL = "redis://127.0.0.1:6379/7"
# The file e-mail backend writes every batch's messages into one file: the run ends when all
# 50,000 e-mails are written (not when the last follower is claimed), and they are counted.
MAIL_DIR = ROOT / "var" / "bench" / "digest-mails"


def _env() -> dict:
    return served.server_env(
        DB_NAME,
        CELERY_BROKER_URL=BROKER_URL,
        CELERY_RESULT_BACKEND="",
        EMAIL_URL=f"filemail://{MAIL_DIR}",
        DJANGO_SETTINGS_MODULE="config.settings",
    )


def seed(n_followers: int):
    from django.utils import timezone

    from rathaus.participation.models import District, DistrictFollower, Idea

    nord = District.objects.get(municipality__slug="musterstadt", code="NORD")
    now = timezone.now()
    recent = Idea.objects.filter(process__districts=nord, visibility="published")[:3]
    Idea.objects.filter(pk__in=[i.pk for i in recent]).update(created_at=now - timedelta(hours=1))
    DistrictFollower.objects.bulk_create(
        (
            DistrictFollower(
                municipality_id=nord.municipality_id,
                district=nord,
                email=f"folgt{i}@example.org",
                created_at=now - timedelta(days=30),
                confirmed_at=now - timedelta(days=30),
            )
            for i in range(n_followers)
        ),
        batch_size=5000,
    )
    return nord


def start_worker(python: str, concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-c",
            str(concurrency),
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=_env(),
    )


def mails_written() -> int:
    """E-mails in the file backend's output (each message ends with a line of 79 dashes)."""
    return sum(f.read_bytes().count(b"\n" + b"-" * 79 + b"\n") for f in MAIL_DIR.glob("*.log"))


def news_summary(nord, now) -> str:
    from rathaus.participation.selectors.digest import district_news

    news = district_news(nord, since=now - timedelta(days=7), until=now)
    if news.empty:
        raise SystemExit("the district has no news this week: nothing would be mailed")
    return (
        f"{news.idea_count} new ideas, {len(news.processes)} new processes, "
        f"{len(news.decided)} decided, {len(news.conferences)} events"
    )


def wait_for_worker(seconds: float = 120) -> None:
    from config.celery import app

    deadline = time.time() + seconds
    while time.time() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise SystemExit("the Celery worker did not come up")


def run(args) -> dict:
    from django.utils import timezone

    from rathaus.participation.models import DistrictFollower
    from rathaus.participation.services import digest

    now = timezone.now()
    week = digest.week_of(now)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    batches = digest.digests_fan_out(now=now, batch_size=args.batch)
    queued = time.perf_counter() - t0
    done = 0
    deadline = time.time() + args.timeout
    mailed = 0
    while time.time() < deadline:
        done = DistrictFollower.objects.filter(last_week=week).count()
        mailed = mails_written() if done >= args.followers else 0
        if mailed >= args.followers:
            break
        time.sleep(0.5)
    total = time.perf_counter() - t0
    load_after = os.getloadavg()
    again = digest.digests_fan_out(now=now + timedelta(hours=1), batch_size=args.batch)
    return {
        "batches": batches,
        "queued": queued,
        "done": done,
        "mailed": mailed,
        "total": total,
        "again": again,
        "load": (load_before, load_after),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--followers", type=int, default=50_000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--keep-db", action="store_true")
    args = p.parse_args()
    if args.followers > 500_000 or args.timeout > 1800:
        raise SystemExit("bounded: at most 500,000 followers and 1800 s")
    python = sys.executable
    command = " ".join([Path(python).name, *sys.argv])
    print(f"command: {command}", flush=True)
    served.recreate_database(python, DB_NAME, _env())
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()
    os.environ.update(_env())
    import django

    django.setup()
    t0 = time.perf_counter()
    nord = seed(args.followers)
    print(f"seeded {args.followers} followers in {time.perf_counter() - t0:.1f} s", flush=True)
    from django.utils import timezone

    news = news_summary(nord, timezone.now())
    print(f"news of the week: {news}", flush=True)
    shutil.rmtree(MAIL_DIR, ignore_errors=True)
    MAIL_DIR.mkdir(parents=True)
    worker = start_worker(python, args.concurrency)
    try:
        wait_for_worker()
        result = run(args)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            served.drop_database(DB_NAME)
    result["news"] = news
    report(args, command, result)


def report(args, command: str, r: dict) -> None:
    (b1, b5, b15), (a1, a5, a15) = r["load"]
    print()
    print(f"- command: `{command}`")
    print(
        f"- os.cpu_count(): {os.cpu_count()}; Python {platform.python_version()}; PostgreSQL; "
        f"Redis broker; Celery prefork worker -c {args.concurrency}; file e-mail backend; "
        f"load average before {b1:.1f} / {b5:.1f} / {b15:.1f}, after {a1:.1f} / {a5:.1f} / {a15:.1f}"
    )
    print()
    print(f"- news in every e-mail: {r['news']}")
    print()
    print(
        "| followers | e-mails written | batch | batches | queued in | all written in "
        "| e-mails/s | second run |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rate = r["mailed"] / r["total"] if r["total"] else float("nan")
    print(
        f"| {r['done']:,} of {args.followers:,} | {r['mailed']:,} | {args.batch} | "
        f"{r['batches']} | {r['queued']:.1f} s | {r['total']:.1f} s | {rate:,.0f} | "
        f"{r['again']} batches |"
    )


if __name__ == "__main__":
    main()
