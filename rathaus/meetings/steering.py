"""A body's decision on an item proposed from a steering case goes back to that case.

The steering case's page proposes the case through the proposal form with its own address as
the item's source (``/steuerung/faelle/7/``). When the body records a decision on such an item,
``decision_recorded`` hands body, meeting, text, vote and a link to the meeting to the steering
app's service (``case_body_decision_record``), inside the same transaction: the case shows the
decision and, if still open, closes with it. Items of any other source are left alone. Like
``pool`` for the staff pool, this module is the only crossing into the steering app.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from rathaus.meetings.models import AgendaItem, Decision
from rathaus.steering.services import cases as steering_cases


def vote_result(decision: Decision) -> str:
    """The vote as plain text, as minutes write it ("einstimmig", "Ja 12, Nein 3, Enth. 1")."""
    if decision.unanimous:
        return "einstimmig"
    parts = [f"Ja {decision.yes or 0}", f"Nein {decision.no or 0}"]
    if decision.abstain:
        parts.append(f"Enthaltungen {decision.abstain}")
    return ", ".join(parts)


def decision_recorded(*, actor, item: AgendaItem, decision: Decision) -> None:
    if not item.source_url or item.meeting is None:
        return
    meeting = item.meeting
    steering_cases.case_body_decision_record(
        actor=actor,
        municipality_id=item.municipality_id,
        link=item.source_url,
        source_ref=f"meetings.decision:{decision.pk}",
        body=item.body.name,
        meeting_title=meeting.title,
        meeting_date=timezone.localdate(meeting.start),
        text=decision.text,
        result=vote_result(decision),
        url=reverse("meetings:meeting", args=[meeting.pk]) + f"#top-{item.pk}",
    )
