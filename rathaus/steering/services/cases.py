"""Steering cases: opened by deviations, discussed by departments, closed by a decision."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import OrgUnit
from rathaus.core.problems import Conflict, DomainError
from rathaus.steering import caching
from rathaus.steering.models import (
    BodyDecision,
    CaseComment,
    Indicator,
    IndicatorTarget,
    Milestone,
    MilestoneRevision,
    Project,
    SteeringCase,
)

Decision = SteeringCase.Decision


def case_open(
    *,
    kind: str,
    trigger: str,
    title: str,
    explanation: str,
    assigned_unit: OrgUnit,
    project: Project | None = None,
    indicator: Indicator | None = None,
    actor=None,
    now: datetime | None = None,
) -> tuple[SteeringCase, bool]:
    """Opens a case for a deviation unless one is already open for the same trigger."""
    now = now_or(now)
    existing = SteeringCase.objects.filter(
        municipality_id=assigned_unit.municipality_id, trigger=trigger, status="open"
    ).first()
    if existing is not None:
        if existing.explanation != explanation:
            existing.explanation = explanation
            existing.save(update_fields=["explanation"])
            caching.bump(existing.municipality_id)
        return existing, False
    try:
        with transaction.atomic():
            case = SteeringCase.objects.create(
                municipality_id=assigned_unit.municipality_id,
                kind=kind,
                trigger=trigger,
                title=title[:300],
                explanation=explanation,
                assigned_unit=assigned_unit,
                project=project,
                indicator=indicator,
                opened_at=now,
            )
    except IntegrityError:  # opened concurrently by another sweep
        return SteeringCase.objects.get(
            municipality_id=assigned_unit.municipality_id, trigger=trigger, status="open"
        ), False
    audit.record(actor=actor, instance=case, action="create", summary=f"Steuerungsfall: {title}")
    caching.bump(case.municipality_id)
    return case, True


def _clean_text(text: str, field: str, *, required: bool = True, limit: int = 5000) -> str:
    text = (text or "").strip()
    if required and not text:
        raise DomainError(
            "required",
            _("Bitte einen Text eingeben."),
            errors=[{"field": field, "message": _("Pflichtfeld.")}],
        )
    if len(text) > limit:
        raise DomainError(
            "too_long", _("Der Text ist zu lang (höchstens %(n)d Zeichen).") % {"n": limit}
        )
    return text


@transaction.atomic
def case_comment_add(
    *, actor, case: SteeringCase, text: str, now: datetime | None = None
) -> CaseComment:
    if case.status != SteeringCase.Status.OPEN:
        raise Conflict("case_closed", _("Der Steuerungsfall ist bereits entschieden."))
    employee = getattr(actor, "employee", None)
    comment = CaseComment.objects.create(
        municipality_id=case.municipality_id,
        case=case,
        author=actor,
        unit_id=employee.org_unit_id if employee else None,
        text=_clean_text(text, "text"),
        at=now_or(now),
    )
    audit.record(
        actor=actor, instance=comment, action="create", summary=f"Beitrag zu Fall {case.pk}"
    )
    caching.bump(case.municipality_id)
    return comment


def _apply_milestones(
    *, actor, case: SteeringCase, changes: dict[int, date], reason: str, now: datetime
) -> list[dict]:
    applied = []
    milestones = Milestone.objects.select_for_update().filter(
        municipality_id=case.municipality_id, pk__in=list(changes)
    )
    if case.project_id is not None:
        milestones = milestones.filter(project_id=case.project_id)
    found = {m.pk: m for m in milestones}
    for pk, new_due in changes.items():
        milestone = found.get(pk)
        if milestone is None:
            raise DomainError("milestone_unknown", _("Dieser Meilenstein gehört nicht zum Fall."))
        if new_due == milestone.due:
            continue
        MilestoneRevision.objects.create(
            municipality_id=case.municipality_id,
            milestone=milestone,
            case=case,
            old_due=milestone.due,
            new_due=new_due,
            reason=reason,
            at=now,
            by=actor,
        )
        before = audit.snapshot(milestone)
        milestone.due = new_due
        milestone.save(update_fields=["due"])
        audit.record(
            actor=actor,
            instance=milestone,
            action="update",
            before=before,
            after=audit.snapshot(milestone),
        )
        applied.append(
            {
                "kind": "milestone",
                "id": pk,
                "title": milestone.title,
                "from": str(before["due"]),
                "to": new_due.isoformat(),
            }
        )
    return applied


def _apply_targets(
    *,
    actor,
    case: SteeringCase,
    changes: dict[int, tuple[float | None, float | None, float | None]],
) -> list[dict]:
    applied = []
    if case.indicator_id is None:
        return applied
    for year, (target, lower, upper) in changes.items():
        row, _created = IndicatorTarget.objects.get_or_create(
            municipality_id=case.municipality_id, indicator_id=case.indicator_id, year=year
        )
        before = audit.snapshot(row)
        row.target, row.lower, row.upper = target, lower, upper
        row.save()
        audit.record(
            actor=actor, instance=row, action="update", before=before, after=audit.snapshot(row)
        )
        applied.append(
            {"kind": "target", "year": year, "target": target, "lower": lower, "upper": upper}
        )
    return applied


@transaction.atomic
def case_decide(
    *,
    actor,
    case: SteeringCase,
    decision: str,
    reason: str,
    milestone_changes: dict[int, date] | None = None,
    target_changes: dict[int, tuple[float | None, float | None, float | None]] | None = None,
    now: datetime | None = None,
) -> SteeringCase:
    """Closes a case with keep / adjust / stop; "adjust" needs at least one versioned change."""
    now = now_or(now)
    case = SteeringCase.objects.select_for_update().get(pk=case.pk)
    if case.status != SteeringCase.Status.OPEN:
        raise Conflict("case_closed", _("Der Steuerungsfall ist bereits entschieden."))
    if decision not in (Decision.KEEP, Decision.ADJUST, Decision.STOP):
        raise DomainError("decision_unknown", _("Bitte eine Entscheidung wählen."))
    reason = _clean_text(reason, "reason")
    changes: list[dict] = []
    if decision == Decision.ADJUST:
        changes += _apply_milestones(
            actor=actor, case=case, changes=milestone_changes or {}, reason=reason, now=now
        )
        changes += _apply_targets(actor=actor, case=case, changes=target_changes or {})
        if not changes:
            raise DomainError(
                "adjust_needs_change",
                _("„Anpassen“ braucht mindestens eine Änderung (Meilenstein oder Zielwert)."),
            )
    if decision == Decision.STOP and case.project_id is not None:
        project = Project.objects.select_for_update().get(pk=case.project_id)
        project.status = Project.Status.STOPPED
        project.save(update_fields=["status"])
        changes.append({"kind": "project_status", "to": "stopped"})
    before = audit.snapshot(case)
    case.status = SteeringCase.Status.DECIDED
    case.decision = decision
    case.decision_reason = reason
    case.decided_at = now
    case.decided_by = actor
    case.changes = changes
    case.save()
    audit.record(
        actor=actor,
        instance=case,
        action="update",
        before=before,
        after=audit.snapshot(case),
        summary=f"Entscheidung: {case.get_decision_display()}",
    )
    caching.bump(case.municipality_id)
    return case


def case_of_link(*, municipality_id: int, link: str) -> SteeringCase | None:
    """The case whose page a link points to (``/steuerung/faelle/7/``, as the case page passes
    it to the meetings app's proposal form), if it belongs to the municipality; else None.
    Only paths of this site count: an address of another host names no case here."""
    link = (link or "").strip()
    if not link.startswith("/") or link.startswith("//"):
        return None
    try:
        match = resolve(urlsplit(link).path)
    except Resolver404:
        return None
    if match.view_name != "steering:case_detail":
        return None
    return SteeringCase.objects.filter(
        municipality_id=municipality_id, pk=match.kwargs.get("pk")
    ).first()


@transaction.atomic
def case_body_decision_record(
    *,
    actor,
    municipality_id: int,
    link: str,
    source_ref: str,
    body: str,
    meeting_title: str,
    meeting_date: date,
    text: str,
    result: str = "",
    url: str = "",
    now: datetime | None = None,
) -> BodyDecision | None:
    """A council body decided on an agenda item proposed from a steering case: the decision is
    kept with the case and an open case closes as "Beschluss eines Gremiums" (its reason is the
    decision's text). A case decided before keeps its decision and gets the body's beside it.

    Called by the meetings app inside its own transaction when it records a decision
    (``rathaus.meetings.steering``); ``link`` is the item's source address, ``source_ref``
    names the meetings decision so that it is taken once. Returns None when the link names no
    case of the municipality (nothing is written) or the decision was taken before.
    """
    case = case_of_link(municipality_id=municipality_id, link=link)
    if case is None:
        return None
    if BodyDecision.objects.filter(municipality_id=municipality_id, source_ref=source_ref).exists():
        return None
    now = now_or(now)
    case = SteeringCase.objects.select_for_update().get(pk=case.pk)
    text = (text or "").strip()
    row = BodyDecision.objects.create(
        municipality_id=municipality_id,
        case=case,
        body=body[:200],
        meeting_title=meeting_title[:200],
        meeting_date=meeting_date,
        text=text,
        result=result[:200],
        url=url[:500],
        source_ref=source_ref[:100],
        recorded_at=now,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        instance=row,
        action="create",
        summary=f"Beschluss {body} zu Fall {case.pk}",
    )
    if case.status == SteeringCase.Status.OPEN:
        before = audit.snapshot(case)
        case.status = SteeringCase.Status.DECIDED
        case.decision = Decision.BODY
        # Stored text like every reason (German, as the body wrote it); pages show the
        # body's decision with translated labels from ``case.body_decisions``.
        case.decision_reason = f"{body}, {meeting_date:%d.%m.%Y}: {text}"
        case.decided_at = now
        case.decided_by = actor
        case.changes = []
        case.save()
        audit.record(
            actor=actor,
            instance=case,
            action="update",
            before=before,
            after=audit.snapshot(case),
            summary=f"Entscheidung: {case.get_decision_display()} ({body})",
        )
    caching.bump(municipality_id)
    return row
