"""Open staff-pool requests that a body may want on its agenda, read through the staff pool's
own selectors (its regional scoping and its view permission decide what is shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.staffpool import selectors as staffpool_selectors

# The staff pool's permission to read requests (a string, so its rules module is not needed).
PERM_POOL_VIEW = "staffpool.view"


@dataclass(frozen=True)
class PoolRequest:
    title: str
    requester: str
    slots: int
    start: date
    status: str
    url: str

    @property
    def agenda_title(self) -> str:
        return _("Personalanfrage: %(title)s (%(requester)s, %(slots)s Personen ab %(start)s)") % {
            "title": self.title,
            "requester": self.requester,
            "slots": self.slots,
            "start": self.start.strftime("%d.%m.%Y"),
        }


def _pool_request(row) -> PoolRequest:
    return PoolRequest(
        title=row.title,
        requester=row.requester_label or row.municipality.name,
        slots=row.slots,
        start=row.start,
        status=row.get_status_display(),
        url=reverse("staffpool:request_detail", args=[row.pk]),
    )


def open_requests(user, *, limit: int = 20) -> list[PoolRequest]:
    """The region's open or partly covered requests the user may see in the staff pool."""
    if not user.has_perm(PERM_POOL_VIEW):
        return []
    rows = staffpool_selectors.requests_for(user, open_only=True)[:limit]
    return [_pool_request(row) for row in rows]


def request_for(user, pk: str) -> PoolRequest | None:
    """One request the user may see in the staff pool (the link on its page), else None."""
    if not user.has_perm(PERM_POOL_VIEW) or not str(pk).isdigit() or len(str(pk)) > 12:
        return None
    row = staffpool_selectors.request_get(user, int(pk))
    return _pool_request(row) if row is not None else None
