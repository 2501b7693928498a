"""Writes of a period's planning rules: shift types, coverage, shift teams (cohorts), team
days and per-person exceptions. Refused while a solver job for the period runs: the job
computes with the rules it read at its start.

`kind` is one of `RULE_KINDS`; `data` holds the model's fields (a cohort's `members` too), as
the rule forms' `cleaned_data` give them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core import audit
from rathaus.core.problems import Conflict, DomainError, NotFound
from rathaus.presence.models import (
    Cohort,
    CoverageRequirement,
    EmployeeRule,
    PlanningPeriod,
    ShiftType,
    TeamDay,
)
from rathaus.presence.services.periods import period_lock, refuse_while_solving

RULE_MODELS: dict[str, type[models.Model]] = {
    "shift": ShiftType,
    "coverage": CoverageRequirement,
    "cohort": Cohort,
    "teamday": TeamDay,
    "override": EmployeeRule,
}
RULE_KINDS = tuple(RULE_MODELS)
# The audit trail is German, like every other summary in it.
AUDIT_NAME = {
    "shift": gettext_lazy("Schichtart"),
    "coverage": gettext_lazy("Besetzungsvorgabe"),
    "cohort": gettext_lazy("Schichtteam"),
    "teamday": gettext_lazy("Teamtag"),
    "override": gettext_lazy("Ausnahme je Person"),
}


def _model(kind: str) -> type[models.Model]:
    if kind not in RULE_MODELS:
        raise DomainError("rule_kind", _("Diese Art von Regel gibt es nicht."))
    return RULE_MODELS[kind]


def _locked_unless_solving(period: PlanningPeriod) -> PlanningPeriod:
    """The period's row, locked so that no job starts meanwhile; refused while one runs."""
    locked = period_lock(period)
    refuse_while_solving(
        locked,
        _(
            "Während der Plan berechnet wird, können die Regeln nicht geändert werden. "
            "Bitte nach dem Ende der Berechnung erneut speichern."
        ),
    )
    return locked


def _validated(rule: models.Model) -> None:
    """The model's own field checks; German messages as DomainError (422) with the fields."""
    try:
        rule.full_clean()
    except ValidationError as exc:
        errors = [
            {"field": None if field == "__all__" else field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
        raise DomainError("rule_invalid", errors[0]["message"], status=422, errors=errors) from exc


def _save(rule: models.Model, data: dict) -> None:
    members = data.pop("members", None)
    for key, value in data.items():
        setattr(rule, key, value)
    _validated(rule)
    rule.save()
    if members is not None:
        rule.members.set(members)


@transaction.atomic
def rule_create(*, actor, period: PlanningPeriod, kind: str, data: dict) -> models.Model:
    """A new rule of the period. A person has one exception per period: a second one for
    the same person replaces the first."""
    model = _model(kind)
    period = _locked_unless_solving(period)
    if kind == "override":
        existing = EmployeeRule.objects.filter(period=period, employee=data["employee"]).first()
        if existing is not None:
            return _update(actor, kind, existing, data)
    rule = model(municipality_id=period.municipality_id, period=period)
    _save(rule, dict(data))
    audit.record(
        actor=actor,
        instance=rule,
        action="create",
        after=audit.snapshot(rule),
        summary=_("%(name)s angelegt") % {"name": AUDIT_NAME[kind]},
    )
    return rule


@transaction.atomic
def rule_update(*, actor, period: PlanningPeriod, kind: str, pk: int, data: dict) -> models.Model:
    model = _model(kind)
    period = _locked_unless_solving(period)
    rule = model.objects.filter(period=period, pk=pk).first()
    if rule is None:
        raise NotFound("not_found", _("Diese Regel gibt es nicht (mehr)."))
    return _update(actor, kind, rule, data)


def _update(actor, kind: str, rule: models.Model, data: dict) -> models.Model:
    before = audit.snapshot(rule)
    _save(rule, dict(data))
    audit.record(
        actor=actor,
        instance=rule,
        action="update",
        before=before,
        after=audit.snapshot(rule),
        summary=_("%(name)s geändert") % {"name": AUDIT_NAME[kind]},
    )
    return rule


@transaction.atomic
def rule_delete(*, actor, period: PlanningPeriod, kind: str, pk: int) -> bool:
    """Deletes a rule of the period; False when there is none with this id (already gone).
    A shift type the computed plan uses stays until the plan is computed without it."""
    model = _model(kind)
    period = _locked_unless_solving(period)
    rule = model.objects.filter(period=period, pk=pk).first()
    if rule is None:
        return False
    audit.record(
        actor=actor,
        instance=rule,
        action="delete",
        before=audit.snapshot(rule),
        summary=_("%(name)s gelöscht") % {"name": AUDIT_NAME[kind]},
    )
    try:
        rule.delete()
    except ProtectedError as exc:
        raise Conflict(
            "rule_in_plan",
            _(
                "Diese Schichtart ist im berechneten Plan eingeplant und kann erst "
                "gelöscht werden, wenn der Plan ohne sie neu berechnet wurde."
            ),
        ) from exc
    return True
