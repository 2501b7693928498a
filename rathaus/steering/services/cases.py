"""Steering cases: opened by deviations, discussed by departments, closed by a decision."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import OrgUnit
from rathaus.core.problems import Conflict, DomainError
from rathaus.steering import caching
from rathaus.steering.models import (
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
    if decision not in Decision.values:
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
