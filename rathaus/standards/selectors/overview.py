"""Reads for the dashboard, the municipality view and the public page (never writes).

Monthly verdicts come from the ``indicators`` engine (``comparison``): the daily figures are
summed per municipality and month, judged against the promise (minimum cases, Wilson
interval), compared with the peers of the same size class (funnel limits) and given a trend.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import Location, Municipality, Region
from rathaus.engines.indicators import comparison as cmp
from rathaus.standards.models import (
    DailyFigure,
    MunicipalityProfile,
    Promise,
    PromiseMembership,
    RegionSettings,
)

STATUS_LABELS = {
    cmp.Status.MET: _("erfüllt"),
    cmp.Status.NOT_MET: _("nicht erfüllt"),
    cmp.Status.NOT_ENOUGH_DATA: _("zu wenige Daten"),
}
POSITION_LABELS = {
    cmp.Position.ABOVE: _("besser als vergleichbare Kommunen"),
    cmp.Position.AS_EXPECTED: _("im Rahmen vergleichbarer Kommunen"),
    cmp.Position.BELOW: _("schlechter als vergleichbare Kommunen"),
    cmp.Position.NOT_ENOUGH_DATA: _("kein Vergleich (zu wenige Fälle)"),
}
TREND_LABELS = {
    cmp.TrendDirection.BETTER: _("besser geworden"),
    cmp.TrendDirection.STEADY: _("gleich geblieben"),
    cmp.TrendDirection.WORSE: _("schlechter geworden"),
    cmp.TrendDirection.UNKNOWN: _("unbekannt"),
}
SIZE_LABELS = {
    "unknown": _("Größe unbekannt"),
    "lt10k": _("unter 10.000 Einw."),
    "10k-25k": _("10.000–25.000 Einw."),
    "25k-50k": _("25.000–50.000 Einw."),
    "50k-100k": _("50.000–100.000 Einw."),
    "100k+": _("über 100.000 Einw."),
}


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def months_back(first: date, n: int) -> list[date]:
    """The n months ending with ``first`` (oldest first)."""
    months = [first]
    while len(months) < n:
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    return months


def default_month(today: date) -> date:
    """The last complete month (a month in progress has too few cases for a verdict)."""
    return month_start(month_start(today) - timedelta(days=1))


def target_of(promise: Promise) -> cmp.Target:
    return cmp.Target(
        share=promise.target_share,
        direction=cmp.Direction.AT_MOST if promise.lower_is_better else cmp.Direction.AT_LEAST,
        min_cases=promise.min_cases,
    )


def pseudonyms(region: Region) -> dict[int, str]:
    """Stable anonymous labels (Kommune A, B, …) by the municipalities' order of creation."""
    ids = Municipality.objects.filter(region=region).order_by("id").values_list("id", flat=True)
    labels = {}
    for i, pk in enumerate(ids):
        letters = ""
        n = i
        while True:
            letters = chr(ord("A") + n % 26) + letters
            n = n // 26 - 1
            if n < 0:
                break
        labels[pk] = str(_("Kommune %(letter)s") % {"letter": letters})
    return labels


def named(region: Region) -> bool:
    settings = RegionSettings.objects.filter(region=region).first()
    return bool(settings and settings.named_comparison)


@dataclass
class Row:
    municipality_id: int
    label: str
    own: bool
    drill: bool  # may the viewer open the municipality view
    size_class: str
    population: int
    note: str
    verdict: cmp.Verdict
    peer: cmp.PeerResult
    trend: cmp.Trend
    history: list[tuple[date, cmp.Verdict]] = field(default_factory=list)

    @property
    def status_label(self):
        return STATUS_LABELS[self.verdict.status]

    @property
    def position_label(self):
        return POSITION_LABELS[self.peer.position]

    @property
    def trend_label(self):
        return TREND_LABELS[self.trend.direction]

    @property
    def size_label(self):
        return SIZE_LABELS.get(self.size_class, self.size_class)


@dataclass
class PromiseOverview:
    promise: Promise
    target: cmp.Target
    month: date  # the last month of the period
    months: list[date]  # the months of the history
    rows: list[Row]
    period: list[date] = field(default_factory=list)  # the months judged together


def monthly_sums(promises, municipality_ids, first: date, last: date) -> dict:
    """{(promise id, municipality id, month): (successes, cases)} in SQL."""
    rows = (
        DailyFigure.objects.filter(
            promise__in=promises, municipality_id__in=municipality_ids, day__range=(first, last)
        )
        .annotate(month=TruncMonth("day"))
        .values_list("promise_id", "municipality_id", "month")
        .annotate(s=Sum("successes"), c=Sum("cases"))
        .order_by()
    )
    out = {}
    for promise_id, municipality_id, month, s, c in rows:
        month = month.date() if hasattr(month, "date") else month
        out[(promise_id, municipality_id, month)] = (int(s or 0), int(c or 0))
    return out


def period_sum(sums: dict, promise_id: int, municipality_id: int, period) -> tuple[int, int]:
    """(successes, cases) of the months of ``period`` summed."""
    pairs = [sums.get((promise_id, municipality_id, m), (0, 0)) for m in period]
    return sum(p[0] for p in pairs), sum(p[1] for p in pairs)


def _profiles(municipality_ids) -> dict[int, MunicipalityProfile]:
    return {
        p.municipality_id: p
        for p in MunicipalityProfile.objects.filter(municipality_id__in=municipality_ids)
    }


@dataclass
class _Context:
    sums: dict
    profiles: dict
    names: dict
    months: list[date]
    period: list[date]
    viewer_municipality_id: int | None
    see_names: bool


def _history(ctx: _Context, promise, mun_id, target):
    history, periods = [], []
    for m in ctx.months:
        s, c = ctx.sums.get((promise.id, mun_id, m), (0, 0))
        history.append((m, cmp.judge(cmp.Observation(str(mun_id), s, c), target)))
        periods.append(cmp.Period(m.isoformat(), s, c))
    return history, cmp.trend(periods, target)


def _rows(ctx: _Context, promise, target, municipalities) -> list[Row]:
    obs = []
    for mun in municipalities:
        s, c = period_sum(ctx.sums, promise.id, mun.id, ctx.period)
        pop = ctx.profiles[mun.id].population if mun.id in ctx.profiles else 0
        obs.append(cmp.Observation(str(mun.id), s, c, population=pop))
    peers = cmp.compare_peers(obs, target)
    rows = []
    for mun, o, peer in zip(municipalities, obs, peers, strict=True):
        own = mun.id == ctx.viewer_municipality_id
        history, trend = _history(ctx, promise, mun.id, target)
        profile = ctx.profiles.get(mun.id)
        rows.append(
            Row(
                municipality_id=mun.id,
                label=mun.name if (ctx.see_names or own) else ctx.names.get(mun.id, "?"),
                own=own,
                drill=own or ctx.viewer_municipality_id is None,
                size_class=peer.size_class,
                population=o.population,
                note=profile.case_mix_note if profile and (ctx.see_names or own) else "",
                verdict=cmp.judge(o, target),
                peer=peer,
                trend=trend,
                history=history,
            )
        )
    if not ctx.see_names:
        # anonymised: the order must not give away who is who
        rows.sort(key=lambda r: (not r.own, r.label))
    return rows


def overview(
    *,
    region: Region,
    month: date,
    viewer_municipality_id: int | None,
    see_names: bool,
    history_months: int = 3,
    span: int = 1,
) -> list[PromiseOverview]:
    """Every active promise of the region with a row per joined municipality, judged over the
    ``span`` months ending with ``month`` (1: the month, 3: the quarter)."""
    promises = list(Promise.objects.filter(region=region, active=True).order_by("title"))
    members = defaultdict(list)
    for m in PromiseMembership.objects.filter(promise__in=promises).select_related("municipality"):
        members[m.promise_id].append(m.municipality)
    ids = {mun.id for ms in members.values() for mun in ms}
    months = months_back(month, max(history_months, span))
    ctx = _Context(
        sums=monthly_sums(promises, ids, months[0], month_end(month)),
        profiles=_profiles(ids),
        names=pseudonyms(region),
        months=months,
        period=months[-span:],
        viewer_municipality_id=viewer_municipality_id,
        see_names=see_names,
    )
    result = []
    for promise in promises:
        target = target_of(promise)
        municipalities = sorted(members[promise.id], key=lambda m: m.name)
        rows = _rows(ctx, promise, target, municipalities)
        result.append(PromiseOverview(promise, target, month, months, rows, ctx.period))
    return result


@dataclass
class LocationRow:
    location: Location
    verdict: cmp.Verdict


@dataclass
class DayRow:
    day: date
    successes: int
    cases: int

    @property
    def share(self) -> float | None:
        return self.successes / self.cases if self.cases else None


@dataclass
class PromiseDetail:
    promise: Promise
    target: cmp.Target
    verdict: cmp.Verdict
    history: list[tuple[date, cmp.Verdict]]
    trend: cmp.Trend
    locations: list[LocationRow]
    days: list[DayRow]
    remedy: str = ""

    @property
    def status_label(self):
        return STATUS_LABELS[self.verdict.status]

    @property
    def trend_label(self):
        return TREND_LABELS[self.trend.direction]


def _per_place_and_day(municipality, promises, first: date, last: date):
    figures = DailyFigure.objects.filter(
        municipality=municipality, promise__in=promises, day__range=(first, last)
    )
    per_location = defaultdict(lambda: [0, 0])
    per_day = defaultdict(lambda: [0, 0])
    for promise_id, location_id, day, s, c in figures.values_list(
        "promise_id", "location_id", "day", "successes", "cases"
    ):
        per_location[(promise_id, location_id)][0] += s
        per_location[(promise_id, location_id)][1] += c
        per_day[(promise_id, day)][0] += s
        per_day[(promise_id, day)][1] += c
    return per_location, per_day


def municipality_detail(
    *, municipality: Municipality, month: date, history_months: int = 6, span: int = 1
) -> list[PromiseDetail]:
    """Per joined promise: the verdict over the ``span`` months ending with ``month``, the
    monthly history, locations and days of the period."""
    promises = list(
        Promise.objects.filter(memberships__municipality=municipality, active=True).order_by(
            "title"
        )
    )
    months = months_back(month, max(history_months, span))
    period = months[-span:]
    sums = monthly_sums(promises, [municipality.id], months[0], month_end(month))
    per_location, per_day = _per_place_and_day(municipality, promises, period[0], month_end(month))
    locations = {loc.id: loc for loc in Location.objects.filter(municipality=municipality)}
    ctx = _Context(sums, {}, {}, months, period, municipality.id, True)
    details = []
    for promise in promises:
        target = target_of(promise)
        history, trend = _history(ctx, promise, municipality.id, target)
        hits, cases = period_sum(sums, promise.id, municipality.id, period)
        loc_rows = [
            LocationRow(locations[loc_id], cmp.judge(cmp.Observation(str(loc_id), s, c), target))
            for (pid, loc_id), (s, c) in sorted(per_location.items())
            if pid == promise.id and loc_id in locations
        ]
        days = [
            DayRow(day, s, c) for (pid, day), (s, c) in sorted(per_day.items()) if pid == promise.id
        ]
        details.append(
            PromiseDetail(
                promise=promise,
                target=target,
                verdict=cmp.judge(cmp.Observation(str(municipality.id), hits, cases), target),
                history=history,
                trend=trend,
                locations=loc_rows,
                days=days,
            )
        )
    return details


def daily_totals(*, region: Region, first: date, last: date) -> dict:
    """{(promise id, municipality id, day): (successes, cases)} summed over locations."""
    rows = (
        DailyFigure.objects.filter(promise__region=region, day__range=(first, last))
        .values_list("promise_id", "municipality_id", "day")
        .annotate(s=Sum("successes"), c=Sum("cases"))
        .order_by()
    )
    return {(p, m, d): (int(s), int(c)) for p, m, d, s, c in rows}


def promise_verdicts(
    *, municipality: Municipality, first: date, last: date
) -> list[tuple[Promise, cmp.Verdict]]:
    """Each active promise the municipality joined, judged on its figures from ``first`` to
    ``last`` (both included; all locations summed). Read by the staff pool before lending."""
    promises = list(
        Promise.objects.filter(memberships__municipality=municipality, active=True).order_by(
            "title"
        )
    )
    sums = {
        pid: (int(s or 0), int(c or 0))
        for pid, s, c in DailyFigure.objects.filter(
            municipality=municipality, promise__in=promises, day__range=(first, last)
        )
        .values_list("promise_id")
        .annotate(s=Sum("successes"), c=Sum("cases"))
        .order_by()
    }
    return [
        (p, cmp.judge(cmp.Observation(p.code, *sums.get(p.id, (0, 0))), target_of(p)))
        for p in promises
    ]


def member_towns(*, region: Region) -> list[Municipality]:
    """Municipalities of the region that joined at least one promise (by name)."""
    return list(
        Municipality.objects.filter(
            region=region,
            id__in=PromiseMembership.objects.filter(promise__region=region).values(
                "municipality_id"
            ),
        ).order_by("name")
    )
