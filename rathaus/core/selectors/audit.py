"""The change log as people read it: filtered, described in words, scoped to the user.

``audit_entries_for`` filters the scoped entries; ``describe`` turns a page of entries into
rows with the person's name, the object's kind (verbose name) and its name (``str``), and each
field change as "field: old → new" with verbose field names and choice labels. Personal
fields stay redacted as the audit log stored them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.audit import REDACTED
from rathaus.core.models import AuditEntry, User
from rathaus.core.tenancy import scoped


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    object_type: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    person: str
    action: str
    kind: str
    name: str
    changes: list[str]
    municipality: str


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries_for(user, flt: AuditFilter | None = None) -> QuerySet[AuditEntry]:
    flt = flt or AuditFilter()
    qs = scoped(AuditEntry, user).select_related("actor", "actor__employee", "municipality")
    if flt.actor_id:
        qs = qs.filter(actor_id=flt.actor_id)
    if flt.object_type:
        qs = qs.filter(object_type=flt.object_type)
    if flt.date_from:
        qs = qs.filter(at__gte=_day_start(flt.date_from))
    if flt.date_to:
        qs = qs.filter(at__lt=_day_start(date.fromordinal(flt.date_to.toordinal() + 1)))
    return qs.order_by("-at", "-pk")


def audit_actors_for(user) -> QuerySet[User]:
    """The people who appear in the user's change log, for the filter."""
    ids = scoped(AuditEntry, user).exclude(actor=None).values("actor_id")
    return User.objects.filter(pk__in=ids).select_related("employee").order_by("username")


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def kind_label(label: str) -> str:
    """The verbose name of a model label (``elections.Result`` → "Ergebnis")."""
    model = _model(label)
    return str(model._meta.verbose_name) if model is not None else label


def audit_object_types_for(user) -> list[tuple[str, str]]:
    """(model label, readable kind) of the objects in the user's change log, by kind."""
    labels = scoped(AuditEntry, user).values_list("object_type", flat=True).distinct()
    choices = {label: kind_label(label) for label in labels if label}
    return sorted(choices.items(), key=lambda item: item[1].lower())


def _value_in_words(field: models.Field | None, value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _field(model: type[models.Model] | None, attname: str) -> models.Field | None:
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    try:
        return model._meta.get_field(attname)
    except FieldDoesNotExist:
        return None


def changes_in_words(label: str, changes: dict) -> list[str]:
    """Each field change as "Feld: alt → neu" (personal fields: "Feld geändert")."""
    model = _model(label)
    lines = []
    for attname, change in (changes or {}).items():
        field = _field(model, attname)
        name = str(field.verbose_name) if field is not None else attname
        if change == REDACTED or not isinstance(change, list) or len(change) != 2:
            lines.append(_("%(field)s geändert") % {"field": name})
            continue
        old, new = (_value_in_words(field, v) for v in change)
        lines.append(f"{name}: {old} → {new}")
    return lines


def _object_names(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """``str`` of every object still there, fetched once per model."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        wanted[entry.object_type].add(entry.object_id)
    names = {}
    for label, ids in wanted.items():
        model = _model(label)
        if model is None:
            continue
        try:
            found = model._default_manager.in_bulk([i for i in ids if i])
        except (ValueError, TypeError, ValidationError):
            continue
        names.update({(label, str(pk)): str(obj) for pk, obj in found.items()})
    return names


def describe(entries) -> list[AuditRow]:
    entries = list(entries)
    names = _object_names(entries)
    rows = []
    for entry in entries:
        name = names.get((entry.object_type, entry.object_id))
        if name is None:
            name = entry.summary or _("Nr. %(id)s (nicht mehr vorhanden)") % {"id": entry.object_id}
        elif entry.summary:
            name = f"{name} – {entry.summary}"
        rows.append(
            AuditRow(
                at=entry.at,
                person=entry.actor.display_name if entry.actor else _("System"),
                action=entry.get_action_display(),
                kind=kind_label(entry.object_type),
                name=name,
                changes=changes_in_words(entry.object_type, entry.changes),
                municipality=entry.municipality.name if entry.municipality else "",
            )
        )
    return rows
