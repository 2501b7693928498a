"""OParl 1.1 read API under /oparl/v1/ (public data only, no login).

Mapping: OParl ``Body`` = a municipality; ``Organization`` = a public body (council, committee,
district council; crisis and future staffs are not public and never appear); ``Person`` = a
member of a public body (``e-<employee>`` or ``x-<membership>`` for external members);
``Meeting``, ``AgendaItem`` (public items only), ``Paper`` (public papers), ``Consultation``,
``Location`` (the rooms of public meetings), ``LegislativeTerm`` (the municipality's terms,
kept in the admin), ``File`` (documents of public agenda items, downloadable without login). Lists page with ``page`` and ``limit`` and
filter with ``created_since``/``created_until``/``modified_since``/``modified_until``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from math import ceil

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from rathaus.core.models import Municipality
from rathaus.core.problems import problem_response
from rathaus.meetings import caching, conf, selectors
from rathaus.meetings.models import (
    AgendaItem,
    Body,
    Consultation,
    Document,
    LegislativeTerm,
    Meeting,
    Membership,
    Paper,
    Tombstone,
)

SCHEMA = "https://schema.oparl.org/1.1/"
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
MAX_LIMIT = 1000


class BadFilter(Exception):
    pass


def _url(request: HttpRequest, name: str, *args) -> str:
    """Absolute URL; the pattern is reversed once per request (lists render thousands)."""
    cache = request.__dict__.setdefault("_oparl_urls", {})
    key = (name, len(args))
    template = cache.get(key)
    if template is None:
        placeholders = [f"__oparl{i}__" for i in range(len(args))]
        template = request.build_absolute_uri(reverse(f"oparl:{name}", args=placeholders))
        cache[key] = template
    for i, arg in enumerate(args):
        template = template.replace(f"__oparl{i}__", str(arg))
    return template


def _ts(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _stamps(obj) -> dict:
    return {"created": _ts(obj.created), "modified": _ts(obj.modified), "deleted": False}


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # OParl clients run in browsers too
    return response


# --- objects --------------------------------------------------------------------------------


def system_obj(request) -> dict:
    return {
        "id": _url(request, "system"),
        "type": SCHEMA + "System",
        "oparlVersion": SCHEMA,
        "license": LICENSE,
        "body": _url(request, "bodies"),
        "name": "Rathaus",
        "website": request.build_absolute_uri("/"),
        "vendor": "https://github.com/",
        "product": "Rathaus",
    }


def term_obj(request, t: LegislativeTerm) -> dict:
    return {
        "id": _url(request, "term", t.pk),
        "type": SCHEMA + "LegislativeTerm",
        "body": _url(request, "body", t.municipality_id),
        "name": t.name,
        "startDate": t.start.isoformat(),
        "endDate": t.end.isoformat(),
        **_stamps(t),
    }


def body_obj(request, m: Municipality) -> dict:
    def sub(name):
        return _url(request, name, m.pk)

    return {
        "id": _url(request, "body", m.pk),
        "type": SCHEMA + "Body",
        "system": _url(request, "system"),
        "name": m.name,
        "shortName": m.name,
        "ags": m.ags,
        "license": LICENSE,
        "classification": "Kommune",
        "organization": sub("body_organizations"),
        "person": sub("body_persons"),
        "meeting": sub("body_meetings"),
        "paper": sub("body_papers"),
        "agendaItem": sub("body_agenda_items"),
        "consultation": sub("body_consultations"),
        "file": sub("body_files"),
        "locationList": sub("body_locations"),
        "legislativeTermList": sub("body_terms"),
        "membership": sub("body_memberships"),
        "legislativeTerm": [term_obj(request, t) for t in selectors.oparl_terms(m.pk)],
    }


def organization_obj(request, b: Body) -> dict:
    data = {
        "id": _url(request, "organization", b.pk),
        "type": SCHEMA + "Organization",
        "body": _url(request, "body", b.municipality_id),
        "name": b.name,
        "shortName": b.short_name or b.name,
        "organizationType": "Gremium",
        "classification": str(b.get_kind_display()),
        "meeting": _url(request, "organization_meetings", b.pk),
        **_stamps(b),
    }
    if b.parent_id and b.parent and b.parent.public:
        data["subOrganizationOf"] = _url(request, "organization", b.parent_id)
    return data


def person_key(m: Membership) -> str:
    return f"e-{m.employee_id}" if m.employee_id else f"x-{m.pk}"


def person_obj(request, memberships: list[Membership]) -> dict:
    first = memberships[0]
    data = {
        "id": _url(request, "person", person_key(first)),
        "type": SCHEMA + "Person",
        "body": _url(request, "body", first.municipality_id),
        "name": first.person_name,
        "membership": [membership_obj(request, m) for m in memberships],
        **_stamps(first),
    }
    if first.employee_id:
        data["familyName"] = first.employee.last_name
        data["givenName"] = first.employee.first_name
    return data


def membership_obj(request, m: Membership) -> dict:
    data = {
        "id": _url(request, "membership", m.pk),
        "type": SCHEMA + "Membership",
        "person": _url(request, "person", person_key(m)),
        "organization": _url(request, "organization", m.body_id),
        "role": str(m.get_role_display()),
        "votingRight": m.voting,
        **_stamps(m),
    }
    if m.start:
        data["startDate"] = m.start.isoformat()
    if m.end:
        data["endDate"] = m.end.isoformat()
    return data


def location_obj(request, room) -> dict:
    loc = room.location
    return {
        "id": _url(request, "location", room.pk),
        "type": SCHEMA + "Location",
        "description": f"{loc.name}, Raum {room.number}",
        "streetAddress": loc.street,
        "room": room.number,
        "postalCode": loc.postal_code,
        "locality": loc.city,
    }


def _result(item: AgendaItem) -> dict:
    decisions = list(item.decisions.all())
    if not decisions:
        return {}
    d = decisions[-1]
    votes = (
        "einstimmig"
        if d.unanimous
        else f"{d.yes or 0} Ja, {d.no or 0} Nein, {d.abstain or 0} Enthaltungen"
    )
    return {
        "result": ("beschlossen" if d.adopted else "abgelehnt") + f" ({votes})",
        "resolutionText": d.text,
    }


def agenda_item_obj(request, item: AgendaItem) -> dict:
    data = {
        "id": _url(request, "agenda_item", item.pk),
        "type": SCHEMA + "AgendaItem",
        "meeting": _url(request, "meeting", item.meeting_id),
        "number": str(item.position),
        "order": item.position,
        "name": item.title,
        "public": True,
        **_result(item),
        **_stamps(item),
    }
    consultation = selectors.oparl_item_consultation(item)
    if consultation:
        data["consultation"] = _url(request, "consultation", consultation.pk)
    return data


def file_obj(request, d: Document) -> dict:
    download = _url(request, "file_download", d.pk)
    return {
        "id": _url(request, "file", d.pk),
        "type": SCHEMA + "File",
        "name": d.name,
        "fileName": d.name,
        "mimeType": d.mime_type,
        "size": d.size,
        "sha1Checksum": d.sha1,
        "accessUrl": download,
        "downloadUrl": download,
        "agendaItem": [_url(request, "agenda_item", d.item_id)],
        "meeting": [_url(request, "meeting", d.item.meeting_id)],
        **_stamps(d),
    }


def _meeting_state(m: Meeting) -> str:
    if m.minutes_status in (Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED):
        return "durchgeführt"
    return "eingeladen" if m.invited_at else "terminiert"


def meeting_obj(request, m: Meeting) -> dict:
    data = {
        "id": _url(request, "meeting", m.pk),
        "type": SCHEMA + "Meeting",
        "name": m.title,
        "meetingState": _meeting_state(m),
        "cancelled": m.cancelled,
        "start": _ts(m.start),
        "end": _ts(m.end),
        "organization": [_url(request, "organization", m.body_id)],
        "agendaItem": [agenda_item_obj(request, i) for i in m.public_items],
        **_stamps(m),
    }
    if m.room_id:
        data["location"] = location_obj(request, m.room)
    return data


def consultation_obj(request, c: Consultation) -> dict:
    data = {
        "id": _url(request, "consultation", c.pk),
        "type": SCHEMA + "Consultation",
        "paper": _url(request, "paper", c.paper_id),
        "meeting": _url(request, "meeting", c.meeting_id),
        "organization": [_url(request, "organization", c.meeting.body_id)],
        "authoritative": c.authoritative,
        "role": str(c.get_role_display()),
        **_stamps(c),
    }
    item = selectors.oparl_consultation_item(c)
    if item:
        data["agendaItem"] = _url(request, "agenda_item", item.pk)
    return data


def paper_obj(request, p: Paper) -> dict:
    data = {
        "id": _url(request, "paper", p.pk),
        "type": SCHEMA + "Paper",
        "body": _url(request, "body", p.municipality_id),
        "name": p.title,
        "reference": p.reference,
        "date": p.date.isoformat(),
        "paperType": str(p.get_kind_display()),
        "consultation": [consultation_obj(request, c) for c in p.consultations.all()],
        **_stamps(p),
    }
    if p.author_body_id and p.author_body and p.author_body.public:
        data["originatorOrganization"] = [_url(request, "organization", p.author_body_id)]
    return data


URL_NAMES = {
    Tombstone.Kind.ORGANIZATION: "organization",
    Tombstone.Kind.PERSON: "person",
    Tombstone.Kind.MEMBERSHIP: "membership",
    Tombstone.Kind.MEETING: "meeting",
    Tombstone.Kind.AGENDA_ITEM: "agenda_item",
    Tombstone.Kind.PAPER: "paper",
    Tombstone.Kind.CONSULTATION: "consultation",
    Tombstone.Kind.FILE: "file",
    Tombstone.Kind.LEGISLATIVE_TERM: "term",
}


def tombstone_obj(request, t: Tombstone) -> dict:
    """A deleted object (OParl 1.1): its id and type, ``created``, ``modified`` = when it was
    deleted, ``deleted: true`` — and what its schema requires (an agenda item's ``order``, a
    file's ``accessUrl``)."""
    data = {
        "id": _url(request, URL_NAMES[t.kind], t.object_key),
        "type": SCHEMA + t.kind,
        "created": _ts(t.created),
        "modified": _ts(t.modified),
        "deleted": True,
    }
    if t.kind == Tombstone.Kind.AGENDA_ITEM:
        data["order"] = t.order or 0
    if t.kind == Tombstone.Kind.FILE:
        data["accessUrl"] = _url(request, "file_download", t.object_key)
    return data


# --- lists ----------------------------------------------------------------------------------


def _filters(request, qs, *, stamped: bool = True):
    for param, lookup in (
        ("created_since", "created__gte"),
        ("created_until", "created__lte"),
        ("modified_since", "modified__gte"),
        ("modified_until", "modified__lte"),
    ):
        raw = request.GET.get(param)
        if not raw:
            continue
        raw = raw.replace(" ", "+")  # an unencoded "+01:00" arrives as " 01:00"
        try:
            moment = parse_datetime(raw)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise BadFilter(param)
        if stamped:
            qs = qs.filter(**{lookup: moment})
    return qs


def _limit(request) -> int:
    raw = request.GET.get("limit") or str(conf.oparl_page_size())
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadFilter("limit")
    return int(raw)


def _link(request, **params) -> str:
    query = request.GET.copy()
    for key in ("page", "after"):
        query.pop(key, None)
    for key, value in params.items():
        query[key] = str(value)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


def _page_links(request, page: int | None, pages: int, limit: int, next_after) -> dict:
    """``next`` continues after the last id of this page (keyset: as cheap at the end of
    100,000 objects as at the start); ``first``/``last``/``prev`` address pages by number."""
    links = {"first": _link(request, page=1, limit=limit)}
    links["last"] = _link(request, page=max(pages, 1), limit=limit)
    if page is not None and page > 1:
        links["prev"] = _link(request, page=page - 1, limit=limit)
    if next_after is not None:
        links["next"] = _link(request, after=next_after, limit=limit)
    elif page is not None and page < pages:
        links["next"] = _link(request, page=page + 1, limit=limit)
    return links


FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


# lists up to this size keep the first id of every page (``_page_starts``)
PAGE_STARTS_UP_TO = 200_000


def _list_part(request) -> str:
    return request.path + "?" + "&".join(f"{f}={request.GET.get(f, '')}" for f in FILTERS)


def _count(request, qs, count_scope: int | None, part: str = "") -> int:
    """Counting 100,000 rows is the largest cost of a page: the total is kept per municipality
    version (any write there starts a new count) and per list and filter."""
    if count_scope is None:
        return qs.count()
    return caching.town_count(count_scope, part + _list_part(request), qs.count)


def _page_starts(request, qs, count_scope: int | None, limit: int, total: int):
    """For ``page=<n>``: the first id of every page, read in one pass over the id index and
    kept like the count (per municipality version, list, filter and page size), so a page by
    number costs no skip over the index. ``None`` (skip per request) when the list is not
    ordered by id, not counted per municipality or very long."""
    if conf.cache_seconds() <= 0 or count_scope is None or total > PAGE_STARTS_UP_TO:
        return None
    if not _by_id(qs):
        return None

    def starts() -> list[int]:
        ids = qs.prefetch_related(None).order_by("id").values_list("id", flat=True)
        return list(ids)[::limit]

    part = f"starts:{limit}:" + _list_part(request)
    return caching.town_value(count_scope, part, starts)


def _by_id(qs) -> bool:
    return tuple(qs.query.order_by) == ("id",)


def _position(request) -> tuple[int | None, int | None]:
    """(page, after): ``after=<id>`` (from a ``next`` link) or ``page=<n>`` (default 1)."""
    raw_after = request.GET.get("after")
    if raw_after is not None:
        if not raw_after.isdigit() or len(raw_after) > 18:
            raise BadFilter("after")
        return None, int(raw_after)
    raw_page = request.GET.get("page", "1")
    if not raw_page.isdigit() or int(raw_page) < 1 or len(raw_page) > 9:
        raise BadFilter("page")
    return int(raw_page), None


def _key(row) -> int:
    return row.sort_id if isinstance(row, Tombstone) else row.pk


def _rows_with_tombstones(qs, tombs, page: int | None, after: int | None, limit: int) -> list:
    """Live rows and tombstones merged by id (a tombstone keeps its object's place)."""
    offset = ((page or 1) - 1) * limit
    start = None if after is None else after + 1
    if after is None and offset:
        live_ids = qs.prefetch_related(None).order_by().values_list("id", flat=True)
        dead_ids = tombs.order_by().values_list("sort_id", flat=True)
        first = live_ids.union(dead_ids, all=True).order_by("id")[offset : offset + 1]
        start = next(iter(first), None)
        if start is None:
            return []
    if start is not None:
        qs, tombs = qs.filter(id__gte=start), tombs.filter(sort_id__gte=start)
    merged = list(qs[: limit + 1]) + list(tombs[: limit + 1])
    return sorted(merged, key=_key)[: limit + 1]


def _rows(qs, page: int | None, after: int | None, limit: int, tombs=None, starts=None) -> list:
    """The page's rows and one more (it tells whether a next page exists); lists ordered by id
    are read by keyset, never by an OFFSET over whole rows (``starts``: ``_page_starts``)."""
    offset = ((page or 1) - 1) * limit
    if tombs is not None and _by_id(qs):
        return _rows_with_tombstones(qs, tombs, page, after, limit)
    if not _by_id(qs):
        return list(qs[offset : offset + limit + 1])
    if after is not None:
        return list(qs.filter(id__gt=after)[: limit + 1])
    if offset == 0:
        return list(qs[: limit + 1])
    if starts is not None:
        index = (page or 1) - 1
        return [] if index >= len(starts) else list(qs.filter(id__gte=starts[index])[: limit + 1])
    # skip ahead over the id index only, then read the page's rows from their first id
    start = qs.order_by("id").values_list("id", flat=True)[offset : offset + 1]
    first = next(iter(start), None)
    return [] if first is None else list(qs.filter(id__gte=first)[: limit + 1])


def _tombstones(request, tombs, count_scope: int | None):
    """The filtered tombstones of the list, or None when there are none (no query per page
    then: their count is kept like the list's)."""
    if tombs is None:
        return None
    tombs = _filters(request, tombs)
    return tombs if _count(request, tombs, count_scope, part="deleted") else None


def paged(
    request,
    qs,
    render: Callable,
    *,
    stamped: bool = True,
    count_scope: int | None = None,
    tombs=None,
) -> JsonResponse:
    try:
        tombs = _tombstones(request, tombs, count_scope)
        qs = _filters(request, qs, stamped=stamped)
        limit = _limit(request)
        page, after = _position(request)
    except BadFilter as exc:
        return problem_response(
            400,
            "oparl_filter",
            f"Ungültiger Wert für den Parameter „{exc}“ (ISO 8601 mit Zeitzone bzw. 1–{MAX_LIMIT}).",
        )
    total = _count(request, qs, count_scope)
    if tombs is not None:
        total += _count(request, tombs, count_scope, part="deleted")
    pages = ceil(total / limit) if total else 1
    starts = None
    if tombs is None and page is not None and page > 1:
        starts = _page_starts(request, qs, count_scope, limit, total)
    rows = _rows(qs, page, after, limit, tombs, starts)
    more, rows = len(rows) > limit, rows[:limit]
    pagination = {"totalElements": total, "elementsPerPage": limit, "totalPages": pages}
    if page is not None:
        pagination["currentPage"] = page
    next_after = _key(rows[-1]) if more and _by_id(qs) else None
    return _json(
        {
            "data": [
                tombstone_obj(request, row) if isinstance(row, Tombstone) else render(request, row)
                for row in rows
            ],
            "pagination": pagination,
            "links": _page_links(request, page, pages, limit, next_after),
        }
    )


def _municipality(body_id) -> Municipality:
    try:
        return selectors.oparl_municipalities().get(pk=int(body_id))
    except (Municipality.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404 from exc


def _one(qs, pk):
    try:
        return qs.get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404 from exc


def _object(request, qs, pk, render: Callable, kind: str) -> JsonResponse:
    """One object, or its tombstone (``deleted: true``) once it has been deleted."""
    try:
        return _json(render(request, _one(qs, pk)))
    except Http404:
        return _json(tombstone_obj(request, selectors.oparl_tombstone(kind, pk)))


# --- views ----------------------------------------------------------------------------------


@require_GET
def system(request):
    return _json(system_obj(request))


@require_GET
def bodies(request):
    return paged(request, selectors.oparl_municipalities(), body_obj, stamped=False)


@require_GET
def body(request, oparl_body):
    return _json(body_obj(request, _municipality(oparl_body)))


def _body_list(kind: str):
    sources = {
        "organizations": (selectors.oparl_organizations, organization_obj),
        "memberships": (selectors.oparl_memberships, membership_obj),
        "meetings": (selectors.oparl_meetings, meeting_obj),
        "papers": (selectors.oparl_papers, paper_obj),
        "agenda_items": (selectors.oparl_agenda_items, agenda_item_obj),
        "consultations": (selectors.oparl_consultations, consultation_obj),
    }
    source, render = sources[kind]
    dead = {
        "organizations": Tombstone.Kind.ORGANIZATION,
        "memberships": Tombstone.Kind.MEMBERSHIP,
        "meetings": Tombstone.Kind.MEETING,
        "papers": Tombstone.Kind.PAPER,
        "agenda_items": Tombstone.Kind.AGENDA_ITEM,
        "consultations": Tombstone.Kind.CONSULTATION,
    }[kind]

    @require_GET
    def view(request, oparl_body):
        m = _municipality(oparl_body)
        tombs = selectors.oparl_tombstones(m.pk, dead)
        return paged(request, source(m.pk), render, count_scope=m.pk, tombs=tombs)

    view.__name__ = f"body_{kind}"
    return view


body_organizations = _body_list("organizations")
body_memberships = _body_list("memberships")
body_meetings = _body_list("meetings")
body_papers = _body_list("papers")
body_agenda_items = _body_list("agenda_items")
body_consultations = _body_list("consultations")


@require_GET
def body_persons(request, oparl_body):
    m = _municipality(oparl_body)

    def render(request, membership):
        return person_obj(request, selectors.oparl_person_memberships(person_key(membership)))

    tombs = selectors.oparl_tombstones(m.pk, Tombstone.Kind.PERSON)
    return paged(request, selectors.oparl_persons(m.pk), render, count_scope=m.pk, tombs=tombs)


@require_GET
def body_locations(request, oparl_body):
    m = _municipality(oparl_body)
    return paged(request, selectors.oparl_rooms(m.pk), location_obj, stamped=False)


@require_GET
def body_terms(request, oparl_body):
    m = _municipality(oparl_body)
    tombs = selectors.oparl_tombstones(m.pk, Tombstone.Kind.LEGISLATIVE_TERM)
    return paged(request, selectors.oparl_terms(m.pk), term_obj, count_scope=m.pk, tombs=tombs)


@require_GET
def body_files(request, oparl_body):
    m = _municipality(oparl_body)
    tombs = selectors.oparl_tombstones(m.pk, Tombstone.Kind.FILE)
    return paged(request, selectors.oparl_documents(m.pk), file_obj, count_scope=m.pk, tombs=tombs)


@require_GET
def organization(request, organization_id):
    qs, kind = selectors.oparl_organizations(), Tombstone.Kind.ORGANIZATION
    return _object(request, qs, organization_id, organization_obj, kind)


@require_GET
def organization_meetings(request, organization_id):
    org = _one(selectors.oparl_organizations(), organization_id)
    tombs = selectors.oparl_tombstones(org.municipality_id, Tombstone.Kind.MEETING)
    meetings = selectors.oparl_meetings().filter(body=org)
    return paged(request, meetings, meeting_obj, tombs=tombs.filter(organization_id=org.pk))


@require_GET
def person(request, person_id):
    try:
        return _json(person_obj(request, selectors.oparl_person_memberships(person_id)))
    except Http404:
        return _json(tombstone_obj(request, selectors.oparl_tombstone("Person", person_id)))


@require_GET
def membership(request, membership_id):
    return _object(
        request,
        selectors.oparl_memberships(),
        membership_id,
        membership_obj,
        Tombstone.Kind.MEMBERSHIP,
    )


@require_GET
def meeting(request, meeting_id):
    return _object(
        request, selectors.oparl_meetings(), meeting_id, meeting_obj, Tombstone.Kind.MEETING
    )


@require_GET
def agenda_item(request, item_id):
    return _object(
        request,
        selectors.oparl_agenda_items(),
        item_id,
        agenda_item_obj,
        Tombstone.Kind.AGENDA_ITEM,
    )


@require_GET
def paper(request, paper_id):
    return _object(request, selectors.oparl_papers(), paper_id, paper_obj, Tombstone.Kind.PAPER)


@require_GET
def consultation(request, consultation_id):
    return _object(
        request,
        selectors.oparl_consultations(),
        consultation_id,
        consultation_obj,
        Tombstone.Kind.CONSULTATION,
    )


@require_GET
def location(request, location_id):
    return _json(location_obj(request, _one(selectors.oparl_rooms(), location_id)))


@require_GET
def term(request, term_id):
    qs, kind = selectors.oparl_terms(), Tombstone.Kind.LEGISLATIVE_TERM
    return _object(request, qs, term_id, term_obj, kind)


@require_GET
def file(request, file_id):
    return _object(request, selectors.oparl_documents(), file_id, file_obj, Tombstone.Kind.FILE)
