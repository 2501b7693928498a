"""Reads of the promise register."""

from __future__ import annotations

from dataclasses import dataclass

from rathaus.core.models import Region
from rathaus.standards.models import THRESHOLD_UNIT, Promise, PromiseMembership


@dataclass
class RegisterRow:
    promise: Promise
    members: int
    joined: bool  # the viewer's municipality has joined
    unit: str


def register(*, region: Region, user) -> list[RegisterRow]:
    promises = list(Promise.objects.filter(region=region).order_by("-active", "title"))
    memberships = PromiseMembership.objects.filter(promise__in=promises)
    counts: dict[int, int] = {}
    joined = set()
    for promise_id, municipality_id in memberships.values_list("promise_id", "municipality_id"):
        counts[promise_id] = counts.get(promise_id, 0) + 1
        if municipality_id == user.municipality_id:
            joined.add(promise_id)
    return [
        RegisterRow(p, counts.get(p.id, 0), p.id in joined, THRESHOLD_UNIT.get(p.metric, ""))
        for p in promises
    ]


def promise_in(*, region: Region, promise_id) -> Promise | None:
    try:
        return Promise.objects.filter(region=region, pk=int(promise_id)).first()
    except (TypeError, ValueError):
        return None
