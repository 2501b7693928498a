"""Rows of every meetings model for the generic tenancy walk.

``marker`` goes only into non-public text: a crisis staff (non-public body) meeting's title,
agenda item, minutes, decision and assignment, and a non-public paper.

Personal tokens are capabilities (whoever holds the link acts as that member), so the samples
for ``token`` are deliberately *not* valid tokens: near misses of the victim's real ones.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rathaus.meetings.models import Paper, RhythmProposal
from rathaus.meetings.services import bodies, documents, minutes, papers
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.tests.factories import crisis_staff, meeting_at


def _near_miss(token: str) -> str:
    """The real token with its last character changed — always different from it (a token
    ending in "x" made the old ``token[:-1] + "x"`` the real link: a 1-in-64 flaky walk)."""
    return token[:-1] + ("y" if token.endswith("x") else "x")


def create(municipality, marker: str) -> dict[str, list]:
    body, people = crisis_staff(municipality, name=f"Krisenstab {marker}")
    now = timezone.now()
    meeting = meeting_at(body, now - timedelta(minutes=5), title=f"Lage {marker}")
    item = minutes.agenda_item_add(actor=None, body=body, meeting=meeting, title=f"TOP {marker}")
    minutes.minutes_save(actor=None, item=item, text=f"Beratung {marker}", base_version=0)
    decision = minutes.decision_record(
        actor=None, item=item, text=f"Beschluss {marker}", unanimous=True
    )
    assignment = minutes.assignment_create(
        actor=None,
        item=item,
        decision=decision,
        what=f"Auftrag {marker}",
        assignee=people["member"][1],
        due=date.today() + timedelta(days=3),
    )
    backlog = minutes.agenda_item_add(
        actor=None, body=body, meeting=None, title=f"Speicher {marker}"
    )
    later = meeting_at(body, now + timedelta(days=30), title=f"Später {marker}")
    paper = papers.paper_create(
        actor=None,
        municipality=municipality,
        reference="V/2026/001",
        title=f"Vorlage {marker}",
        date=date.today(),
        public=False,
        kind=Paper.Kind.DECISION,
    )
    papers.consultation_add(actor=None, paper=paper, meeting=later)
    attendance = meeting.attendances.first()
    document = documents.document_add(
        actor=None,
        item=item,
        upload=SimpleUploadedFile(f"{marker}.pdf", f"%PDF-1.4 {marker}".encode()),
        kind="annex",
    )
    series = meeting_services.series_create(
        actor=None,
        body=body,
        title=f"Reihe {marker}",
        rule="FREQ=MONTHLY;BYMONTHDAY=1",
        first_start=now + timedelta(days=40),
    )
    # test data only: a proposal as the rhythm check would leave it
    proposal = RhythmProposal.objects.create(
        municipality=municipality,
        series=series,
        direction="up",
        current_rule=series.rule,
        proposed_rule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        reason=f"Grund {marker}",
    )
    return {
        "series_id": [series.pk],
        "proposal_id": [proposal.pk],
        "answer": ["uebernehmen", "ablehnen"],
        "body_id": [body.pk],
        "meeting_id": [meeting.pk, later.pk],
        "item_id": [item.pk, backlog.pk],
        "attendance_id": [attendance.pk],
        "assignment_id": [assignment.pk],
        "paper_id": [paper.pk],
        "token": [_near_miss(people["external"][1].token), _near_miss(people["member"][1].token)],
        "step": ["versenden", "genehmigen", "abschliessen"],
        # OParl (public data only: the victim's crisis staff and paper must not appear)
        "oparl_body": [municipality.pk],
        "organization_id": [body.pk],
        "person_id": [f"e-{people['member'][1].employee_id}", f"x-{people['external'][1].pk}"],
        "membership_id": [people["member"][1].pk],
        "consultation_id": [paper.consultations.first().pk],
        "location_id": [0],
        "file_id": [document.pk],
        "document_id": [document.pk],
        # a term is public data by nature: its name carries no marker
        "term_id": [
            bodies.term_create(
                actor=None,
                municipality=municipality,
                name="Wahlperiode 2025–2030",
                start=date(2025, 11, 1),
                end=date(2030, 10, 31),
            ).pk
        ],
    }
