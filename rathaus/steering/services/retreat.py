"""Board retreat: goals collected on cards become action fields and goals in one step.

One line per goal: ``Handlungsfeld | Ziel | SDG-Nummern`` (the SDGs are optional, separated
by commas or spaces). All or nothing, errors with line numbers; existing action fields and
goals of the plan (same title) are reused, never duplicated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.problems import DomainError
from rathaus.steering import caching
from rathaus.steering.models import ActionField, Goal, StrategyPlan

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MAX_LINES = 500


@dataclass
class RetreatResult:
    fields_created: int = 0
    goals_created: int = 0
    goals_existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _parse(text: str) -> tuple[list[tuple[int, str, str, list[int]]], list[tuple[int, str]]]:
    rows, errors = [], []
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        return [], [(MAX_LINES + 1, _("Höchstens %(n)d Zeilen.") % {"n": MAX_LINES})]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if CONTROL.search(line):
            errors.append((number, _("Steuerzeichen sind nicht erlaubt.")))
        elif len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            errors.append((number, _("Erwartet: Handlungsfeld | Ziel | SDG-Nummern (optional).")))
        elif len(parts[0]) > 200 or len(parts[1]) > 300:
            errors.append((number, _("Titel zu lang.")))
        else:
            sdgs = re.split(r"[,\s]+", parts[2]) if len(parts) == 3 and parts[2] else []
            if not all(s.isdigit() and 1 <= int(s) <= 17 for s in sdgs):
                errors.append((number, _("SDG-Nummern von 1 bis 17, z. B. 8, 9.")))
            else:
                rows.append((number, parts[0], parts[1], sorted({int(s) for s in sdgs})))
    return rows, errors


@transaction.atomic
def retreat_goals_apply(*, actor, plan: StrategyPlan, text: str) -> RetreatResult:
    rows, errors = _parse(text)
    result = RetreatResult(errors=errors)
    if errors:
        return result
    if not rows:
        raise DomainError("empty", _("Bitte mindestens ein Ziel eingeben."))
    fields = {f.title.lower(): f for f in plan.fields.all()}
    position = len(fields)
    for _number, field_title, goal_title, sdgs in rows:
        action_field = fields.get(field_title.lower())
        if action_field is None:
            action_field = ActionField.objects.create(
                municipality_id=plan.municipality_id,
                plan=plan,
                title=field_title,
                position=position,
            )
            position += 1
            fields[field_title.lower()] = action_field
            result.fields_created += 1
            audit.record(actor=actor, instance=action_field, action="create")
        goal, created = Goal.objects.get_or_create(
            municipality_id=plan.municipality_id,
            action_field=action_field,
            title=goal_title,
            defaults={"sdgs": sdgs, "position": action_field.goals.count()},
        )
        if created:
            result.goals_created += 1
            audit.record(actor=actor, instance=goal, action="create")
        else:
            result.goals_existing += 1
    caching.bump(plan.municipality_id)
    return result
