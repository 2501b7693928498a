"""Standards API: the promise register and the monthly overview (staff), the open figures
(public)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from rathaus.core.api_auth import staff_auth
from rathaus.core.problems import DomainError, NotFound
from rathaus.standards import rules
from rathaus.standards.selectors import overview as ov
from rathaus.standards.selectors import promises as promise_selectors
from rathaus.standards.selectors import publication as pub

router = Router(tags=["standards"])


class PromiseOut(Schema):
    id: int
    code: str
    title: str
    leika_key: str
    metric: str
    threshold: int
    target_percent: float
    min_cases: int
    definition: str
    version: int
    agreed_by: str
    agreed_on: date
    active: bool
    members: int


class VerdictOut(Schema):
    municipality: str
    own: bool
    size_class: str
    status: str
    certain: bool
    share: float | None
    lower: float
    upper: float
    cases: int
    peer_position: str
    trend: str


class OverviewOut(Schema):
    promise: str
    month: date
    target_percent: float
    rows: list[VerdictOut]


class MonthIn(Schema):
    month: str | None = None  # YYYY-MM


class FigureOut(Schema):
    date: date
    ags: str
    location: str
    leika: str
    metric: str
    value: str
    unit: str
    definition_version: int
    cases: int
    successes: int
    promise: str
    municipality: str


def _region(request):
    region = rules.region_of(request.auth)
    if region is None or not request.auth.has_perm(rules.PERM_VIEW):
        raise DomainError("forbidden", _("Keine Berechtigung für diese Aktion."), status=403)
    return region


def _month(text: str | None) -> date:
    if not text:
        return ov.default_month(timezone.localdate())
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise DomainError(
            "invalid_month", _("Bitte einen Monat im Format JJJJ-MM angeben."), status=422
        ) from exc


@router.get("/promises", response=list[PromiseOut], auth=staff_auth, summary="Promise register")
def promises(request):
    region = _region(request)
    rows = promise_selectors.register(region=region, user=request.auth)
    fields = [f for f in PromiseOut.model_fields if f != "members"]
    return [
        {
            **{f: getattr(row.promise, f) for f in fields},
            "target_percent": float(row.promise.target_percent),
            "members": row.members,
        }
        for row in rows
    ]


@router.get("/overview", response=list[OverviewOut], auth=staff_auth, summary="Monthly verdicts")
def overview(request, params: Query[MonthIn]):
    region = _region(request)
    month = _month(params.month)
    staff = rules.is_region_staff(request.auth, region)
    items = ov.overview(
        region=region,
        month=month,
        viewer_municipality_id=None if staff else request.auth.municipality_id,
        see_names=staff or ov.named(region),
    )
    return [
        {
            "promise": item.promise.code,
            "month": month,
            "target_percent": float(item.promise.target_percent),
            "rows": [
                {
                    "municipality": row.label,
                    "own": row.own,
                    "size_class": row.size_class,
                    "status": row.verdict.status.value,
                    "certain": row.verdict.certain,
                    "share": row.verdict.share,
                    "lower": row.verdict.lower,
                    "upper": row.verdict.upper,
                    "cases": row.verdict.cases,
                    "peer_position": row.peer.position.value,
                    "trend": row.trend.direction.value,
                }
                for row in item.rows
            ],
        }
        for item in items
    ]


@router.get(
    "/public/{region_slug}/figures",
    response=list[FigureOut],
    auth=None,
    summary="Open data: daily figures of the last 31 days",
)
def public_figures(request, region_slug: str):
    region = pub.region_by_slug(region_slug)
    if region is None:
        raise NotFound("not_found", _("Diese Region gibt es nicht."))
    today = timezone.localdate()
    return pub.open_rows(region=region, first=today - timedelta(days=30), last=today)
