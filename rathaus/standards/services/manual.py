"""Figures entered by hand, with four eyes: entered by one person, confirmed by a second
person of the same municipality before they count or are published.

A pending :class:`ManualEntry` is no :class:`DailyFigure`; only :func:`entry_confirm` writes
the figure. Every path that brings figures in by a person (the form, the API, a file
uploaded by a person) goes through :func:`entry_create`; the admin cannot add figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Location, Municipality
from rathaus.core.problems import Conflict, DomainError, NotFound
from rathaus.standards import caching, rules
from rathaus.standards.models import MEASURED, DailyFigure, ManualEntry, Promise, PromiseMembership


@dataclass(frozen=True)
class EntryData:
    promise: Promise
    municipality: Municipality
    location: Location | None
    day: date
    cases: int
    successes: int
    note: str = ""


def _field_errors(data: EntryData, today: date) -> list[dict]:
    errors = []

    def add(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if data.promise.metric in MEASURED:
        add("promise", _("Diese Kennzahl wird aus den Termindaten gemessen, nicht erfasst."))
    elif not PromiseMembership.objects.filter(
        promise=data.promise, municipality=data.municipality
    ).exists():
        add("promise", _("Die Kommune ist diesem Versprechen nicht beigetreten."))
    if data.location is not None and data.location.municipality_id != data.municipality.id:
        add("location", _("Dieser Standort gehört nicht zur Kommune."))
    if data.day > today:
        add("day", _("Das Datum liegt in der Zukunft."))
    if data.cases < 1:
        add("cases", _("Die Fallzahl muss mindestens 1 sein."))
    if data.successes > data.cases:
        add("successes", _("Es kann nicht mehr Treffer als Fälle geben."))
    return errors


def _pending_twin(data: EntryData) -> ManualEntry | None:
    return (
        ManualEntry.objects.filter(
            promise=data.promise,
            municipality=data.municipality,
            location=data.location,
            day=data.day,
            status=ManualEntry.Status.PENDING,
        )
        .select_for_update()
        .first()
    )


def _check(*, actor, data: EntryData, today: date) -> None:
    if data.municipality.id not in rules.entry_scope(actor, data.municipality.region):
        raise DomainError(
            "forbidden", _("Sie dürfen für diese Kommune keine Werte erfassen."), status=403
        )
    errors = _field_errors(data, today)
    if errors:
        raise DomainError(
            "invalid_entry", _("Bitte die markierten Angaben prüfen."), status=422, errors=errors
        )
    if _pending_twin(data) is not None:
        raise Conflict(
            "entry_pending",
            _("Für diesen Tag und Ort wartet schon ein Wert auf Bestätigung."),
            errors=[{"field": "day", "message": _("Für diesen Tag wartet schon ein Wert.")}],
        )


def _create(*, actor, data: EntryData, origin: str, now: datetime) -> ManualEntry:
    entry = ManualEntry.objects.create(
        municipality=data.municipality,
        promise=data.promise,
        location=data.location,
        day=data.day,
        cases=data.cases,
        successes=data.successes,
        definition_version=data.promise.version,
        note=data.note,
        origin=origin,
        entered_by=actor,
        entered_at=now,
    )
    audit.record(
        actor=actor,
        instance=entry,
        action="create",
        after=audit.snapshot(entry),
        summary=_("Wert erfasst (%(origin)s), wartet auf Bestätigung")
        % {"origin": entry.get_origin_display()},
    )
    return entry


@transaction.atomic
def entry_create(
    *,
    actor,
    data: EntryData,
    origin: str = ManualEntry.Origin.FORM,
    now: datetime | None = None,
) -> ManualEntry:
    """Records a figure entered by ``actor``; it waits for a second person's confirmation."""
    now = now_or(now)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise DomainError("forbidden", _("Werte erfasst nur eine angemeldete Person."), status=403)
    _check(actor=actor, data=data, today=timezone.localtime(now).date())
    return _create(actor=actor, data=data, origin=origin, now=now)


@transaction.atomic
def entries_create(
    *, actor, items: list[tuple[int, EntryData]], origin: str, now: datetime | None = None
) -> list[ManualEntry]:
    """Several entries at once (a file uploaded by a person, ``items`` as (line, data)): all
    or nothing, every refusal listed by line."""
    now = now_or(now)
    entries, problems = [], []
    for line, item in items:
        try:
            entries.append(entry_create(actor=actor, data=item, origin=origin, now=now))
        except DomainError as exc:
            messages = [e["message"] for e in exc.errors] or [exc.message]
            problems += [{"line": line, "message": m} for m in messages]
    if problems:
        raise DomainError(
            "import_refused",
            _("Die Datei wurde nicht übernommen: %(n)s Fehler.") % {"n": len(problems)},
            status=422,
            errors=problems,
        )
    return entries


def _locked(entry_id: int) -> ManualEntry:
    entry = (
        ManualEntry.objects.select_for_update()
        .select_related("promise", "municipality")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound("not_found", _("Diesen Wert gibt es nicht."))
    if entry.status != ManualEntry.Status.PENDING:
        raise Conflict("already_decided", _("Über diesen Wert ist schon entschieden."))
    return entry


def _write_figure(entry: ManualEntry, now: datetime) -> DailyFigure:
    """The confirmed figure replaces an earlier imported or hand-entered one of that day."""
    DailyFigure.objects.filter(
        promise=entry.promise,
        municipality=entry.municipality,
        location=entry.location,
        day=entry.day,
    ).exclude(source=DailyFigure.Source.MEASURED).delete()
    source = (
        DailyFigure.Source.IMPORTED
        if entry.origin == ManualEntry.Origin.IMPORT
        else DailyFigure.Source.MANUAL
    )
    return DailyFigure.objects.create(
        municipality=entry.municipality,
        promise=entry.promise,
        location=entry.location,
        day=entry.day,
        cases=entry.cases,
        successes=entry.successes,
        definition_version=entry.definition_version,
        source=source,
        computed_at=now,
    )


@transaction.atomic
def entry_confirm(*, actor, entry_id: int, now: datetime | None = None) -> ManualEntry:
    """A second person of the same municipality confirms: the figure counts from now on."""
    now = now_or(now)
    entry = _locked(entry_id)
    if actor is not None and actor.pk == entry.entered_by_id:
        raise DomainError(
            "four_eyes",
            _("Den eigenen Wert kann nur eine zweite Person bestätigen."),
            status=403,
        )
    if actor is None or not rules.may_confirm(actor, entry):
        raise DomainError(
            "forbidden",
            _("Bestätigen darf nur eine zweite berechtigte Person derselben Kommune."),
            status=403,
        )
    if entry.definition_version != entry.promise.version:
        raise Conflict(
            "definition_changed",
            _("Die Definition des Versprechens hat sich geändert; bitte neu erfassen."),
        )
    before = audit.snapshot(entry)
    entry.status = ManualEntry.Status.CONFIRMED
    entry.decided_by = actor
    entry.decided_at = now
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    _write_figure(entry, now)
    caching.bump(entry.promise.region_id)
    audit.record(
        actor=actor,
        instance=entry,
        action="update",
        before=before,
        after=audit.snapshot(entry),
        summary=_("Wert bestätigt (Vier-Augen-Prinzip)"),
    )
    return entry


@transaction.atomic
def entry_reject(*, actor, entry_id: int, now: datetime | None = None) -> ManualEntry:
    """The enterer withdraws the entry, or a person who may confirm it rejects it."""
    now = now_or(now)
    entry = _locked(entry_id)
    own = actor is not None and actor.pk == entry.entered_by_id
    if not own and (actor is None or not rules.may_confirm(actor, entry)):
        raise DomainError(
            "forbidden",
            _("Verwerfen dürfen nur die erfassende oder eine prüfende Person."),
            status=403,
        )
    before = audit.snapshot(entry)
    entry.status = ManualEntry.Status.REJECTED
    entry.decided_by = actor
    entry.decided_at = now
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        instance=entry,
        action="update",
        before=before,
        after=audit.snapshot(entry),
        summary=_("Wert zurückgezogen") if own else _("Wert verworfen (Vier-Augen-Prinzip)"),
    )
    return entry
