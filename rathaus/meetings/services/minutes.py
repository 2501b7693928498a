"""Agenda, minutes, decisions and the register of assignments."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import Conflict, DomainError
from rathaus.meetings import caching, steering
from rathaus.meetings.models import AgendaItem, Assignment, Body, Decision, Meeting, Membership
from rathaus.meetings.services import tombstones
from rathaus.meetings.validation import one_line

MAX_DISCUSSION = 200_000


class MinutesConflict(Conflict):
    """Someone saved the item since this writer loaded it: their text comes back for merging."""

    def __init__(self, item: AgendaItem):
        super().__init__(
            "minutes_conflict",
            _(
                "Jemand anderes hat diesen Punkt inzwischen gespeichert. Bitte beide Fassungen "
                "zusammenführen und erneut speichern – Ihr Text ist nicht verloren."
            ),
        )
        self.item = item


def _require_editable(meeting: Meeting | None) -> None:
    if meeting is not None and not meeting.minutes_editable:
        raise DomainError(
            "minutes_closed",
            _("Das Protokoll ist genehmigt und kann nicht mehr geändert werden."),
            status=409,
        )


def _next_position(meeting: Meeting | None, body: Body) -> int:
    qs = (
        AgendaItem.objects.filter(meeting=meeting)
        if meeting
        else body.agenda_items.filter(meeting=None)
    )
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def agenda_item_add(
    *,
    actor,
    body: Body,
    meeting: Meeting | None,
    title: str,
    public: bool = False,
    presenter: str = "",
    kind: str = AgendaItem.Kind.REGULAR,
    source_assignment: Assignment | None = None,
    paper=None,
) -> AgendaItem:
    """An item on a meeting's agenda, or in the body's backlog when ``meeting`` is None."""
    _require_editable(meeting)
    item = AgendaItem.objects.create(
        municipality_id=body.municipality_id,
        body=body,
        meeting=meeting,
        position=_next_position(meeting, body),
        title=one_line(title, field="title"),
        public=public,
        presenter=one_line(presenter, field="presenter"),
        kind=kind,
        source_assignment=source_assignment,
        paper=paper,
    )
    caching.bump(body.pk, body.municipality_id)
    audit.record(actor=actor, instance=item, action="create", summary=f"TOP {item.title}")
    return item


@transaction.atomic
def agenda_item_update(
    *,
    actor,
    item: AgendaItem,
    title: str | None = None,
    presenter: str | None = None,
    public: bool | None = None,
) -> AgendaItem:
    """Changes an item's title, presenter or publicity; an item made non-public leaves OParl
    with a tombstone (it and its files), one made public again comes back."""
    _require_editable(item.meeting)
    if title is not None:
        item.title = one_line(title, field="title")
        if not item.title:
            raise DomainError(
                "title_missing", _("Bitte einen Titel angeben."), errors=[{"field": "title"}]
            )
    if presenter is not None:
        item.presenter = one_line(presenter, field="presenter")
    was_public = item.public
    with tombstones.hiding([item]):
        if public is not None:
            item.public = public
        item.save(update_fields=["title", "presenter", "public", "modified"])
    # the meeting and minutes pages and the public feed show the item (and its publicity)
    caching.bump(item.body_id, item.municipality_id)
    summary = f"TOP {item.title}"
    if item.public != was_public:
        summary += ": " + (
            _("öffentlich gemacht") if item.public else _("nicht öffentlich gemacht")
        )
    audit.record(actor=actor, instance=item, action="update", summary=summary)
    return item


@transaction.atomic
def agenda_item_schedule(*, actor, item: AgendaItem, meeting: Meeting) -> AgendaItem:
    """Moves a backlog item onto a meeting's agenda."""
    if item.body_id != meeting.body_id:
        raise DomainError("wrong_body", _("Der Punkt gehört zu einem anderen Gremium."))
    _require_editable(meeting)
    item.meeting = meeting
    item.position = _next_position(meeting, meeting.body)
    item.save(update_fields=["meeting", "position", "modified"])
    caching.bump(item.body_id, item.municipality_id)
    audit.record(actor=actor, instance=item, action="update", summary="TOP eingeplant")
    return item


@transaction.atomic
def minutes_save(
    *, actor, item: AgendaItem, text: str, base_version: int, now: datetime | None = None
) -> AgendaItem:
    """Saves an item's discussion only if nobody saved it since ``base_version`` (no lost text).

    One conditional UPDATE compares and writes at once, so two writers racing on PostgreSQL
    cannot both win; the loser gets ``MinutesConflict`` with the winner's text.
    """
    _require_editable(item.meeting)
    if len(text) > MAX_DISCUSSION:
        raise DomainError("too_long", _("Der Text ist zu lang."), errors=[{"field": "text"}])
    now = now_or(now)
    updated = AgendaItem.objects.filter(pk=item.pk, version=base_version).update(
        discussion=text, version=F("version") + 1, modified=now
    )
    item.refresh_from_db()
    if not updated:
        raise MinutesConflict(item)
    caching.bump(item.body_id, item.municipality_id)
    audit.record(actor=actor, instance=item, action="update", summary="Protokoll gespeichert")
    return item


@transaction.atomic
def decision_record(
    *,
    actor,
    item: AgendaItem,
    text: str,
    unanimous: bool = False,
    yes: int | None = None,
    no: int | None = None,
    abstain: int | None = None,
) -> Decision:
    _require_editable(item.meeting)
    if item.meeting is None:
        raise DomainError("no_meeting", _("Beschlüsse gibt es nur zu Punkten einer Sitzung."))
    if not text.strip():
        raise DomainError(
            "text_missing", _("Bitte den Beschlusstext angeben."), errors=[{"field": "text"}]
        )
    if unanimous and (no or abstain):
        raise DomainError(
            "unanimous_votes",
            _("Einstimmig heißt: keine Gegenstimmen und keine Enthaltungen."),
            errors=[{"field": "unanimous"}],
        )
    if not unanimous and yes is None:
        raise DomainError(
            "votes_missing",
            _("Bitte das Stimmergebnis angeben oder „einstimmig“ ankreuzen."),
            errors=[{"field": "yes"}],
        )
    decision = Decision.objects.create(
        municipality_id=item.municipality_id,
        item=item,
        text=text.strip(),
        unanimous=unanimous,
        yes=yes,
        no=no,
        abstain=abstain,
    )
    caching.bump(item.body_id, item.municipality_id)
    audit.record(actor=actor, instance=decision, action="create", summary="Beschluss")
    # An item proposed from a steering case: the case shows the decision and closes with it.
    steering.decision_recorded(actor=actor, item=item, decision=decision)
    return decision


@transaction.atomic
def assignment_create(
    *,
    actor,
    item: AgendaItem,
    what: str,
    due: date,
    assignee: Membership | None = None,
    assignee_text: str = "",
    decision: Decision | None = None,
    now: datetime | None = None,
) -> Assignment:
    _require_editable(item.meeting)
    if assignee is not None and assignee.body_id != item.body_id:
        raise DomainError("assignee_foreign", _("Die Person gehört nicht zu diesem Gremium."))
    if assignee is None and not assignee_text.strip():
        raise DomainError(
            "assignee_missing",
            _("Bitte angeben, wer zuständig ist."),
            errors=[{"field": "assignee"}],
        )
    assignment = Assignment.objects.create(
        municipality_id=item.municipality_id,
        body_id=item.body_id,
        item=item,
        decision=decision,
        what=one_line(what, field="what"),
        assignee=assignee,
        assignee_text=one_line(assignee_text, field="assignee_text"),
        due=due,
    )
    caching.bump(item.body_id, item.municipality_id)
    audit.record(
        actor=actor, instance=assignment, action="create", summary=f"Auftrag: {assignment.what}"
    )
    return assignment


@transaction.atomic
def assignment_complete(
    *, actor, assignment: Assignment, note: str = "", now: datetime | None = None
) -> Assignment:
    if assignment.status == Assignment.Status.DONE:
        return assignment
    assignment.status = Assignment.Status.DONE
    assignment.done_at = now_or(now)
    assignment.done_note = one_line(note, field="note")
    assignment.save(update_fields=["status", "done_at", "done_note", "modified"])
    caching.bump(assignment.body_id, assignment.municipality_id)
    audit.record(actor=actor, instance=assignment, action="update", summary="Auftrag erledigt")
    return assignment


@transaction.atomic
def minutes_circulate(*, actor, meeting: Meeting, now: datetime | None = None) -> Meeting:
    now = now_or(now)
    if meeting.minutes_status != Meeting.MinutesStatus.DRAFT:
        raise DomainError("minutes_state", _("Nur ein Entwurf kann zur Korrektur versandt werden."))
    if meeting.start > now:
        raise DomainError("not_started", _("Die Sitzung hat noch nicht begonnen."))
    meeting.minutes_status = Meeting.MinutesStatus.CIRCULATED
    meeting.save(update_fields=["minutes_status", "modified"])
    caching.bump(meeting.body_id, meeting.municipality_id)
    audit.record(
        actor=actor, instance=meeting, action="action", summary="Protokoll zur Korrektur versandt"
    )
    return meeting


@transaction.atomic
def minutes_approve(
    *, actor, meeting: Meeting, at_meeting: Meeting, now: datetime | None = None
) -> Meeting:
    """Approved in a later meeting of the same body, once that meeting has begun."""
    now = now_or(now)
    if meeting.minutes_status != Meeting.MinutesStatus.CIRCULATED:
        raise DomainError(
            "minutes_state", _("Genehmigt werden kann nur ein zur Korrektur versandtes Protokoll.")
        )
    if at_meeting.body_id != meeting.body_id or at_meeting.start <= meeting.start:
        raise DomainError(
            "approval_meeting",
            _("Das Protokoll wird in einer späteren Sitzung desselben Gremiums genehmigt."),
            errors=[{"field": "at_meeting"}],
        )
    if at_meeting.start > now or at_meeting.cancelled:
        raise DomainError(
            "approval_meeting",
            _("Die genehmigende Sitzung hat noch nicht begonnen."),
            errors=[{"field": "at_meeting"}],
        )
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.minutes_approved_at = at_meeting
    meeting.save(update_fields=["minutes_status", "minutes_approved_at", "modified"])
    caching.bump(meeting.body_id, meeting.municipality_id)
    audit.record(actor=actor, instance=meeting, action="action", summary="Protokoll genehmigt")
    return meeting


@transaction.atomic
def minutes_lock(*, actor, meeting: Meeting) -> Meeting:
    if meeting.minutes_status != Meeting.MinutesStatus.APPROVED:
        raise DomainError("minutes_state", _("Abgeschlossen wird nur ein genehmigtes Protokoll."))
    meeting.minutes_status = Meeting.MinutesStatus.LOCKED
    meeting.save(update_fields=["minutes_status", "modified"])
    caching.bump(meeting.body_id, meeting.municipality_id)
    audit.record(actor=actor, instance=meeting, action="action", summary="Protokoll abgeschlossen")
    return meeting
