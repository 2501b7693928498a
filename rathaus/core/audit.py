"""Audit log: who changed people, rooms, plans and appointments, and what changed."""

from __future__ import annotations

from django.db import models

from rathaus.core.models import AuditEntry

# Field names whose values are personal data: recorded as "changed", never with their content.
PERSONAL_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "name",
    "citizen_name",
    "citizen_email",
}
REDACTED = "‹geändert›"


def _value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (int, float, bool, str)) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict:
    return {f.attname: _value(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def diff(before: dict | None, after: dict | None) -> dict:
    before, after = before or {}, after or {}
    changes = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            if key in PERSONAL_FIELDS:
                changes[key] = REDACTED
            else:
                changes[key] = [before.get(key), after.get(key)]
    return changes


def record(
    *,
    actor,
    instance: models.Model | None = None,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
    municipality_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    if instance is not None:
        object_type = object_type or instance._meta.label
        object_id = object_id or str(instance.pk)
        municipality_id = municipality_id or getattr(instance, "municipality_id", None)
    return AuditEntry.objects.create(
        municipality_id=municipality_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        changes=diff(before, after),
    )
