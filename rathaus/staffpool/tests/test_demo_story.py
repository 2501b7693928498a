"""Issue 15's “done when”, on the demo itself: the health office's request is covered by the
matching, the home municipalities approve, the helpers accept, the paperwork is generated,
the helpers' home plans show the absence, and the ledger balances. (The browser walk of the
same steps on a small request, with axe on every page, is `test_browser.py`.)"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from rathaus.core.models import User
from rathaus.presence.models import Absence
from rathaus.staffpool import selectors
from rathaus.staffpool.documents import document_pdf
from rathaus.staffpool.models import LedgerEntry, PoolMember, Secondment, StaffRequest
from rathaus.staffpool.services import secondments

# a Monday morning, as in core's demo test
NOW = datetime(2026, 12, 21, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))


def _helper_user(member: PoolMember) -> User:
    employee = member.employee
    if employee.user_id is None:
        employee.user = User.objects.create_user(
            f"helfer-{member.pk}", password="x", municipality=member.municipality
        )
        employee.save(update_fields=["user"])
    return employee.user


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_health_office_request_is_covered_approved_accepted_and_booked(client):
    call_command("load_demo", "--now", NOW.isoformat())
    office = StaffRequest.objects.get(title="Kontaktnachverfolgung – drei Teams")
    region = User.objects.get(username="region-pool")
    client.force_login(region)
    page = client.post(f"/personalpool/anfragen/{office.pk}/abgleichen/", follow=True)
    assert "Abgleich fertig" in page.content.decode()
    proposed = list(Secondment.objects.filter(request=office).select_related("member"))
    assert len(proposed) == office.slots == 15
    assert len({s.member.municipality_id for s in proposed}) >= 2  # the load is shared

    today = NOW.date()
    for s in proposed:
        home = User.objects.get(username=f"pool-{s.member.municipality.slug}")
        civil = s.member.employment == PoolMember.Employment.CIVIL_SERVANT
        secondments.secondment_approve(
            actor=home,
            secondment=s,
            works_council_on=today,
            consent_on=today if civil else None,
            floor_override=True,
            standard_override=True,
            now=NOW,
        )
        secondments.secondment_accept(actor=_helper_user(s.member), secondment=s, now=NOW)
    office.refresh_from_db()
    assert office.get_status_display() == "besetzt"

    first = proposed[0]
    first.refresh_from_db()
    for kind in ("verfuegung", "vereinbarung"):
        assert document_pdf(first, kind, today=today).startswith(b"%PDF")
    for s in proposed:
        assert Absence.objects.filter(
            employee=s.member.employee,
            kind=Absence.Kind.SECONDED,
            start__lte=office.start,
            end__gte=office.end,
        ).exists()
    rows = selectors.balances(region, today=office.end + timedelta(days=7))
    assert sum(r.balance for r in rows) == 0  # what one lends, another borrows
    booked = sum(r.borrowed for r in rows if r.name.startswith("Region"))
    # every helper's weeks, pro rata of the working days (the holidays around New Year less)
    assert booked == sum(e.hours for e in LedgerEntry.objects.filter(secondment__request=office))
    assert booked >= 15 * 4 * office.hours_per_week
