"""Saving a municipality's legal pages."""

from __future__ import annotations

from django.db import transaction

from rathaus.core import audit
from rathaus.core.models import LegalTexts, Municipality, User


@transaction.atomic
def legal_texts_update(*, actor: User, municipality: Municipality, data: dict) -> LegalTexts:
    """Create or change the legal texts of ``municipality`` (checked by the caller), audited."""
    texts = LegalTexts.objects.select_for_update().filter(municipality=municipality).first()
    before = audit.snapshot(texts) if texts else None
    if texts is None:
        texts = LegalTexts(municipality=municipality)
    for field in ("imprint", "privacy", "accessibility", "feedback_email", "feedback_phone"):
        setattr(texts, field, data.get(field, "") or "")
    texts.save()
    audit.record(
        actor=actor,
        instance=texts,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(texts),
    )
    return texts
