"""Benchmark of the steering app and the indicators engine (not a test). Prints Markdown tables.

(a) engine: trend, seasonal adjustment, change points and forecast for N monthly series of
    20 years, in one process and in a pool of one worker per core;
(b) cockpit with P projects and N indicators × 20 years of monthly values (analysis stored):
    server time p50/p95 warm (in-process test client), and right after a change (a new value
    is recorded and analysed, then the cockpit is requested);
(c) import of V values from the generic long CSV (two passes, one transaction): seconds,
    values/s and the growth of peak memory (ru_maxrss) during the import.

Uses its own PostgreSQL database ``rathaus_bench_steering`` (dropped and created).

    .venv/bin/python bench/steering.py                      # everything, full size
    .venv/bin/python bench/steering.py --parts a --series 200
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="rathaus_bench_steering")
    p.add_argument("--parts", default="abc")
    p.add_argument("--series", type=int, default=1000)
    p.add_argument("--months", type=int, default=240)
    p.add_argument("--projects", type=int, default=500)
    p.add_argument("--values", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument(
        "--keep",
        action="store_true",
        help="(b) reuse the world of an earlier run in --db instead of building it again",
    )
    p.add_argument(
        "--profile", action="store_true", help="(b) cProfile of one cockpit after a change"
    )
    return p.parse_args()


def synthetic(i: int, months: int):
    from rathaus.engines.indicators import SeriesInput, Target, add_months, observations

    rng = np.random.default_rng(i)
    t = np.arange(months)
    values = 1000 + rng.normal(0, 1) * 3 * t + 80 * np.sin(2 * np.pi * t / 12)
    values += rng.normal(0, 15, months)
    if i % 3 == 0:
        values[-rng.integers(3, 20) :] += 300  # a recent level shift in every third series
    start = date(2006, 1, 1)
    dates = [add_months(start, k) for k in range(months)]
    return SeriesInput(
        key=str(i),
        name=f"Reihe {i}",
        unit="Personen",
        polarity="down",
        observations=observations(zip(dates, values.tolist(), strict=True)),
        targets=tuple(Target(y, 1000, 700, 1300) for y in range(2006, 2028)),
    )


def _analyse(i_months):
    from rathaus.engines.indicators import analyse

    i, months = i_months
    return analyse(synthetic(i, months)).status


def part_a(args):
    from rathaus.engines.indicators import analyse

    series = [synthetic(i, args.months) for i in range(args.series)]
    start = time.perf_counter()
    statuses = [analyse(s).status for s in series]
    single = time.perf_counter() - start
    cores = os.cpu_count() or 1
    start = time.perf_counter()
    with Pool(cores) as pool:
        pooled = pool.map(_analyse, [(i, args.months) for i in range(args.series)], chunksize=20)
    parallel = time.perf_counter() - start
    assert pooled == statuses
    print(f"\n(a) engine: {args.series} series × {args.months} months\n")
    print("| run | seconds | ms per series | ratio to one process |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| one process | {single:.2f} | {single / args.series * 1000:.1f} | 1.00 |")
    print(
        f"| pool of {cores} (incl. start-up and series generation) | {parallel:.2f} | "
        f"{parallel / args.series * 1000:.1f} | {parallel / single:.2f} |"
    )
    warned = sum(s != "green" for s in statuses)
    print(f"\nseries with a warning: {warned} of {args.series}")


def setup_django(args):
    url = f"{args.pg}/{args.db}"
    base = args.pg.rsplit("/", 1)[0] if args.pg.count("/") > 2 else args.pg
    for sql in (f"DROP DATABASE IF EXISTS {args.db}", f"CREATE DATABASE {args.db}"):
        if not args.keep:
            subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True)
    os.environ["DATABASE_URL"] = url
    os.environ["RATHAUS_TESTING"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world(args):
    from django.utils import timezone

    from rathaus.core.models import Municipality, OrgUnit, Region, Role, User
    from rathaus.engines.indicators import add_months
    from rathaus.steering.models import (
        ActionField,
        Indicator,
        IndicatorTarget,
        IndicatorValue,
        Project,
        StatusReport,
        StrategyPlan,
    )

    region = Region.objects.create(name="Bench", slug="bench")
    town = Municipality.objects.create(
        region=region, name="Benchstadt", slug="benchstadt", ags="05999999", federal_state="NW"
    )
    unit = OrgUnit.objects.create(municipality=town, code="10", name="Hauptamt")
    mayor = User.objects.create(username="bm", municipality=town, roles=[Role.LEADERSHIP])
    today = timezone.localdate()
    plan = StrategyPlan.objects.create(
        municipality=town, title="Plan", term_start=date(2025, 11, 1), term_end=date(2030, 10, 31)
    )
    fields = [
        ActionField.objects.create(municipality=town, plan=plan, title=f"Feld {i}", position=i)
        for i in range(5)
    ]
    projects = Project.objects.bulk_create(
        Project(
            municipality=town,
            action_field=fields[i % 5],
            title=f"Projekt {i}",
            owner_unit=unit,
            start=date(2025, 1, 1),
            end=date(2028, 12, 31),
            status="running",
        )
        for i in range(args.projects)
    )
    StatusReport.objects.bulk_create(
        StatusReport(
            municipality=town,
            project=p,
            period=add_months(today, -m),
            submitted_at=timezone.now(),
            time="green",
            budget="amber" if i % 7 == 0 else "green",
            scope="green",
            risk="red" if i % 31 == 0 else "green",
            summary="ok",
        )
        for i, p in enumerate(projects)
        for m in (1, 2, 3)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            municipality=town,
            name=f"Kennzahl {i}",
            unit="Personen",
            polarity="down",
            responsible_unit=unit,
            action_field=fields[i % 5],
        )
        for i in range(args.series)
    )
    months = [add_months(today, -k) for k in range(args.months, 0, -1)]
    rows = []
    for indicator in indicators:
        rng = np.random.default_rng(indicator.pk)
        values = (
            1000 + 80 * np.sin(np.arange(args.months) * np.pi / 6) + rng.normal(0, 15, args.months)
        )
        rows.extend(
            IndicatorValue(
                municipality=town, indicator=indicator, ref_date=m, value=float(v), published_on=m
            )
            for m, v in zip(months, values, strict=True)
        )
        if len(rows) > 50_000:
            IndicatorValue.objects.bulk_create(rows)
            rows = []
    IndicatorValue.objects.bulk_create(rows)
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(municipality=town, indicator=i, year=y, target=1000, lower=700, upper=1300)
        for i in indicators
        for y in range(months[0].year, today.year + 2)
    )
    return town, mayor, indicators, months


def existing_world(args):
    from django.utils import timezone

    from rathaus.core.models import Municipality, User
    from rathaus.engines.indicators import add_months
    from rathaus.steering.models import Indicator

    town = Municipality.objects.get(slug="benchstadt")
    mayor = User.objects.get(username="bm")
    indicators = list(Indicator.objects.filter(municipality=town).order_by("pk"))
    today = timezone.localdate()
    months = [add_months(today, -k) for k in range(args.months, 0, -1)]
    return town, mayor, indicators, months


def p95(values):
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def profile_after_change(client, mayor, indicator, month):
    import cProfile
    import pstats

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from rathaus.steering.services.indicators import indicator_value_record

    indicator_value_record(actor=mayor, indicator=indicator, ref_date=month, value=7777.0)
    profiler = cProfile.Profile()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        profiler.enable()
        client.get("/steuerung/")
        profiler.disable()
    print(f"\nprofile: cockpit right after a change, {len(queries)} queries")
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def part_b(args):
    from django.test import Client

    from rathaus.steering.services.indicators import indicator_value_record, indicators_analyse_all

    start = time.perf_counter()
    if args.keep:
        town, mayor, indicators, months = existing_world(args)
        built = analysed = 0.0
    else:
        town, mayor, indicators, months = world(args)
        built = time.perf_counter() - start
        start = time.perf_counter()
        indicators_analyse_all(municipality=town)
        analysed = time.perf_counter() - start
    client = Client()
    client.force_login(mayor)

    def timed(path):
        t0 = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - t0) * 1000

    if args.profile:
        timed("/steuerung/")
        profile_after_change(client, mayor, indicators[-1], months[-1])
        return
    timed("/steuerung/")
    warm = sorted(timed("/steuerung/") for _ in range(args.repeat))
    pings = sorted(timed("/api/v1/ping") for _ in range(args.repeat))
    writes, cockpits = [], []
    stamp = time.time_ns() % 1000
    for k in range(args.repeat):
        t0 = time.perf_counter()
        indicator_value_record(
            actor=mayor, indicator=indicators[k], ref_date=months[-1], value=5000.0 + k + stamp
        )
        writes.append((time.perf_counter() - t0) * 1000)
        cockpits.append(timed("/steuerung/"))
    after = sorted(w + c for w, c in zip(writes, cockpits, strict=True))
    writes.sort()
    cockpits.sort()

    print(
        f"\n(b) cockpit: {args.projects} projects, {args.series} indicators × {args.months} months "
        f"(world built in {built:.0f} s; stored analysis of all indicators {analysed:.1f} s)\n"
    )
    print("| request | p50 ms | p95 ms | ratio p50 to /api/v1/ping |")
    print("| --- | ---: | ---: | ---: |")
    base = statistics.median(pings)
    rows = [
        ("/api/v1/ping", pings),
        ("cockpit warm", warm),
        ("write: new value + its analysis", writes),
        ("cockpit right after the change", cockpits),
        ("new value + its analysis + cockpit", after),
    ]
    for name, values in rows:
        median = statistics.median(values)
        print(f"| {name} | {median:.1f} | {p95(values):.1f} | {median / base:.0f} |")


def part_c(args):
    from rathaus.core.models import Municipality, OrgUnit, Region
    from rathaus.engines.indicators import add_months
    from rathaus.steering.models import Indicator, IndicatorValue
    from rathaus.steering.services.imports import indicator_values_import

    region, _ = Region.objects.get_or_create(slug="bench-import", defaults={"name": "Import"})
    run = time.time_ns() % 100_000  # a new town per run, so that --keep can import again
    town = Municipality.objects.create(
        region=region,
        name=f"Importstadt {run}",
        slug=f"importstadt-{run}",
        ags=f"059{run:05d}",
        federal_state="NW",
    )
    unit = OrgUnit.objects.create(municipality=town, code="10", name="Hauptamt")
    per = args.months
    count = -(-args.values // per)
    Indicator.objects.bulk_create(
        Indicator(
            municipality=town,
            name=f"Import {i}",
            unit="Personen",
            polarity="up",
            responsible_unit=unit,
        )
        for i in range(count)
    )
    months = [add_months(date(2006, 1, 1), k) for k in range(per)]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as out:
        out.write("datum;gebiet;kennzahl;wert;einheit\n")
        written = 0
        for i in range(count):
            for m in months:
                if written == args.values:
                    break
                out.write(f"{m:%Y-%m};Gesamtstadt;Import {i};{1000 + (written % 97)},5;Personen\n")
                written += 1
        path = out.name
    size = os.path.getsize(path) / 1e6
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    report = indicator_values_import(
        actor=None,
        municipality=town,
        open_lines=lambda: open(path, encoding="utf-8", newline=""),  # noqa: SIM115
    )
    seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    os.unlink(path)
    assert report.ok, report.errors[:3]
    stored = IndicatorValue.objects.filter(municipality=town).count()
    print(f"\n(c) import: {written:,} values ({size:.0f} MB CSV, {count} indicators)\n")
    print("| values | seconds | values/s | peak RSS before → after (MB) | stored |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {written:,} | {seconds:.1f} | {written / seconds:,.0f} | "
        f"{rss_before:.0f} → {rss_after:.0f} | {stored:,} |"
    )


def main():
    args = parse_args()
    print("command: " + " ".join(shlex.quote(a) for a in ["python", *sys.argv]))
    print(f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if "a" in args.parts:
        part_a(args)
    if "b" in args.parts or "c" in args.parts:
        setup_django(args)
    if "b" in args.parts:
        part_b(args)
    if "c" in args.parts:
        part_c(args)


if __name__ == "__main__":
    main()
