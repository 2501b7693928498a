"""The consent texts of a municipality in force (newest version per kind) and whether a
participant accepted them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from rathaus.participation.models import ConsentText, Participant


def current_texts(municipality_id: int, now: datetime | None = None) -> list[ConsentText]:
    """The newest published version of each kind, privacy notice first."""
    now = now or timezone.now()
    return in_force(
        ConsentText.objects.filter(municipality_id=municipality_id, published_at__lte=now), now
    )


def in_force(texts, now: datetime) -> list[ConsentText]:
    """Of ``texts`` (any versions of one municipality), the newest version of each kind
    published by ``now``, privacy notice first."""
    newest: dict[str, ConsentText] = {}
    for text in sorted(texts, key=lambda t: t.version, reverse=True):
        if text.published_at <= now:
            newest.setdefault(text.kind, text)
    order = list(ConsentText.Kind.values)
    return sorted(newest.values(), key=lambda t: order.index(t.kind))


def versions(texts: list[ConsentText]) -> dict[str, int]:
    return {t.kind: t.version for t in texts}


def outdated(
    participant: Participant, now: datetime | None = None, texts=None
) -> list[ConsentText]:
    """The texts in force that ``participant`` has not accepted in this version (``texts``:
    all versions of the municipality's texts when the caller has them, else they are read)."""
    accepted = participant.consents or {}
    now = now or timezone.now()
    in_force_now = (
        current_texts(participant.municipality_id, now) if texts is None else in_force(texts, now)
    )
    return [t for t in in_force_now if int(accepted.get(t.kind, 0) or 0) < t.version]


def public_text(municipality_id: int, kind: str) -> ConsentText | None:
    texts = [t for t in current_texts(municipality_id) if t.kind == kind]
    return texts[0] if texts else None
