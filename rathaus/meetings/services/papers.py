"""Council papers (Beschlussvorlagen) and their path through the bodies."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.models import Municipality
from rathaus.core.problems import DomainError
from rathaus.meetings import caching
from rathaus.meetings.models import AgendaItem, Body, Consultation, Meeting, Paper
from rathaus.meetings.services import tombstones
from rathaus.meetings.services.minutes import agenda_item_add
from rathaus.meetings.validation import one_line


def submission_deadline(meeting: Meeting) -> date:
    """Counted back from the meeting by the body's rule (e.g. 21 days before)."""
    return timezone.localdate(meeting.start) - timedelta(days=meeting.body.paper_lead_days)


@transaction.atomic
def paper_create(
    *,
    actor,
    municipality: Municipality,
    reference: str,
    title: str,
    date: date,
    kind: str = Paper.Kind.DECISION,
    origin: str = "",
    proposal: str = "",
    public: bool = True,
    author_body: Body | None = None,
) -> Paper:
    reference = one_line(reference, field="reference")
    if author_body is not None and author_body.municipality_id != municipality.pk:
        raise DomainError(
            "body_foreign",
            _("Dieses Gremium gehört nicht zu dieser Kommune."),
            errors=[{"field": "author_body"}],
        )
    if Paper.objects.filter(municipality=municipality, reference=reference).exists():
        raise DomainError(
            "reference_taken",
            _("Diese Drucksachennummer ist schon vergeben."),
            errors=[{"field": "reference"}],
        )
    paper = Paper.objects.create(
        municipality=municipality,
        reference=reference,
        title=one_line(title, field="title"),
        date=date,
        kind=kind,
        origin=one_line(origin, field="origin"),
        proposal=proposal,
        public=public,
        author_body=author_body,
    )
    caching.bump_town(municipality.pk)
    audit.record(actor=actor, instance=paper, action="create", summary=f"Vorlage {reference}")
    return paper


PAPER_FIELDS = ("title", "kind", "origin", "proposal", "public", "date", "author_body", "status")


@transaction.atomic
def paper_update(*, actor, paper: Paper, data: dict) -> Paper:
    """Changes the paper's text and data (not its reference or path); decided papers are final."""
    if paper.status == Paper.Status.DECIDED:
        raise DomainError(
            "paper_decided",
            _("Eine beschlossene Vorlage kann nicht mehr geändert werden."),
        )
    if data.get("author_body") and data["author_body"].municipality_id != paper.municipality_id:
        raise DomainError(
            "body_foreign",
            _("Dieses Gremium gehört nicht zu dieser Kommune."),
            errors=[{"field": "author_body"}],
        )
    values = {}
    for field in PAPER_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in ("title", "origin"):
            value = one_line(value, field=field)
        values[field] = value
    with tombstones.hiding([paper]):  # a paper made non-public leaves OParl tombstones
        for field, value in values.items():
            setattr(paper, field, value)
        paper.save()
    caching.bump_town(paper.municipality_id)
    audit.record(actor=actor, instance=paper, action="update", summary=f"Vorlage {paper.reference}")
    return paper


@transaction.atomic
def consultation_add(
    *,
    actor,
    paper: Paper,
    meeting: Meeting,
    role: str = Consultation.Role.ADVISE,
    now: datetime | None = None,
) -> Consultation:
    """Puts the paper on a meeting's path; refuses when the body's deadline has passed."""
    now = now_or(now)
    if meeting.municipality_id != paper.municipality_id:
        raise DomainError("meeting_foreign", _("Diese Sitzung gehört nicht zu dieser Kommune."))
    deadline = submission_deadline(meeting)
    if deadline < timezone.localdate(now):
        raise DomainError(
            "deadline_missed",
            _(
                "Die Einreichungsfrist für diese Sitzung (%(deadline)s, %(days)s Tage vorher) ist "
                "verstrichen. Bitte eine spätere Sitzung wählen."
            )
            % {"deadline": deadline.strftime("%d.%m.%Y"), "days": meeting.body.paper_lead_days},
            errors=[{"field": "meeting"}],
        )
    last = paper.consultations.select_related("meeting").order_by("-position").first()
    if last and last.meeting.start >= meeting.start:
        raise DomainError(
            "path_order",
            _("Der Beratungsweg geht vorwärts: diese Sitzung liegt vor der letzten Beratung."),
            errors=[{"field": "meeting"}],
        )
    consultation = Consultation.objects.create(
        municipality_id=paper.municipality_id,
        paper=paper,
        meeting=meeting,
        role=role,
        position=(paper.consultations.aggregate(m=Max("position"))["m"] or 0) + 1,
        deadline=deadline,
    )
    agenda_item_add(
        actor=actor,
        body=meeting.body,
        meeting=meeting,
        title=f"{paper.reference} {paper.title}"[:300],
        public=paper.public,
        kind=AgendaItem.Kind.PAPER,
        paper=paper,
    )
    if paper.status in (Paper.Status.DRAFT, Paper.Status.SUBMITTED):
        paper.status = Paper.Status.IN_CONSULTATION
        paper.save(update_fields=["status", "modified"])
    audit.record(
        actor=actor, instance=consultation, action="create", summary=f"Beratung {paper.reference}"
    )
    return consultation


@transaction.atomic
def consultation_result(*, actor, consultation: Consultation, result: str) -> Consultation:
    consultation.result = one_line(result, field="result")
    consultation.save(update_fields=["result", "modified"])
    paper = consultation.paper
    if consultation.authoritative and result:
        paper.status = Paper.Status.DECIDED
        paper.save(update_fields=["status", "modified"])
    caching.bump_town(consultation.municipality_id)
    audit.record(actor=actor, instance=consultation, action="update", summary="Beratungsergebnis")
    return consultation
