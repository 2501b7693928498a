"""Writes to the promise register: define, change (new definition version), join."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Municipality, Region
from rathaus.core.problems import Conflict, DomainError
from rathaus.standards import caching, tasks
from rathaus.standards.models import Promise, PromiseMembership, RegionSettings

# Changing one of these changes what is measured: the definition gets a new version.
DEFINING = ("leika_key", "metric", "threshold", "target_percent", "min_cases", "definition")


@transaction.atomic
def promise_create(*, actor, region: Region, data: dict) -> Promise:
    if Promise.objects.filter(region=region, code=data["code"]).exists():
        raise Conflict("code_taken", _("Diese Kennung ist in der Region schon vergeben."))
    promise = Promise(region=region, created_by=actor, version=1, **data)
    promise.full_clean()
    promise.save()
    caching.bump(region.id)
    audit.record(actor=actor, instance=promise, action="create", after=audit.snapshot(promise))
    return promise


@transaction.atomic
def promise_update(*, actor, promise: Promise, data: dict) -> Promise:
    promise = Promise.objects.select_for_update().get(pk=promise.pk)
    before = audit.snapshot(promise)
    if data.get("code", promise.code) != promise.code:
        raise DomainError(
            "code_fixed", _("Die Kennung bleibt gleich (sie steht in den offenen Daten).")
        )
    changed = any(k in data and data[k] != getattr(promise, k) for k in DEFINING)
    for key, value in data.items():
        setattr(promise, key, value)
    if changed:
        promise.version += 1
    promise.full_clean()
    promise.save()
    caching.bump(promise.region_id)
    audit.record(
        actor=actor, instance=promise, action="update", before=before, after=audit.snapshot(promise)
    )
    return promise


@transaction.atomic
def membership_create(
    *,
    actor,
    promise: Promise,
    municipality: Municipality,
    now: datetime | None = None,
    note: str = "",
) -> PromiseMembership:
    """The municipality joins the promise (recorded with who and when)."""
    now = now_or(now)
    if municipality.region_id != promise.region_id:
        raise DomainError(
            "other_region", _("Die Kommune gehört nicht zur Region des Versprechens.")
        )
    if PromiseMembership.objects.filter(promise=promise, municipality=municipality).exists():
        raise Conflict("already_joined", _("Die Kommune ist diesem Versprechen schon beigetreten."))
    joined_on: date = timezone.localtime(now).date()
    membership = PromiseMembership.objects.create(
        promise=promise,
        municipality=municipality,
        joined_on=joined_on,
        recorded_by=actor,
        note=note,
    )
    caching.bump(promise.region_id)
    audit.record(actor=actor, instance=membership, action="create", summary=promise.code)
    if promise.measured:
        # its history is measured from the appointments already there (services.backfill)
        transaction.on_commit(lambda: tasks.backfill_membership.delay(membership.pk))
    return membership


@transaction.atomic
def region_settings_update(*, actor, region: Region, named_comparison: bool) -> RegionSettings:
    """What the region agreed about naming municipalities in the comparison."""
    settings, _created = RegionSettings.objects.select_for_update().get_or_create(region=region)
    before = audit.snapshot(settings)
    settings.named_comparison = named_comparison
    settings.save()
    caching.bump(region.id)
    audit.record(
        actor=actor,
        instance=settings,
        action="update",
        before=before,
        after=audit.snapshot(settings),
    )
    return settings
