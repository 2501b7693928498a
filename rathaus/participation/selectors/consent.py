"""The consent texts of a municipality in force (newest version per kind) and whether a
participant accepted them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from rathaus.participation.models import ConsentText, Participant


def current_texts(municipality_id: int, now: datetime | None = None) -> list[ConsentText]:
    """The newest published version of each kind, privacy notice first."""
    now = now or timezone.now()
    newest: dict[str, ConsentText] = {}
    for text in ConsentText.objects.filter(
        municipality_id=municipality_id, published_at__lte=now
    ).order_by("kind", "-version"):
        newest.setdefault(text.kind, text)
    order = list(ConsentText.Kind.values)
    return sorted(newest.values(), key=lambda t: order.index(t.kind))


def versions(texts: list[ConsentText]) -> dict[str, int]:
    return {t.kind: t.version for t in texts}


def outdated(participant: Participant, now: datetime | None = None) -> list[ConsentText]:
    """The texts in force that ``participant`` has not accepted in this version."""
    accepted = participant.consents or {}
    return [
        t
        for t in current_texts(participant.municipality_id, now)
        if int(accepted.get(t.kind, 0) or 0) < t.version
    ]


def public_text(municipality_id: int, kind: str) -> ConsentText | None:
    texts = [t for t in current_texts(municipality_id) if t.kind == kind]
    return texts[0] if texts else None
