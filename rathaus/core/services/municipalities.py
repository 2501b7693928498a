"""Creating a municipality in the region admin's region."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Municipality, User
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import is_region_admin


@transaction.atomic
def municipality_create(
    *, actor: User, name: str, slug: str, ags: str, federal_state: str
) -> Municipality:
    """A new municipality in the actor's own region (region admins only), audited."""
    if not is_region_admin(actor):
        raise DomainError(
            "forbidden", _("Nur die Administration der Region legt Kommunen an."), status=403
        )
    municipality = Municipality.objects.create(
        region_id=actor.region_id, name=name, slug=slug, ags=ags, federal_state=federal_state
    )
    audit.record(
        actor=actor,
        instance=municipality,
        action="create",
        after=audit.snapshot(municipality),
        municipality_id=municipality.pk,
        summary=municipality.name,
    )
    return municipality
