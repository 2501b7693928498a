"""Deleting bodies, members, meetings, agenda items, papers, consultations, documents and
legislative terms; tombstones for objects that stop being public.

OParl 1.1 keeps a deleted object under its id with ``deleted: true`` and the moment of its
deletion as ``modified``, so that a harvester that asks for ``modified_since`` learns of it.
Every deletion in the app and the admin goes through ``delete_objects``: it collects what the
deletion takes with it (Django's cascade), keeps a tombstone for each of those rows that OParl
showed (public ones only — nothing of a crisis staff ever appears), then deletes.

An object that stops being public (an agenda item or paper made non-public, a body — and with
it its meetings — taken out of the council information system) has left OParl just as much
for a client that synced it: every change that can do that runs inside ``hiding``, which keeps
a tombstone for each row OParl showed before the change and not after it. When such a row
becomes public again its tombstone goes and the row is marked modified, so that a harvester
following ``modified_since`` fetches it anew.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import router, transaction
from django.db.models.deletion import Collector

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.meetings import caching, selectors
from rathaus.meetings.models import Body, Membership, Tombstone


def _doomed(collector: Collector) -> dict:
    """model → ids of every row the deletion takes with it (collected and fast-deleted)."""
    ids: dict = defaultdict(set)
    for model, instances in collector.data.items():
        ids[model].update(obj.pk for obj in instances)
    for qs in collector.fast_deletes:
        ids[qs.model].update(qs.values_list("pk", flat=True))
    return ids


def _body_id(obj) -> int | None:
    return obj.pk if isinstance(obj, Body) else getattr(obj, "body_id", None)


def _stone(kind: str, row: dict, now: datetime) -> Tombstone:
    return Tombstone(
        municipality_id=row["municipality_id"],
        kind=kind,
        object_key=row["key"],
        sort_id=row["sort_id"],
        organization_id=row.get("organization_id"),
        order=row.get("order"),
        created=row["created"],
        modified=now,
    )


@transaction.atomic
def delete_objects(*, actor, objects: list, now: datetime | None = None) -> int:
    """Delete ``objects`` (and what cascades from them); returns the number of tombstones."""
    now = now_or(now)
    objects = [o for o in objects if o.pk is not None]
    if not objects:
        return 0
    done = [(o._meta.label, str(o.pk), o.municipality_id, str(o)) for o in objects]
    bodies = {(_body_id(o), o.municipality_id) for o in objects}
    collector = Collector(using=router.db_for_write(type(objects[0])))
    groups = defaultdict(list)
    for obj in objects:
        groups[type(obj)].append(obj)
    for group in groups.values():
        collector.collect(group)  # one model per call
    doomed = _doomed(collector)
    stones = []
    for model, ids in doomed.items():
        kind, rows = selectors.oparl_visible_rows(model, ids)
        stones += [_stone(kind, row, now) for row in rows]
    people = selectors.oparl_person_rows(doomed.get(Membership, ()))
    collector.delete()
    stones += [
        _stone(Tombstone.Kind.PERSON, row, now)
        for row in people
        if not selectors.oparl_person_exists(row["key"])
    ]
    Tombstone.objects.bulk_create(stones, ignore_conflicts=True)
    # in one order, so that two deletions never wait on each other's stored feeds
    for body_id, town in sorted(bodies, key=lambda pair: pair[0] or 0):
        caching.bump_town(town)
        if body_id:
            caching.bump(body_id, town)
    for label, pk, town, name in done:
        audit.record(
            actor=actor,
            action="delete",
            municipality_id=town,
            object_type=label,
            object_id=pk,
            summary=f"gelöscht: {name}",
        )
    return len(stones)


def _visible(candidates: dict) -> dict:
    """model → (OParl type, key → tombstone row) of the candidates OParl shows now."""
    out = {}
    for model, ids in candidates.items():
        kind, rows = selectors.oparl_visible_rows(model, ids)
        if kind:
            out[model] = (kind, {row["key"]: row for row in rows})
    return out


@contextmanager
def hiding(objects: list, *, now: datetime | None = None) -> Iterator[None]:
    """Around a change that can take ``objects`` (and what hangs on them) out of OParl or bring
    them back: tombstones for what vanished, none for what is back (marked modified)."""
    now = now_or(now)
    with transaction.atomic():
        candidates: dict = defaultdict(set)
        for obj in objects:
            for model, ids in selectors.oparl_dependents(obj).items():
                candidates[model].update(ids)
        before = _visible(candidates)
        people = selectors.oparl_person_rows(candidates.get(Membership, ()))
        yield
        after = _visible(candidates)
        stones = []
        for model, (kind, rows) in before.items():
            still = after.get(model, (kind, {}))[1]
            stones += [_stone(kind, row, now) for key, row in rows.items() if key not in still]
        for model, (kind, rows) in after.items():
            back = Tombstone.objects.filter(kind=kind, object_key__in=list(rows))
            if back.delete()[0]:
                model.objects.filter(pk__in=[row["sort_id"] for row in rows.values()]).update(
                    modified=now
                )
        stones += [
            _stone(Tombstone.Kind.PERSON, row, now)
            for row in people
            if not selectors.oparl_person_exists(row["key"])
        ]
        present = selectors.oparl_person_rows(candidates.get(Membership, ()))
        Tombstone.objects.filter(
            kind=Tombstone.Kind.PERSON, object_key__in=[row["key"] for row in present]
        ).delete()
        _keep(stones)
        for town in {o.municipality_id for o in objects}:
            caching.bump_town(town)
        pairs = {(_body_id(o), o.municipality_id) for o in objects}
        for body_id, town in sorted(pairs, key=lambda pair: pair[0] or 0):
            if body_id:
                caching.bump(body_id, town)


def _keep(stones: list[Tombstone]) -> None:
    """Writes tombstones; one that exists already takes the new moment."""
    if stones:
        Tombstone.objects.bulk_create(
            stones,
            update_conflicts=True,
            unique_fields=["kind", "object_key"],
            update_fields=["modified", "sort_id", "organization_id", "order"],
        )
