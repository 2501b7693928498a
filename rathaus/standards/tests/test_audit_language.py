"""The change log of hand-entered figures speaks the language of the person acting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from rathaus.core.models import AuditEntry
from rathaus.standards.services.manual import EntryData, entry_confirm, entry_create, entry_reject

pytestmark = pytest.mark.django_db


def _data(promise, town, day):
    return EntryData(promise, town, None, day, 200, 160, "ACD-Auswertung")


def _summaries(entry):
    trail = AuditEntry.objects.filter(object_type="standards.ManualEntry", object_id=str(entry.pk))
    return [a.summary for a in trail.order_by("pk")]


def test_the_change_log_of_an_entry_is_english_in_english(calls115, world, town, second, today):
    with translation.override("en"):
        entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
        entry_confirm(actor=second, entry_id=entry.pk)
        withdrawn = entry_create(
            actor=world["admin"], data=_data(calls115, town, today - timedelta(days=1))
        )
        entry_reject(actor=world["admin"], entry_id=withdrawn.pk)
    created, confirmed = _summaries(entry)
    assert created.startswith("Figure entered (") and created.endswith("awaiting confirmation")
    assert confirmed == "Figure confirmed (four eyes)"
    assert _summaries(withdrawn)[-1] == "Figure withdrawn"


def test_the_change_log_stays_german_in_german(calls115, world, town, second, today):
    with translation.override("de"):
        entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
        entry_confirm(actor=second, entry_id=entry.pk)
    created, confirmed = _summaries(entry)
    assert created.startswith("Wert erfasst (") and created.endswith("wartet auf Bestätigung")
    assert confirmed == "Wert bestätigt (Vier-Augen-Prinzip)"
