"""Standards API: the promise register and the monthly overview (staff), the open figures
(public)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from rathaus.core.api.auth import staff_auth
from rathaus.core.problems import DomainError, NotFound
from rathaus.standards import rules
from rathaus.standards.models import ManualEntry
from rathaus.standards.selectors import manual as manual_selectors
from rathaus.standards.selectors import overview as ov
from rathaus.standards.selectors import promises as promise_selectors
from rathaus.standards.selectors import publication as pub
from rathaus.standards.services import manual as manual_services

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


class EntryIn(Schema):
    promise: str  # the promise's code
    municipality_id: int | None = None  # default: the user's own municipality
    location_id: int | None = None  # empty: the whole municipality
    day: date
    cases: int
    successes: int
    note: str = ""


class EntryOut(Schema):
    id: int
    promise: str
    municipality_id: int
    location_id: int | None
    day: date
    cases: int
    successes: int
    status: str
    origin: str
    entered_by: str
    entered_at: datetime
    decided_by: str | None
    decided_at: datetime | None


def _entry_out(entry: ManualEntry) -> dict:
    return {
        "id": entry.pk,
        "promise": entry.promise.code,
        "municipality_id": entry.municipality_id,
        "location_id": entry.location_id,
        "day": entry.day,
        "cases": entry.cases,
        "successes": entry.successes,
        "status": entry.status,
        "origin": entry.origin,
        "entered_by": entry.entered_by.username,
        "entered_at": entry.entered_at,
        "decided_by": entry.decided_by.username if entry.decided_by else None,
        "decided_at": entry.decided_at,
    }


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(
        "invalid_entry",
        _("Bitte die markierten Angaben prüfen."),
        status=422,
        errors=[{"field": field, "message": message}],
    )


def _entry_data(request, region, payload: EntryIn) -> manual_services.EntryData:
    """Resolves the ids within what the user may enter for (unknown = a field error)."""
    user = request.auth
    promise = manual_selectors.entry_promises(region=region).filter(code=payload.promise).first()
    if promise is None:
        raise _invalid("promise", _("Dieses Versprechen gibt es nicht oder es wird gemessen."))
    town_id = payload.municipality_id or user.municipality_id
    town = manual_selectors.entry_municipalities(user=user, region=region).filter(pk=town_id)
    if not town.exists():
        raise DomainError(
            "forbidden", _("Sie dürfen für diese Kommune keine Werte erfassen."), status=403
        )
    location = None
    if payload.location_id is not None:
        location = (
            manual_selectors.entry_locations(user=user, region=region)
            .filter(pk=payload.location_id, municipality_id=town_id)
            .first()
        )
        if location is None:
            raise _invalid("location", _("Dieser Standort gehört nicht zur Kommune."))
    if payload.cases < 1 or payload.successes < 0:
        raise _invalid("cases", _("Die Fallzahl muss mindestens 1 sein."))
    return manual_services.EntryData(
        promise, town.get(), location, payload.day, payload.cases, payload.successes, payload.note
    )


@router.get(
    "/manual-entries",
    response=list[EntryOut],
    auth=staff_auth,
    summary="Figures entered by hand: pending first, then the last decided",
)
def manual_entries(request):
    region = _region(request)
    user = request.auth
    entries = manual_selectors.pending(user=user, region=region) + manual_selectors.decided(
        user=user, region=region
    )
    return [_entry_out(e) for e in entries]


@router.post(
    "/manual-entries",
    response={201: EntryOut},
    auth=staff_auth,
    summary="Enter a figure by hand (counts once a second person confirms it)",
)
def manual_entry_create(request, payload: EntryIn):
    region = _region(request)
    data = _entry_data(request, region, payload)
    entry = manual_services.entry_create(
        actor=request.auth, data=data, origin=ManualEntry.Origin.API
    )
    return Status(201, _entry_out(entry))


def _decided(request, entry_id: int, service) -> dict:
    region = _region(request)
    if manual_selectors.entry_in(user=request.auth, region=region, entry_id=entry_id) is None:
        raise NotFound("not_found", _("Diesen Wert gibt es nicht."))
    return _entry_out(service(actor=request.auth, entry_id=entry_id))


@router.post(
    "/manual-entries/{entry_id}/confirm",
    response=EntryOut,
    auth=staff_auth,
    summary="Confirm a figure (a second person of the same municipality)",
)
def manual_entry_confirm(request, entry_id: int):
    return _decided(request, entry_id, manual_services.entry_confirm)


@router.post(
    "/manual-entries/{entry_id}/reject",
    response=EntryOut,
    auth=staff_auth,
    summary="Withdraw (the enterer) or reject (a second person) a pending figure",
)
def manual_entry_reject(request, entry_id: int):
    return _decided(request, entry_id, manual_services.entry_reject)
