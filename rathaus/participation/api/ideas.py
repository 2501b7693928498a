"""Processes, ideas and comments: public reads, citizen writes with the personal token
(header ``X-Participation-Token``), staff moderation and "you said, we did" (problem+json)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from rathaus.core import links
from rathaus.core.api.auth import staff_auth
from rathaus.core.problems import DomainError, NotFound
from rathaus.participation import caching, conf, protection, rules
from rathaus.participation.api.common import (
    ProblemOut,
    Short,
    Text,
    public_process_or_404,
    require_perm,
    token_participant,
)
from rathaus.participation.models import Comment, Idea, Module, Process
from rathaus.participation.selectors import audience as audience_selectors
from rathaus.participation.selectors import posts as post_selectors
from rathaus.participation.selectors import processes as process_selectors
from rathaus.participation.selectors.reports import participation_report
from rathaus.participation.services import accountability, moderation, participants, posts
from rathaus.participation.views.common import client_ip, small_page_number

router = Router()


class PhaseOut(Schema):
    kind: str
    label: str
    starts_on: str
    ends_on: str
    ideas: bool
    comments: bool
    support: bool
    poll: bool
    questions: bool


class ModuleOut(Schema):
    """Who may use a module open today: its own audience, else the phase's or process's."""

    module: str
    label: str
    audience: str
    who: str
    own: bool  # the module has its own audience


class ProcessOut(Schema):
    id: int
    municipality: str
    title: str
    kind: str
    summary: str
    districts: list[str]
    audience: str
    modules: list[ModuleOut]
    current_phase: str | None
    phases: list[PhaseOut]
    url: str


class AuthorOut(Schema):
    pseudonym: str | None
    district: str | None
    expert_role: str | None
    expert_affiliation: str | None
    official: bool


class IdeaOut(Schema):
    id: int
    reference: str
    title: str
    body: str
    district: str | None
    status: str
    status_label: str
    status_reason: str
    project: str
    supports: int
    comments: int
    author: AuthorOut
    created_at: str


class IdeaPage(Schema):
    count: int
    page: int
    pages: int
    items: list[IdeaOut]


class CommentOut(Schema):
    id: int
    parent_id: int | None
    body: str | None  # None when hidden by the moderation
    hidden: bool
    author: AuthorOut | None
    created_at: str


class IdeaDetail(IdeaOut):
    comment_list: list[CommentOut]


class JoinIn(Schema):
    pseudonym: Short
    consent: bool = False
    street: Short = ""
    house_number: Annotated[str, Field(max_length=20)] = ""
    code: Annotated[str, Field(max_length=60)] = ""
    email: Annotated[str, Field(max_length=254)] = ""
    altcha: Annotated[str, Field(max_length=5000)] = ""


class JoinOut(Schema):
    participant_id: int
    token: str
    personal_url: str
    district: str | None
    group: str | None


class IdeaIn(Schema):
    title: Short
    body: Text
    district_id: int | None = None
    # a place on the map (WGS 84); it must lie in a district, which then follows from it
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None


class CommentIn(Schema):
    body: Text
    parent_id: int | None = None


class HideIn(Schema):
    reason: Text


class StatusIn(Schema):
    status: Annotated[str, Field(max_length=20)]
    reason: Text = ""
    project: Short = ""


class ReportRow(Schema):
    label: str
    participants: int
    ideas: int
    comments: int
    concerned: bool
    invited: int


class ReportOut(Schema):
    participants: int
    ideas: int
    comments: int
    by_district: list[ReportRow]
    by_group: list[ReportRow]
    not_reached: list[str]


def _author(post) -> dict:
    p = post.participant
    expert = p.expert if p else None
    return {
        "pseudonym": p.pseudonym if p else None,
        "district": p.district.name if p and p.district else None,
        "expert_role": expert.role if expert else None,
        "expert_affiliation": expert.affiliation if expert else None,
        "official": post.is_official,
    }


def _process_out(process: Process) -> dict:
    state = process_selectors.phase_state(process, timezone.localdate())
    return {
        "id": process.pk,
        "municipality": process.municipality.name,
        "title": process.title,
        "kind": process.kind,
        "summary": process.summary,
        "districts": [d.name for d in process.districts.all()],
        "audience": state.audience,
        "modules": [
            {
                "module": r.module,
                "label": str(Module(r.module).label),
                "audience": r.audience,
                "who": r.label,
                "own": r.own,
            }
            for r in audience_selectors.open_rules(process, state)
        ],
        "current_phase": state.phase.kind if state.phase else None,
        "phases": [
            {
                "kind": p.kind,
                "label": str(p.get_kind_display()),
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(),
                "ideas": p.allows_ideas,
                "comments": p.allows_comments,
                "support": p.allows_support,
                "poll": p.allows_poll,
                "questions": p.allows_questions,
            }
            for p in process.phases.all()
        ],
        "url": f"{links.site_url()}/beteiligung/{process.pk}/",
    }


def _idea_out(idea: Idea) -> dict:
    return {
        "id": idea.pk,
        "reference": idea.reference,
        "title": idea.title,
        "body": idea.body,
        "district": idea.district.name if idea.district else None,
        "status": idea.status,
        "status_label": str(idea.get_status_display()),
        "status_reason": idea.status_reason,
        "project": idea.project,
        "supports": idea.support_count,
        "comments": idea.comment_count,
        "author": _author(idea),
        "created_at": idea.created_at.isoformat(),
    }


def _comment_out(c: Comment) -> dict:
    hidden = c.visibility == "hidden"
    return {
        "id": c.pk,
        "parent_id": c.parent_id,
        "body": None if hidden else c.body,
        "hidden": hidden,
        "author": None if hidden else _author(c),
        "created_at": c.created_at.isoformat(),
    }


def _public_idea(idea_id) -> Idea:
    idea = post_selectors.public_idea(idea_id)
    if idea is None:
        raise NotFound("not_found", _("Diese Idee wurde nicht gefunden."))
    return idea


# --- public -----------------------------------------------------------------------------------


@router.get("/processes", response=list[ProcessOut], summary="Published processes")
def process_list(request: HttpRequest, municipality: str = ""):
    return [
        _process_out(p)
        for p in process_selectors.public_processes(municipality_slug=municipality or None)
    ]


@router.get("/processes/{process_id}", response=ProcessOut, summary="One published process")
def process_get(request: HttpRequest, process_id: int):
    return _process_out(public_process_or_404(process_id))


@router.get(
    "/processes/{process_id}/ideas", response=IdeaPage, summary="Published ideas (paginated)"
)
def idea_list(request: HttpRequest, process_id: int, page: int = 1, status: str = ""):
    status = status if status in Idea.Status.values else ""
    language = translation.get_language() or "de"
    part = f"api-ideas-json-{page}-{status}-{language}"
    cacheable = small_page_number(page) is not None
    if cacheable:
        # hot path without any database query: the JSON text of the current version
        hot = caching.existing(process_id, part)
        if hot is not None:
            return HttpResponse(hot, content_type="application/json")
    process = public_process_or_404(process_id)

    def render() -> dict:
        result = post_selectors.public_ideas_page(process, page, status=status)
        return {
            "count": result.paginator.count,
            "page": result.number,
            "pages": result.paginator.num_pages,
            "items": [_idea_out(i) for i in result.object_list],
        }

    if not cacheable:
        return render()
    text = caching.get_or_render(process.pk, part, lambda: IdeaPage(**render()).model_dump_json())
    return HttpResponse(text, content_type="application/json")


@router.get("/ideas/{idea_id}", response=IdeaDetail, summary="An idea with its comments")
def idea_get(request: HttpRequest, idea_id: int, page: int = 1):
    idea = _public_idea(idea_id)
    comments = []
    for c in post_selectors.public_comments_page(idea, page).object_list:
        comments.append(_comment_out(c))
        comments.extend(_comment_out(r) for r in c.visible_replies)
    return {**_idea_out(idea), "comment_list": comments}


@router.get("/altcha", summary="ALTCHA challenge for joining a process")
def altcha(request: HttpRequest):
    return protection.create_challenge()


@router.post(
    "/processes/{process_id}/participants",
    response={201: JoinOut, 403: ProblemOut},
    summary="Join a process (audience check, ALTCHA); returns the personal token once",
)
def join(request: HttpRequest, process_id: int, payload: JoinIn):
    process = public_process_or_404(process_id)
    protection.limit(client_ip(request), scope="join", per_hour=conf.join_limit_per_hour())
    protection.verify(payload.altcha)
    participant, token = participants.participant_join(
        process=process,
        pseudonym=payload.pseudonym,
        consent=payload.consent,
        street=payload.street,
        house_number=payload.house_number,
        code=payload.code,
        email=payload.email,
    )
    return Status(
        201,
        {
            "participant_id": participant.pk,
            "token": token,
            "personal_url": f"{links.site_url()}/beteiligung/mein-link/{token}/",
            "district": participant.district.name if participant.district else None,
            "group": participant.group.name if participant.group else None,
        },
    )


def _place(payload: IdeaIn) -> tuple[float, float] | None:
    if (payload.longitude is None) != (payload.latitude is None):
        raise DomainError(
            "place_invalid",
            _("Für einen Ort auf der Karte braucht es Längen- und Breitengrad."),
            errors=[{"field": "longitude"}, {"field": "latitude"}],
        )
    if payload.longitude is None or payload.latitude is None:
        return None
    return payload.longitude, payload.latitude


@router.post(
    "/processes/{process_id}/ideas",
    response={201: IdeaOut, 403: ProblemOut},
    summary="Post an idea (header X-Participation-Token)",
)
def idea_create(request: HttpRequest, process_id: int, payload: IdeaIn):
    process = public_process_or_404(process_id)
    participant = token_participant(request, process)
    protection.limit(client_ip(request), scope="post", per_hour=conf.post_limit_per_hour())
    district = next(
        (d for d in process_selectors.districts_of(process) if d.pk == payload.district_id), None
    )
    if payload.district_id and district is None:
        raise DomainError("district_invalid", _("Unbekannter Stadtteil."))
    idea = posts.idea_create(
        process=process,
        participant=participant,
        title=payload.title,
        body=payload.body,
        district=district,
        place=_place(payload),
    )
    return Status(201, _idea_out(idea))


@router.post(
    "/ideas/{idea_id}/comments",
    response={201: CommentOut, 403: ProblemOut},
    summary="Comment on an idea (header X-Participation-Token)",
)
def comment_create(request: HttpRequest, idea_id: int, payload: CommentIn):
    idea = post_selectors.idea_to_comment_on(idea_id)
    if idea is None:
        raise NotFound("not_found", _("Diese Idee wurde nicht gefunden."))
    participant = token_participant(request, idea.process)
    protection.limit(client_ip(request), scope="post", per_hour=conf.post_limit_per_hour())
    parent = post_selectors.comment_of(idea, payload.parent_id) if payload.parent_id else None
    if payload.parent_id and parent is None:
        raise DomainError("parent_invalid", _("Der Kommentar, auf den Sie antworten, fehlt."))
    comment = posts.comment_create(
        idea=idea, participant=participant, body=payload.body, parent=parent
    )
    return Status(201, _comment_out(comment))


# --- staff ------------------------------------------------------------------------------------


@router.get(
    "/staff/processes/{process_id}/report",
    response=ReportOut,
    auth=staff_auth,
    summary="Participation report by district and group",
)
def report(request: HttpRequest, process_id: int):
    require_perm(request, rules.PERM_VIEW)
    process = process_selectors.process_for_staff(request.user, process_id)
    rep = participation_report(process)

    def rows(items):
        return [dict(r.__dict__) for r in items]

    return {
        "participants": rep.participants,
        "ideas": rep.ideas,
        "comments": rep.comments,
        "by_district": rows(rep.by_district),
        "by_group": rows(rep.by_group),
        "not_reached": rep.not_reached,
    }


@router.post(
    "/staff/ideas/{idea_id}/hide", response=IdeaOut, auth=staff_auth, summary="Hide an idea"
)
def idea_hide(request: HttpRequest, idea_id: int, payload: HideIn):
    require_perm(request, rules.PERM_MODERATE)
    idea = post_selectors.staff_idea(request.user, idea_id)
    return _idea_out(moderation.post_hide(actor=request.user, post=idea, reason=payload.reason))


@router.post(
    "/staff/comments/{comment_id}/hide",
    response=CommentOut,
    auth=staff_auth,
    summary="Hide a comment with a reason the author sees",
)
def comment_hide(request: HttpRequest, comment_id: int, payload: HideIn):
    require_perm(request, rules.PERM_MODERATE)
    comment = post_selectors.staff_comment(request.user, comment_id)
    moderation.post_hide(actor=request.user, post=comment, reason=payload.reason)
    return _comment_out(comment)


@router.post(
    "/staff/comments/{comment_id}/publish",
    response=CommentOut,
    auth=staff_auth,
    summary="Approve or restore a comment",
)
def comment_publish(request: HttpRequest, comment_id: int):
    require_perm(request, rules.PERM_MODERATE)
    comment = post_selectors.staff_comment(request.user, comment_id)
    moderation.post_publish(actor=request.user, post=comment)
    return _comment_out(comment)


@router.post(
    "/staff/ideas/{idea_id}/status",
    response=IdeaOut,
    auth=staff_auth,
    summary='Set an idea\'s status ("you said, we did")',
)
def idea_status(request: HttpRequest, idea_id: int, payload: StatusIn):
    require_perm(request, rules.PERM_DECIDE)
    idea = post_selectors.staff_idea(request.user, idea_id)
    return _idea_out(
        accountability.idea_set_status(
            actor=request.user,
            idea=idea,
            status=payload.status,
            reason=payload.reason,
            project=payload.project,
        )
    )
