"""Reads of the meetings app, scoped to the acting user (or to a personal token)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import CharField, Count, Func, Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.models import Municipality, Room
from rathaus.core.tenancy import get_scoped_or_404, scoped
from rathaus.meetings import ical
from rathaus.meetings.models import (
    AgendaItem,
    Assignment,
    Attendance,
    Body,
    Consultation,
    Document,
    LegislativeTerm,
    Meeting,
    Membership,
    Mode,
    Paper,
    RhythmProposal,
    Series,
    StoredFeed,
    Tombstone,
)
from rathaus.meetings.rules import PERM_SEE_ALL


def _member_body_ids(user) -> QuerySet:
    return Membership.objects.filter(employee__user=user).values("body_id")


def visible_bodies(user) -> QuerySet[Body]:
    """Bodies the user may read: all of the municipality for the meetings office, leadership and
    admins; otherwise public bodies and the bodies the user is a member of."""
    qs = scoped(Body, user)
    if not user.has_perm(PERM_SEE_ALL):
        qs = qs.filter(Q(public=True) | Q(id__in=_member_body_ids(user)))
    return qs


def bodies_for(user) -> QuerySet[Body]:
    """``visible_bodies`` with their member counts, for lists."""
    return (
        visible_bodies(user)
        .annotate(n_members=Count("memberships", distinct=True))
        .order_by("kind", "name")
    )


def body_get(user, body_id) -> Body:
    return get_scoped_or_404(visible_bodies(user).select_related("municipality"), user, pk=body_id)


def meeting_get(user, meeting_id) -> Meeting:
    qs = Meeting.objects.filter(body__in=visible_bodies(user)).select_related(
        "body__municipality", "room__location", "series", "minutes_approved_at"
    )
    return get_scoped_or_404(qs, user, pk=meeting_id)


def meeting_head(user, meeting_id) -> Meeting:
    """``meeting_get`` reduced to what names a cached page (its body's id and creation, the
    times, mode and cancellation): one narrow row, no joins beyond the body, same scoping."""
    qs = (
        Meeting.objects.filter(body__in=visible_bodies(user))
        .select_related("body")
        .only(
            "id",
            "municipality_id",
            "body_id",
            "start",
            "end",
            "mode",
            "cancelled",
            "minutes_status",
            "body__id",
            "body__created",
        )
    )
    return get_scoped_or_404(qs, user, pk=meeting_id)


def item_get(user, item_id) -> AgendaItem:
    qs = AgendaItem.objects.filter(body__in=visible_bodies(user)).select_related("meeting", "body")
    return get_scoped_or_404(qs, user, pk=item_id)


def assignment_get(user, assignment_id) -> Assignment:
    qs = Assignment.objects.filter(body__in=visible_bodies(user)).select_related("body")
    return get_scoped_or_404(qs, user, pk=assignment_id)


def membership_of(user, body_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(body_id=body_id, employee__user=user)
        .order_by("rank", "id")
        .first()
    )


def is_invitee(user, meeting: Meeting) -> Membership | None:
    """The user's seat in the meeting's body (members and deputies named for this meeting)."""
    membership = membership_of(user, meeting.body_id)
    if membership:
        return membership
    attendance = (
        Attendance.objects.filter(meeting=meeting, deputy__employee__user=user)
        .select_related("deputy")
        .first()
    )
    return attendance.deputy if attendance else None


def members_of(body: Body) -> QuerySet[Membership]:
    return body.memberships.select_related("employee").order_by("function", "rank", "id")


def meetings_of(body: Body, *, now: datetime, past: bool, limit: int = 20) -> list[Meeting]:
    qs = body.meetings.select_related("room__location").annotate(n_items=Count("items"))
    if past:
        return list(qs.filter(end__lte=now).order_by("-start")[:limit])
    return list(qs.filter(end__gt=now).order_by("start")[:limit])


def backlog_of(body: Body) -> QuerySet[AgendaItem]:
    return body.agenda_items.filter(meeting=None).select_related("proposed_by").order_by("position")


def agenda_of(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.items.prefetch_related(
        "decisions",
        "documents",
        Prefetch("assignments", queryset=Assignment.objects.select_related("assignee__employee")),
    ).select_related("source_assignment", "paper")


def attendance_for(meeting: Meeting, seat: Membership | None) -> Attendance | None:
    return meeting.attendances.filter(membership=seat).first() if seat else None


def attendance_of(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("membership__employee", "deputy__employee").order_by(
        "membership__function", "membership__rank", "membership_id"
    )


@dataclass(frozen=True)
class Quorum:
    """Voting seats, how many are filled, and who stands in for whom (seat id → deputy)."""

    present: int
    seats: int
    stand_ins: dict[int, Membership] = field(default_factory=dict)

    @property
    def quorate(self) -> bool:
        return self.present * 2 > self.seats


def _stand_in_by_function(seat: Membership, free: dict[int, Membership]) -> Membership | None:
    """The present deputy of the seat's function with the lowest rank (the function is staffed
    two or three deep: when the lead is away, the next in line takes the seat)."""
    if not seat.function:
        return None
    same = [m for m in free.values() if m.function == seat.function]
    return min(same, key=lambda m: (m.rank, m.pk), default=None)


def quorum(meeting: Meeting) -> Quorum:
    """More than half of the voting seats filled. An absent voting member's seat is filled by
    the deputy they (or the office) named if that deputy is present, otherwise by the next
    present deputy of the same function. A person fills one seat only: present voting members
    count for their own seat, and a deputy stands in for one member at most."""
    rows = list(meeting.attendances.select_related("membership", "deputy"))
    present_ids = {a.membership_id for a in rows if a.status == Attendance.Status.PRESENT}
    voting = [a for a in rows if a.membership.voting]
    voting_ids = {a.membership_id for a in voting}
    free = {
        a.membership_id: a.membership
        for a in rows
        if a.membership_id in present_ids and a.membership_id not in voting_ids
    }
    absent = [a for a in voting if a.membership_id not in present_ids]
    stand_ins: dict[int, Membership] = {}
    for a in absent:  # named deputies first, so the automatic order never takes them away
        if a.deputy_id in free:
            stand_ins[a.membership_id] = free.pop(a.deputy_id)
    for a in absent:
        if a.membership_id not in stand_ins:
            deputy = _stand_in_by_function(a.membership, free)
            if deputy is not None:
                stand_ins[a.membership_id] = free.pop(deputy.pk)
    filled = len(voting) - len(absent) + len(stand_ins)
    return Quorum(present=filled, seats=len(voting), stand_ins=stand_ins)


def attendance_with_quorum(meeting: Meeting) -> tuple[list[Attendance], Quorum]:
    """The attendance rows, each with ``stand_in`` (who fills the seat), and the quorum."""
    result = quorum(meeting)
    rows = list(attendance_of(meeting))
    for a in rows:
        a.stand_in = result.stand_ins.get(a.membership_id)  # type: ignore[attr-defined]
    return rows, result


def deputy_candidates(seat: Membership) -> list[Membership]:
    """Whom a member may name as their deputy: members of the same body without a voting seat
    of their own (a voting member already counts for their own seat), the same function's
    deputies first in rank order."""
    others = deputies_of(seat.body_id).exclude(pk=seat.pk)
    return sorted(others, key=lambda m: (m.function != seat.function, m.function, m.rank, m.pk))


def deputies_of(body_id: int) -> QuerySet[Membership]:
    """Members who may stand in for others: no voting seat of their own, not guests or the
    secretary (who keeps the minutes)."""
    return (
        Membership.objects.filter(body_id=body_id, voting=False)
        .exclude(role__in=[Membership.Role.GUEST, Membership.Role.SECRETARY])
        .select_related("employee")
        .order_by("function", "rank", "id")
    )


def later_meetings(meeting: Meeting, *, now: datetime) -> QuerySet[Meeting]:
    """Meetings of the same body in which these minutes may be approved (begun, not cancelled)."""
    return meeting.body.meetings.filter(
        start__gt=meeting.start, start__lte=now, cancelled=False
    ).order_by("start")


def assignments_for(user, *, body_id=None, state: str = "open", now: datetime | None = None):
    now = now_or(now)
    today = timezone.localdate(now)
    qs = Assignment.objects.filter(body__in=visible_bodies(user)).select_related(
        "body", "assignee__employee", "item__meeting"
    )
    if body_id:
        qs = qs.filter(body_id=body_id)
    if state == "open":
        qs = qs.filter(status=Assignment.Status.OPEN)
    elif state == "overdue":
        qs = qs.filter(status=Assignment.Status.OPEN, due__lt=today)
    elif state == "done":
        qs = qs.filter(status=Assignment.Status.DONE)
    return qs.order_by("status", "due", "id")


def upcoming_for_user(user, *, now: datetime, days: int = 14) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(
            body__in=visible_bodies(user), end__gt=now, start__lt=now + timedelta(days=days)
        )
        .select_related("body")
        .order_by("start")
    )


# --- personal links and feeds (no login) ---------------------------------------------------


def membership_by_token(token: str) -> Membership:
    try:
        return Membership.objects.select_related("body__municipality", "employee").get(token=token)
    except (Membership.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def personal_meetings(membership: Membership, *, now: datetime) -> QuerySet[Meeting]:
    """Meetings of every body in which the token's person sits, from a month back."""
    if membership.employee_id:
        bodies = Membership.objects.filter(employee_id=membership.employee_id).values("body_id")
    else:
        bodies = Membership.objects.filter(pk=membership.pk).values("body_id")
    return (
        Meeting.objects.filter(body_id__in=bodies, end__gt=now - timedelta(days=31))
        .select_related("body", "room__location")
        .prefetch_related("items")
        .order_by("start")
    )


def personal_meeting(membership: Membership, meeting_id) -> Meeting:
    try:
        return personal_meetings(membership, now=now_or() - timedelta(days=3650)).get(
            pk=int(meeting_id)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def seat_in(membership: Membership, body_id: int) -> Membership:
    """The token person's own membership in ``body_id`` (for the gate link and moderator flag)."""
    if membership.body_id == body_id or not membership.employee_id:
        return membership
    return (
        Membership.objects.filter(employee_id=membership.employee_id, body_id=body_id)
        .order_by("rank")
        .first()
        or membership
    )


def seats_of(membership: Membership) -> dict[int, Membership]:
    """The token person's own membership per body (the lowest rank where they sit twice)."""
    if not membership.employee_id:
        return {membership.body_id: membership}
    seats: dict[int, Membership] = {}
    rows = Membership.objects.filter(employee_id=membership.employee_id).order_by("-rank")
    for row in rows:
        seats[row.body_id] = row
    seats[membership.body_id] = membership
    return seats


def answers_of(meetings: list[Meeting], seats: dict[int, Membership]) -> dict[int, Attendance]:
    """The person's attendance per meeting, in one query."""
    rows = Attendance.objects.filter(
        meeting__in=[m.pk for m in meetings], membership__in=[s.pk for s in seats.values()]
    )
    return {a.meeting_id: a for a in rows}


class ICalUtc(Func):
    """A timestamp in UTC as iCalendar writes it (``20261203T070000Z``, whole seconds like
    ``ical.utc_text``), formatted by the database: a feed of a thousand meetings then parses
    no timestamps in Python."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps aware timestamps as UTC text; %% survives the driver's placeholders
        template = "strftime('%%%%Y%%%%m%%%%dT%%%%H%%%%M%%%%SZ', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra)


FEED_COLUMNS = (
    *("id", "title", "ical_start", "ical_end", "sequence", "cancelled", "ical_modified", "mode"),
    *("room__number", "room__location__name", "room__location__street"),
    *("room__location__postal_code", "room__location__city"),
)


def feed_entries(body: Body, *, now: datetime) -> list[ical.FeedEntry]:
    """A public body's feed: its meetings from 90 days back with their public items, as plain
    values — two narrow queries (meetings, public items; no minutes' text) and no model object
    per row, so a feed written with the cache emptied stays cheap for a thousand meetings."""
    rows = list(
        body.meetings.filter(start__gt=now - timedelta(days=90))
        .annotate(
            ical_start=ICalUtc("start"), ical_end=ICalUtc("end"), ical_modified=ICalUtc("modified")
        )
        .order_by("start")
        .values_list(*FEED_COLUMNS)
    )
    agendas: dict[int, list[str]] = {}
    items = (
        AgendaItem.objects.filter(public=True, meeting_id__in=[row[0] for row in rows])
        .order_by("position", "id")
        .values_list("meeting_id", "position", "title")
    )
    for meeting_id, position, title in items:
        agendas.setdefault(meeting_id, []).append(f"{position}. {title}")
    return [_feed_entry(body.name, row, agendas.get(row[0], ())) for row in rows]


def _feed_entry(body_name: str, row: tuple, agenda) -> ical.FeedEntry:
    pk, title, start, end, sequence, cancelled, modified, mode, *room = row
    number, name, street, postal_code, city = room
    return ical.FeedEntry(
        pk=pk,
        summary=ical.summary_of(body_name, title),
        start=start,
        end=end,
        sequence=sequence,
        cancelled=cancelled,
        modified=modified,
        location=ical.room_text(
            number=number, name=name, street=street, postal_code=postal_code, city=city
        )
        if number is not None
        else "",
        has_video=mode in (Mode.ONLINE, Mode.HYBRID),
        agenda=tuple(agenda),
    )


def series_get(user, series_id) -> Series:
    qs = Series.objects.filter(body__in=visible_bodies(user)).select_related("body__municipality")
    return get_scoped_or_404(qs, user, pk=series_id)


def rhythm_proposal_get(user, proposal_id) -> RhythmProposal:
    qs = RhythmProposal.objects.filter(series__body__in=visible_bodies(user)).select_related(
        "series__body"
    )
    return get_scoped_or_404(qs, user, pk=proposal_id)


def rhythm_proposals_of(series: Series) -> QuerySet[RhythmProposal]:
    return series.rhythm_proposals.select_related("decided_by").order_by("-created")[:20]


def open_rhythm_proposals(body: Body) -> QuerySet[RhythmProposal]:
    return RhythmProposal.objects.filter(series__body=body, status=RhythmProposal.Status.OPEN)


def stored_feed(body_id, language: str) -> StoredFeed | None:
    """A public body's stored feed (``services.feeds``): one read by the unique index, the
    body's ``public`` checked in the same query."""
    try:
        pk = int(body_id)
    except (ValueError, TypeError):
        return None
    if not 0 < pk < 2**63:
        return None
    return (
        StoredFeed.objects.filter(body_id=pk, body__public=True, language=language)
        .only("version", "rendered_version", "window", "content")
        .first()
    )


def public_body(body_id) -> Body:
    try:
        return Body.objects.select_related("municipality").get(pk=int(body_id), public=True)
    except (Body.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def papers_for(user) -> QuerySet[Paper]:
    return scoped(Paper, user).prefetch_related("consultations__meeting__body").order_by("-date")


def paper_get(user, paper_id) -> Paper:
    return get_scoped_or_404(papers_for(user), user, pk=paper_id)


def consultation_get(user, consultation_id) -> Consultation:
    qs = Consultation.objects.select_related("paper", "meeting__body")
    return get_scoped_or_404(qs, user, pk=consultation_id)


def paper_bodies(user) -> QuerySet[Body]:
    """Bodies of the user's municipality that may bring in or consult a paper."""
    return scoped(Body, user).order_by("name")


def consultation_meetings(user, paper: Paper, *, now: datetime) -> QuerySet[Meeting]:
    """Coming meetings of the paper's municipality (cancelled ones excluded), soonest first."""
    return (
        scoped(Meeting, user)
        .filter(
            municipality_id=paper.municipality_id,
            cancelled=False,
            start__gt=now,
            start__lt=now + timedelta(days=400),
        )
        .select_related("body")
        .order_by("start")
    )


def next_deadline(paper: Paper, today) -> Consultation | None:
    """The first consultation of the path whose deadline has not passed and has no result."""
    for c in paper.consultations.all():
        if not c.result and c.deadline >= today:
            return c
    return None


# --- public data for OParl (no login: public bodies, their meetings, public items and papers) ---


def oparl_municipalities() -> QuerySet:
    return Municipality.objects.order_by("id")


def oparl_organizations(municipality_id=None) -> QuerySet[Body]:
    qs = Body.objects.filter(public=True).select_related("parent").order_by("id")
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def oparl_memberships(municipality_id=None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(body__public=True).select_related("employee").order_by("id")
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def oparl_person_memberships(key: str) -> list[Membership]:
    """A person is an employee (``e12``) or an external member (``x34``) of public bodies."""
    kind, _, number = key.partition("-")
    if not number.isdigit() or kind not in ("e", "x"):
        raise Http404
    qs = oparl_memberships()
    qs = (
        qs.filter(employee_id=int(number))
        if kind == "e"
        else qs.filter(pk=int(number), employee=None)
    )
    rows = list(qs)
    if not rows:
        raise Http404
    return rows


def oparl_persons(municipality_id) -> QuerySet[Membership]:
    """One membership row per person (the first one), in a stable order."""
    qs = oparl_memberships(municipality_id)
    firsts = qs.order_by().values("employee_id").annotate(first=Min("id")).values("first")
    return qs.filter(Q(employee__isnull=True) | Q(id__in=firsts))


def oparl_meetings(municipality_id=None) -> QuerySet[Meeting]:
    qs = (
        Meeting.objects.filter(body__public=True)
        .select_related("body", "room__location")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.filter(public=True)
                .select_related("paper")
                .prefetch_related("decisions", "paper__consultations"),
                to_attr="public_items",
            )
        )
        .order_by("id")
    )
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def _public_body_ids(municipality_id=None) -> list[int]:
    return list(oparl_organizations(municipality_id).values_list("id", flat=True))


def oparl_agenda_items(municipality_id=None) -> QuerySet[AgendaItem]:
    # The item's own body equals its meeting's body; a short id list spares PostgreSQL a join
    # over every agenda item when it counts and pages 100,000 of them.
    qs = (
        AgendaItem.objects.filter(
            public=True, meeting__isnull=False, body_id__in=_public_body_ids(municipality_id)
        )
        .defer("discussion")  # the minutes' text is not part of an OParl AgendaItem
        .select_related("paper")
        .prefetch_related("decisions", "paper__consultations")
        .order_by("id")
    )
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def _paper_items() -> Prefetch:
    """Each consultation's meeting with its public paper items, so that a page of
    consultations needs no query per row to find its agenda item."""
    return Prefetch(
        "meeting__items",
        queryset=AgendaItem.objects.filter(public=True, paper__isnull=False).order_by("id"),
        to_attr="paper_items",
    )


def oparl_papers(municipality_id=None) -> QuerySet[Paper]:
    qs = (
        Paper.objects.filter(public=True)
        .select_related("author_body")
        .prefetch_related(
            Prefetch(
                "consultations",
                queryset=Consultation.objects.filter(meeting__body__public=True)
                .select_related("meeting")
                .prefetch_related(_paper_items()),
            )
        )
        .order_by("id")
    )
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def oparl_consultations(municipality_id=None) -> QuerySet[Consultation]:
    qs = (
        Consultation.objects.filter(paper__public=True, meeting__body__public=True)
        .select_related("meeting")
        .prefetch_related(_paper_items())
        .order_by("id")
    )
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def oparl_rooms(municipality_id=None) -> QuerySet[Room]:
    used = Meeting.objects.filter(body__public=True, room__isnull=False).values("room_id")
    qs = Room.objects.filter(id__in=used).select_related("location").order_by("id")
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def oparl_terms(municipality_id=None) -> QuerySet[LegislativeTerm]:
    qs = LegislativeTerm.objects.order_by("id")
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def oparl_consultation_item(c: Consultation) -> AgendaItem | None:
    """The public agenda item through which the consultation's paper is on its meeting."""
    items = getattr(c.meeting, "paper_items", None)
    if items is None:
        return c.meeting.items.filter(paper_id=c.paper_id, public=True).order_by("id").first()
    return next((i for i in items if i.paper_id == c.paper_id), None)


def oparl_item_consultation(item: AgendaItem) -> Consultation | None:
    """The consultation that put the item's paper on its meeting (from the prefetched path)."""
    if not item.paper_id:
        return None
    return next(
        (c for c in item.paper.consultations.all() if c.meeting_id == item.meeting_id), None
    )


def document_get(user, document_id) -> Document:
    qs = Document.objects.filter(item__body__in=visible_bodies(user))
    return get_scoped_or_404(qs, user, pk=document_id)


def oparl_documents(municipality_id=None) -> QuerySet[Document]:
    qs = (
        Document.objects.filter(item__public=True, item__meeting__body__public=True)
        .select_related("item")
        .order_by("id")
    )
    return qs.filter(municipality_id=municipality_id) if municipality_id else qs


def public_document(document_id) -> Document:
    try:
        return oparl_documents().get(pk=int(document_id))
    except (Document.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


# --- OParl tombstones (deleted objects) -----------------------------------------------------

# model name → (OParl type, the list of what OParl shows, extra tombstone fields)
_OPARL_VISIBLE = {
    "Body": (Tombstone.Kind.ORGANIZATION, oparl_organizations, {}),
    "Membership": (Tombstone.Kind.MEMBERSHIP, oparl_memberships, {}),
    "Meeting": (Tombstone.Kind.MEETING, oparl_meetings, {"organization_id": "body_id"}),
    "AgendaItem": (Tombstone.Kind.AGENDA_ITEM, oparl_agenda_items, {"order": "position"}),
    "Paper": (Tombstone.Kind.PAPER, oparl_papers, {}),
    "Consultation": (Tombstone.Kind.CONSULTATION, oparl_consultations, {}),
    "Document": (Tombstone.Kind.FILE, oparl_documents, {}),
    "LegislativeTerm": (Tombstone.Kind.LEGISLATIVE_TERM, oparl_terms, {}),
}


def oparl_visible_rows(model, ids) -> tuple[str | None, list[dict]]:
    """Of the rows ``ids`` of ``model``, those OParl shows now (before they are deleted): the
    OParl type and, per row, what its tombstone keeps."""
    kind, source, extra = _OPARL_VISIBLE.get(model.__name__, (None, None, {}))
    if source is None or not ids:
        return None, []
    fields = ["id", "created", "municipality_id", *extra.values()]
    rows = source().prefetch_related(None).select_related(None).filter(pk__in=list(ids))
    out = []
    for row in rows.values(*fields):
        out.append({"key": str(row["id"]), "sort_id": row["id"], **row})
        for name, column in extra.items():
            out[-1][name] = row[column]
    return kind, out


def oparl_dependents(obj) -> dict:
    """model → ids of ``obj`` and of the rows whose OParl visibility depends on it: a body's
    members, meetings, agenda items, files and consultations; a meeting's items, files and
    consultations; a paper's consultations; an agenda item's files."""
    pk = [obj.pk]
    if isinstance(obj, Body):
        return {
            Body: pk,
            Membership: Membership.objects.filter(body_id=obj.pk).values_list("id", flat=True),
            Meeting: Meeting.objects.filter(body_id=obj.pk).values_list("id", flat=True),
            AgendaItem: AgendaItem.objects.filter(body_id=obj.pk).values_list("id", flat=True),
            Document: Document.objects.filter(item__body_id=obj.pk).values_list("id", flat=True),
            Consultation: Consultation.objects.filter(meeting__body_id=obj.pk).values_list(
                "id", flat=True
            ),
        }
    if isinstance(obj, Meeting):
        return {
            Meeting: pk,
            AgendaItem: obj.items.values_list("id", flat=True),
            Document: Document.objects.filter(item__meeting_id=obj.pk).values_list("id", flat=True),
            Consultation: obj.consultations.values_list("id", flat=True),
        }
    if isinstance(obj, Paper):
        return {Paper: pk, Consultation: obj.consultations.values_list("id", flat=True)}
    if isinstance(obj, AgendaItem):
        return {AgendaItem: pk, Document: obj.documents.values_list("id", flat=True)}
    return {type(obj): pk}


def oparl_person_rows(membership_ids) -> list[dict]:
    """The OParl persons behind the memberships ``ids`` (key, first membership id, created)."""
    rows = oparl_memberships().filter(pk__in=list(membership_ids))
    people: dict[str, dict] = {}
    for m in rows.values("id", "employee_id", "created", "municipality_id"):
        key = f"e-{m['employee_id']}" if m["employee_id"] else f"x-{m['id']}"
        first = (
            oparl_memberships().filter(employee_id=m["employee_id"]) if m["employee_id"] else None
        )
        sort_id = first.aggregate(first=Min("id"))["first"] if first is not None else m["id"]
        people.setdefault(key, {**m, "key": key, "sort_id": sort_id})
    return list(people.values())


def oparl_person_exists(key: str) -> bool:
    try:
        return bool(oparl_person_memberships(key))
    except Http404:
        return False


def oparl_tombstones(municipality_id, kind: str) -> QuerySet[Tombstone]:
    return Tombstone.objects.filter(municipality_id=municipality_id, kind=kind).order_by("sort_id")


def oparl_tombstone(kind: str, key) -> Tombstone:
    try:
        return Tombstone.objects.get(kind=kind, object_key=str(key))
    except Tombstone.DoesNotExist as exc:
        raise Http404 from exc
