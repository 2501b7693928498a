"""Browser, on the demo itself (issue 15's “done when”): the regional health office's request
for three teams of five is covered by the matching, a home town approves, the helper accepts
and gets the paperwork and the absence, the request ends up covered and the ledger balances —
with axe on every page. The other fourteen approvals and acceptances go through the same
services as the pages (walking each of them would only repeat the same two pages)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from rathaus.core.demo import DEMO_PASSWORD
from rathaus.core.models import Role, User
from rathaus.staffpool.models import PoolMember, Secondment, StaffRequest
from rathaus.staffpool.services import secondments

from .test_browser import _switch
from .test_demo_story import NOW

HELPER_PASSWORD = "helfer-passwort-123"


def _with_login(member: PoolMember) -> User:
    employee = member.employee
    if employee.user_id is None:
        employee.user = User.objects.create_user(
            f"helfer-test-{member.pk}",
            password=HELPER_PASSWORD,
            municipality=member.municipality,
            roles=[Role.EMPLOYEE, Role.POOL_HELPER],
        )
        employee.save(update_fields=["user"])
    else:
        employee.user.set_password(HELPER_PASSWORD)
        employee.user.save(update_fields=["password"])
    return employee.user


def _agree_by_service(secondment: Secondment) -> None:
    home = User.objects.get(username=f"pool-{secondment.member.municipality.slug}")
    day = NOW.date()
    civil = secondment.member.employment == PoolMember.Employment.CIVIL_SERVANT
    secondments.secondment_approve(
        actor=home,
        secondment=secondment,
        works_council_on=day,
        consent_on=day if civil else None,
        floor_override=True,
        standard_override=True,
        now=NOW,
    )
    secondments.secondment_accept(
        actor=_with_login(secondment.member), secondment=secondment, now=NOW
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_demo_health_office_request_walked_in_the_browser(page, live_server, login, axe_check):
    call_command("load_demo", "--now", NOW.isoformat())
    office = StaffRequest.objects.get(title="Kontaktnachverfolgung – drei Teams")
    url = f"{live_server.url}/personalpool"

    # The region's coordinator lets the matching propose fifteen helpers.
    login(page, "region-pool", DEMO_PASSWORD)
    page.goto(f"{url}/anfragen/{office.pk}/")
    expect(page.get_by_role("heading", name=office.title)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Helferinnen und Helfer vorschlagen").click()
    expect(page.get_by_text("Abgleich fertig")).to_be_visible()
    axe_check(page)
    proposed = list(
        Secondment.objects.filter(request=office).select_related("member__municipality")
    )
    assert len(proposed) == office.slots == 15
    assert len({s.member.municipality_id for s in proposed}) >= 2  # the load is shared

    # One home town approves in the browser (employees need the works council step only).
    walked = next(s for s in proposed if s.member.employment != PoolMember.Employment.CIVIL_SERVANT)
    _switch(
        page, lambda p, u: login(p, u, DEMO_PASSWORD), f"pool-{walked.member.municipality.slug}"
    )
    page.goto(f"{url}/abordnungen/{walked.pk}/")
    axe_check(page)
    page.get_by_label("Personalrat beteiligt am").fill(timezone.localdate().isoformat())
    for override in (
        "Trotz Unterschreitung der Mindestbesetzung zustimmen",
        "Trotz Gefährdung eines eigenen Servicestandards zustimmen",
    ):
        box = page.get_by_label(override)
        if box.count():  # shown only when lending would break the lender's floor or promise
            box.check()
    page.get_by_role("button", name="Freigeben").click()
    expect(page.get_by_text("Freigegeben; die Person wird um Zusage gebeten.")).to_be_visible()
    axe_check(page)

    # The helper accepts and gets the order as PDF.
    helper = _with_login(walked.member)
    _switch(page, lambda p, u: login(p, u, HELPER_PASSWORD), helper.username)
    page.goto(f"{url}/meine-einsaetze/")
    axe_check(page)
    page.get_by_role("link", name=office.title).first.click()
    page.get_by_role("button", name="Zusagen").click()
    expect(page.get_by_text("Zugesagt.")).to_be_visible()
    axe_check(page)
    pdf = page.request.get(f"{url}/abordnungen/{walked.pk}/verfuegung.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # The other fourteen agree; the region sees the request covered and a balanced ledger.
    for secondment in proposed:
        if secondment.pk != walked.pk:
            _agree_by_service(secondment)
    _switch(page, lambda p, u: login(p, u, DEMO_PASSWORD), "region-pool")
    page.goto(f"{url}/anfragen/{office.pk}/")
    expect(page.get_by_text("besetzt", exact=True).first).to_be_visible()
    axe_check(page)
    page.goto(f"{url}/")
    page.get_by_role("link", name="Stundenkonto").click()
    axe_check(page)
    office.refresh_from_db()
    assert office.get_status_display() == "besetzt"
