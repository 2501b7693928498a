"""Keeps the rules a post is checked against fresh (``caching.posting_rules``): every save or
delete of a phase, a module's audience (and a change of its districts or groups) or a consent
text bumps its version at once — also when it is made in the admin. A deleted district or
group removes itself from module audiences without a signal of the link table, so it bumps
every process of its municipality."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from rathaus.participation import caching
from rathaus.participation.models import (
    ConsentText,
    District,
    InvitationGroup,
    ModuleAudience,
    Phase,
    Process,
)


def _process_rules_changed(sender, instance, **kwargs) -> None:
    caching.rules_changed(instance.process_id)


def _module_links_changed(sender, instance, action, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, ModuleAudience):
        caching.rules_changed(instance.process_id)
        return
    rows = ModuleAudience.objects.filter(pk__in=pk_set) if pk_set else None
    process_ids = {r.process_id for r in rows} if rows is not None else _all_of(instance)
    for process_id in process_ids:
        caching.rules_changed(process_id)


def _all_of(instance) -> set[int]:
    return set(
        Process.objects.filter(municipality_id=instance.municipality_id).values_list(
            "pk", flat=True
        )
    )


def _town_rules_changed(sender, instance, **kwargs) -> None:
    for process_id in _all_of(instance):
        caching.rules_changed(process_id)


def _consent_changed(sender, instance, **kwargs) -> None:
    caching.consent_changed(instance.municipality_id)


def connect() -> None:
    for model in (Phase, ModuleAudience):
        post_save.connect(_process_rules_changed, sender=model, dispatch_uid=f"rules-{model}")
        post_delete.connect(_process_rules_changed, sender=model, dispatch_uid=f"rules-d-{model}")
    for through in (ModuleAudience.districts.through, ModuleAudience.groups.through):
        m2m_changed.connect(_module_links_changed, sender=through, dispatch_uid=f"m2m-{through}")
    for model in (District, InvitationGroup):
        post_delete.connect(_town_rules_changed, sender=model, dispatch_uid=f"town-{model}")
    post_save.connect(_consent_changed, sender=ConsentText, dispatch_uid="consent-save")
    post_delete.connect(_consent_changed, sender=ConsentText, dispatch_uid="consent-delete")
