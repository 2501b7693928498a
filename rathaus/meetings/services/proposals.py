"""Agenda items proposed from other modules (a steering case, a staff-pool request …).

The other module only links here with a title, a source label and the URL of its page; the
item lands in the chosen body's backlog with that reference, and the meetings office puts it
on an agenda like any backlog item.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.problems import DomainError
from rathaus.meetings.models import AgendaItem, Body
from rathaus.meetings.services.minutes import agenda_item_add
from rathaus.meetings.validation import one_line

_ABSOLUTE = URLValidator(schemes=["https", "http"])


def clean_source_url(url: str) -> str:
    """A path on this site (``/steuerung/faelle/7/``) or an http(s) address; nothing else
    (``javascript:`` and ``//host`` links never reach a page)."""
    url = one_line(url, field="source_url")
    if not url:
        return ""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    try:
        _ABSOLUTE(url)
    except ValidationError as exc:
        raise DomainError(
            "source_url",
            _("Bitte einen Pfad dieser Anwendung (/…) oder eine http(s)-Adresse angeben."),
            errors=[{"field": "source_url"}],
        ) from exc
    return url


@transaction.atomic
def agenda_item_propose(
    *,
    actor,
    body: Body,
    title: str,
    source_label: str = "",
    source_url: str = "",
    presenter: str = "",
) -> AgendaItem:
    """Puts a proposal into the body's backlog (Themenspeicher) with its source reference."""
    if not (title or "").strip():
        raise DomainError(
            "title_missing", _("Bitte einen Titel angeben."), errors=[{"field": "title"}]
        )
    label = one_line(source_label, field="source_label")
    url = clean_source_url(source_url)
    item = agenda_item_add(
        actor=actor,
        body=body,
        meeting=None,
        title=title,
        presenter=presenter,
        kind=AgendaItem.Kind.PROPOSED,
    )
    item.source_label = label
    item.source_url = url
    item.proposed_by = actor
    item.save(update_fields=["source_label", "source_url", "proposed_by", "modified"])
    audit.record(actor=actor, instance=item, action="action", summary=f"Vorschlag: {label}")
    return item
