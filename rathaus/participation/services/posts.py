"""Citizens' and officials' posts: ideas, threaded comments, support, flags.

Pre-moderated processes keep new posts pending until a moderator publishes them.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.engines.districtmap.geo import locate
from rathaus.participation import caching
from rathaus.participation.models import (
    Comment,
    District,
    Flag,
    Idea,
    Module,
    Participant,
    Process,
    Support,
    Visibility,
)
from rathaus.participation.services.common import admitted_state
from rathaus.participation.services.notifications import notify_author
from rathaus.participation.text import multi_line, one_line

MAX_BODY = 5000
MAX_DEPTH_NOTE = "replies to replies are attached to the top-level comment"


def _initial_visibility(process: Process, official: bool) -> str:
    if official or process.moderation == Process.Moderation.POST:
        return Visibility.PUBLISHED
    return Visibility.PENDING


def _is_official(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


@transaction.atomic
def idea_create(
    *,
    process: Process,
    participant: Participant | None,
    title: str,
    body: str,
    district: District | None = None,
    place: tuple[float, float] | None = None,
    actor=None,
    now: datetime | None = None,
) -> Idea:
    """A new idea by a participant (or an official statement when ``actor`` is staff).
    ``place`` (longitude, latitude) puts it on the map; the district then follows from it."""
    now = now_or(now)
    official = _is_official(actor)
    if not official:
        admitted_state(process, participant, now, "ideas", Module.IDEAS)
    title = one_line(title, field="title", label=_("Titel"), max_length=160)
    body = multi_line(body, field="body", label=_("Ihre Idee"), max_length=MAX_BODY)
    if district is not None and district.municipality_id != process.municipality_id:
        raise DomainError("district_invalid", _("Unbekannter Stadtteil."))
    if place is not None:
        district = _district_at(process, place)
    # numbers are per process; the lock on the process row serialises concurrent ideas
    Process.objects.select_for_update().filter(pk=process.pk).first()
    number = (Idea.objects.filter(process=process).aggregate(m=Max("number"))["m"] or 0) + 1
    idea = Idea.objects.create(
        municipality_id=process.municipality_id,
        process=process,
        number=number,
        participant=None if official else participant,
        staff_author=actor if official else None,
        title=title,
        body=body,
        district=district or (participant.district if participant else None),
        longitude=place[0] if place else None,
        latitude=place[1] if place else None,
        visibility=_initial_visibility(process, official),
        created_at=now,
    )
    caching.bump(process.pk)
    audit.record(actor=actor, instance=idea, action="create", summary=idea.reference)
    return idea


def _district_at(process: Process, place: tuple[float, float]) -> District:
    """The district whose outline holds the place; a German message if none does."""
    outlines = {
        d.code: d
        for d in District.objects.filter(
            municipality_id=process.municipality_id, geometry__isnull=False
        )
    }
    try:
        lon, lat = float(place[0]), float(place[1])
        code = locate(lon, lat, {c: d.geometry for c, d in outlines.items()})
    except (TypeError, ValueError, IndexError) as exc:
        raise DomainError("place_invalid", _("Der Ort auf der Karte ist ungültig.")) from exc
    if code is None:
        raise DomainError(
            "place_outside",
            _("Dieser Ort liegt in keinem Stadtteil. Bitte wählen Sie einen Ort in der Karte."),
            errors=[{"field": "place", "message": _("außerhalb der Stadtteile")}],
        )
    return outlines[code]


@transaction.atomic
def comment_create(
    *,
    idea: Idea,
    participant: Participant | None,
    body: str,
    parent: Comment | None = None,
    actor=None,
    now: datetime | None = None,
) -> Comment:
    now = now_or(now)
    official = _is_official(actor)
    process = idea.process
    if not official:
        admitted_state(process, participant, now, "comments", Module.COMMENTS)
    if idea.visibility != Visibility.PUBLISHED:
        raise DomainError("not_found", _("Diese Idee wurde nicht gefunden."), status=404)
    body = multi_line(body, field="body", label=_("Kommentar"), max_length=MAX_BODY)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise DomainError("parent_invalid", _("Die Antwort gehört zu einer anderen Idee."))
        # one level of threading: a reply to a reply joins the same thread
        parent = parent.parent or parent
    comment = Comment.objects.create(
        municipality_id=process.municipality_id,
        idea=idea,
        parent=parent,
        participant=None if official else participant,
        staff_author=actor if official else None,
        body=body,
        visibility=_initial_visibility(process, official),
        created_at=now,
    )
    caching.bump(process.pk)
    audit.record(actor=actor, instance=comment, action="create", summary=idea.reference)
    if comment.visibility == Visibility.PUBLISHED:
        # last statement before the commit: the idea's row stays locked as briefly as
        # possible, because every comment on the same idea queues behind this lock
        Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    if official:
        notify_author(idea, "statement")
    return comment


@transaction.atomic
def idea_support(
    *, idea: Idea, participant: Participant | None, now: datetime | None = None
) -> bool:
    """Support an idea once; returns False if this participant already supports it."""
    now = now_or(now)
    admitted_state(idea.process, participant, now, "support", Module.SUPPORT)
    if idea.visibility != Visibility.PUBLISHED:
        raise DomainError("not_found", _("Diese Idee wurde nicht gefunden."), status=404)
    try:
        with transaction.atomic():
            Support.objects.create(
                municipality_id=idea.municipality_id, idea=idea, participant=participant
            )
    except IntegrityError:
        return False
    Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    caching.bump(idea.process_id)
    return True


@transaction.atomic
def post_flag(
    *,
    idea: Idea | None = None,
    comment: Comment | None = None,
    reason: str,
    now: datetime | None = None,
) -> Flag:
    """Anyone may report a visible post; it goes into the moderation queue."""
    now = now_or(now)
    target = idea or comment
    if target is None or target.visibility != Visibility.PUBLISHED:
        raise DomainError("not_found", _("Dieser Beitrag wurde nicht gefunden."), status=404)
    reason = one_line(reason, field="reason", label=_("Grund der Meldung"), max_length=300)
    flag = Flag.objects.create(
        municipality_id=target.municipality_id,
        idea=idea,
        comment=comment,
        reason=reason,
        created_at=now,
    )
    type(target).objects.filter(pk=target.pk).update(
        flag_count=F("flag_count") + 1, moderated_at=None
    )
    return flag
