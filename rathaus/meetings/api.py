"""JSON API under /api/v1/meetings/ (staff: session or bearer token; errors as problem+json).

Bodies, meetings with their agenda, the register of assignments, and two writes: saving an
item's minutes (optimistic version, 409 with the other text) and completing an assignment.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import AuthorizationError

from rathaus.core.api.auth import staff_auth
from rathaus.core.clock import now_or
from rathaus.meetings import selectors, video
from rathaus.meetings.rules import PERM_MINUTES, PERM_VIEW
from rathaus.meetings.services import minutes as services

router = Router(tags=["meetings"], auth=staff_auth)


class BodyOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    public: bool
    members: int


class ItemOut(Schema):
    id: int
    position: int
    title: str
    kind: str
    public: bool
    presenter: str
    discussion: str
    version: int


class MeetingOut(Schema):
    id: int
    body_id: int
    title: str
    start: datetime
    end: datetime
    mode: str
    cancelled: bool
    minutes_status: str
    join_url: str | None = Field(
        None, description="Only for invitees, and only from shortly before the start."
    )
    items: list[ItemOut] = []


class AssignmentOut(Schema):
    id: int
    body_id: int
    what: str
    assignee: str
    due: date
    status: str
    overdue: bool


class MinutesIn(Schema):
    text: str = Field(..., max_length=services.MAX_DISCUSSION)
    version: int


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise AuthorizationError


@router.get("/bodies", response=list[BodyOut], summary="Bodies the user may read")
def bodies(request: HttpRequest):
    _require(request, PERM_VIEW)
    return [
        BodyOut(
            id=b.pk,
            name=b.name,
            kind=b.kind,
            kind_label=str(b.get_kind_display()),
            public=b.public,
            members=b.n_members,
        )
        for b in selectors.bodies_for(request.user)
    ]


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="A meeting with its agenda")
def meeting(request: HttpRequest, meeting_id: int):
    _require(request, PERM_VIEW)
    m = selectors.meeting_get(request.user, meeting_id)
    seat = selectors.is_invitee(request.user, m)
    join_url = None
    if seat is not None and video.join_open(m, now_or()):
        join_url = request.build_absolute_uri(reverse("meetings:join", args=[m.pk]))
    return MeetingOut(
        id=m.pk,
        body_id=m.body_id,
        title=m.title,
        start=m.start,
        end=m.end,
        mode=m.mode,
        cancelled=m.cancelled,
        minutes_status=m.minutes_status,
        join_url=join_url,
        items=[
            ItemOut(
                id=i.pk,
                position=i.position,
                title=i.title,
                kind=i.kind,
                public=i.public,
                presenter=i.presenter,
                discussion=i.discussion,
                version=i.version,
            )
            for i in selectors.agenda_of(m)
        ],
    )


@router.get("/assignments", response=list[AssignmentOut], summary="Register of assignments")
def assignments(request: HttpRequest, state: str = "open", body_id: int | None = None):
    _require(request, PERM_VIEW)
    today = timezone.localdate()
    rows = selectors.assignments_for(request.user, body_id=body_id, state=state)[:1000]
    return [
        AssignmentOut(
            id=a.pk,
            body_id=a.body_id,
            what=a.what,
            assignee=a.assignee_label,
            due=a.due,
            status=a.status,
            overdue=a.status == "open" and a.due < today,
        )
        for a in rows
    ]


@router.put("/items/{item_id}/minutes", response=ItemOut, summary="Save an item's minutes")
def save_minutes(request: HttpRequest, item_id: int, payload: MinutesIn):
    """409 (problem+json) when someone saved since ``version``; the current text is then
    fetched with GET /meetings/{id} and merged."""
    _require(request, PERM_MINUTES)
    item = selectors.item_get(request.user, item_id)
    item = services.minutes_save(
        actor=request.user, item=item, text=payload.text, base_version=payload.version
    )
    return ItemOut(
        id=item.pk,
        position=item.position,
        title=item.title,
        kind=item.kind,
        public=item.public,
        presenter=item.presenter,
        discussion=item.discussion,
        version=item.version,
    )


@router.post("/assignments/{assignment_id}/done", response=AssignmentOut, summary="Complete")
def assignment_done(request: HttpRequest, assignment_id: int):
    _require(request, PERM_MINUTES)
    a = selectors.assignment_get(request.user, assignment_id)
    a = services.assignment_complete(actor=request.user, assignment=a)
    return AssignmentOut(
        id=a.pk,
        body_id=a.body_id,
        what=a.what,
        assignee=a.assignee_label,
        due=a.due,
        status=a.status,
        overdue=False,
    )
