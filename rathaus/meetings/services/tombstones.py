"""Deleting bodies, members, meetings, agenda items, papers, consultations and documents.

OParl 1.1 keeps a deleted object under its id with ``deleted: true`` and the moment of its
deletion as ``modified``, so that a harvester that asks for ``modified_since`` learns of it.
Every deletion in the app and the admin goes through ``delete_objects``: it collects what the
deletion takes with it (Django's cascade), keeps a tombstone for each of those rows that OParl
showed (public ones only — nothing of a crisis staff ever appears), then deletes.
"""

from __future__ import annotations

from collections import defaultdict
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
    for body_id, town in bodies:
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
