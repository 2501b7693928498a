"""Bodies and their members."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Employee, Municipality
from rathaus.core.problems import DomainError
from rathaus.meetings import caching
from rathaus.meetings.models import Body, LegislativeTerm, Membership
from rathaus.meetings.validation import one_line


@transaction.atomic
def body_create(
    *,
    actor,
    municipality: Municipality,
    name: str,
    kind: str,
    short_name: str = "",
    public: bool = False,
    paper_lead_days: int = 21,
    parent: Body | None = None,
) -> Body:
    name = one_line(name, field="name")
    if Body.objects.filter(municipality=municipality, name=name).exists():
        raise DomainError(
            "body_exists",
            _("Ein Gremium mit diesem Namen gibt es schon."),
            errors=[{"field": "name"}],
        )
    body = Body.objects.create(
        municipality=municipality,
        name=name,
        short_name=one_line(short_name, field="short_name"),
        kind=kind,
        public=public,
        paper_lead_days=paper_lead_days,
        parent=parent,
    )
    audit.record(actor=actor, instance=body, action="create", summary=f"Gremium {name}")
    return body


@transaction.atomic
def membership_add(
    *,
    actor,
    body: Body,
    employee: Employee | None = None,
    external_name: str = "",
    external_email: str = "",
    external_organisation: str = "",
    role: str = Membership.Role.MEMBER,
    function: str = "",
    rank: int = 1,
    voting: bool = True,
) -> Membership:
    if employee is None and not external_name.strip():
        raise DomainError(
            "member_missing",
            _("Bitte eine beschäftigte Person wählen oder den Namen der externen Person angeben."),
            errors=[{"field": "employee"}],
        )
    if employee is not None and employee.municipality_id != body.municipality_id:
        raise DomainError("member_foreign", _("Diese Person gehört nicht zu dieser Kommune."))
    membership = Membership.objects.create(
        municipality_id=body.municipality_id,
        body=body,
        employee=employee,
        external_name=one_line(external_name, field="external_name") if employee is None else "",
        external_email=external_email if employee is None else "",
        external_organisation=one_line(external_organisation, field="external_organisation"),
        role=role,
        function=one_line(function, field="function"),
        rank=rank,
        voting=voting,
    )
    caching.bump(body.pk, body.municipality_id)
    audit.record(actor=actor, instance=membership, action="create", summary=f"Mitglied in {body}")
    return membership


def term_check(
    *, municipality_id: int, name: str, start: date, end: date, term_id: int | None = None
) -> str:
    """Refuses a term that ends before it begins, repeats a name or overlaps another term of
    the municipality (German errors at the field); returns the cleaned name."""
    name = one_line(name, field="name")
    if not name:
        raise DomainError("term_name", _("Bitte einen Namen angeben."), errors=[{"field": "name"}])
    if end < start:
        raise DomainError(
            "term_order",
            _("Das Ende der Wahlperiode liegt vor ihrem Beginn."),
            errors=[{"field": "end"}],
        )
    others = LegislativeTerm.objects.filter(municipality_id=municipality_id).exclude(pk=term_id)
    if others.filter(name=name).exists():
        raise DomainError(
            "term_exists",
            _("Eine Wahlperiode mit diesem Namen gibt es schon."),
            errors=[{"field": "name"}],
        )
    clash = others.filter(start__lte=end, end__gte=start).first()
    if clash:
        raise DomainError(
            "term_overlap",
            _("Die Wahlperiode überschneidet sich mit „%(name)s“.") % {"name": clash.name},
            errors=[{"field": "start"}],
        )
    return name


@transaction.atomic
def term_create(
    *, actor, municipality: Municipality, name: str, start: date, end: date
) -> LegislativeTerm:
    """A legislative term of the municipality (OParl ``LegislativeTerm``)."""
    name = term_check(municipality_id=municipality.pk, name=name, start=start, end=end)
    term = LegislativeTerm.objects.create(
        municipality=municipality, name=name, start=start, end=end
    )
    caching.bump_town(municipality.pk)
    audit.record(actor=actor, instance=term, action="create", summary=f"Wahlperiode {name}")
    return term
