"""Change-log summaries of planning rules are written in the language of the request."""

from datetime import time

import pytest
from django.utils import translation

from rathaus.core.models import AuditEntry
from rathaus.presence.models import TeamDay
from rathaus.presence.services import rules

pytestmark = pytest.mark.django_db

SHIFT = {"code": "M", "name": "Mittagsschicht", "start_time": time(11), "end_time": time(15)}


def _summary(obj) -> str:
    entry = AuditEntry.objects.filter(
        object_type=f"presence.{type(obj).__name__}", object_id=str(obj.pk)
    ).latest("pk")
    return entry.summary


def test_rule_summaries_follow_the_active_language(period, world):
    planner = world["users"]["planner"]
    with translation.override("en"):
        shift = rules.rule_create(actor=planner, period=period, kind="shift", data=SHIFT)
        assert _summary(shift) == "Shift type created"
        day = TeamDay.objects.get(period=period)
        rules.rule_update(
            actor=planner, period=period, kind="teamday", pk=day.pk, data={"weekday": 3}
        )
        assert _summary(day) == "Team day changed"
    with translation.override("de"):
        rules.rule_update(
            actor=planner, period=period, kind="teamday", pk=day.pk, data={"weekday": 4}
        )
        assert _summary(day) == "Teamtag geändert"
