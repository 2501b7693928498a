"""Four eyes in the pages: the approver sees every entered figure (and what changed) first."""

import pytest
from django.urls import reverse

from rathaus.elections.models import Result
from rathaus.elections.services.results import result_enter

from ..conftest import district, enter_and_approve, figures

pytestmark = pytest.mark.django_db


def test_pending_report_shows_its_figures_in_the_staff_table(client, election, officer_a):
    result_enter(
        result=district(election, "0101").result, actor=officer_a, figures=figures([345, 222, 111])
    )
    client.force_login(officer_a)
    html = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    row = html[html.index('id="district-0101"') :]
    row = row[: row.index("</tr>")]
    assert "noch nicht gemeldet" not in row
    assert "345" in row and "222" in row and "Freigabe ausstehend" in row


def test_approver_sees_the_entered_figures_before_approving(client, election, officer_a, officer_b):
    d = district(election, "0101")
    result_enter(result=d.result, actor=officer_a, figures=figures([345, 222, 111]))
    client.force_login(officer_b)
    detail = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    url = reverse("elections:approve", args=[election.pk, d.pk])
    assert f'href="{url}"' in detail  # a link to the review, no blind approve button
    assert "Alle von anderen erfassten Meldungen freigeben" not in detail
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Erstmeldung", "B – Wähler", "681", "Stimmen für Anna Alt (CDU)", "345"):
        assert text in html
    d.result.refresh_from_db()
    assert d.result.state == Result.State.ENTERED  # looking approves nothing
    response = client.post(url, {"revision": d.result.revision})
    assert response.status_code == 302
    d.result.refresh_from_db()
    assert d.result.state == Result.State.APPROVED and d.result.approved_by == officer_b


def test_an_approval_must_name_the_figures_that_were_shown(client, election, officer_a, officer_b):
    d = district(election, "0101")
    result_enter(result=d.result, actor=officer_a, figures=figures([345, 222, 111]))
    client.force_login(officer_b)
    url = reverse("elections:approve", args=[election.pk, d.pk])
    client.post(url, {})  # no revision: not what a reviewer saw
    d.result.refresh_from_db()
    assert d.result.state == Result.State.ENTERED
    assert client.post(f"/wahlen/{election.pk}/freigeben/").status_code == 404  # no bulk


def test_review_of_a_correction_marks_what_changed_since_the_last_approval(
    client, election, officer_a, officer_b
):
    result = enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    result_enter(
        result=result, actor=officer_a, figures=figures([310, 190, 100]), reason="Zahlendreher"
    )
    client.force_login(officer_b)
    d = district(election, "0101")
    html = client.get(reverse("elections:approve", args=[election.pk, d.pk])).content.decode()
    assert "Zahlendreher" in html and "Zuletzt freigegeben" in html
    changed = html.count("elections-changed")
    assert changed == 2  # D1 300 → 310 and D2 200 → 190; everything else unchanged
    row = html[html.index("Stimmen für Anna Alt") :]
    row = row[: row.index("</tr>")]
    assert "310" in row and "300" in row and "geändert" in row


def test_after_an_approval_the_next_report_of_someone_else_follows(
    client, election, officer_a, officer_b
):
    first, own, other = (district(election, n) for n in ("0101", "0102", "B01"))
    result_enter(result=first.result, actor=officer_a, figures=figures([3, 2, 1]))
    result_enter(
        result=own.result, actor=officer_b, figures=figures([3, 2, 1], a=(1400, 100, 0, 1500))
    )
    result_enter(result=other.result, actor=officer_a, figures=figures([3, 2, 1], postal=True))
    client.force_login(officer_b)
    first.result.refresh_from_db()
    response = client.post(
        reverse("elections:approve", args=[election.pk, first.pk]),
        {"revision": first.result.revision},
    )
    # in table order after 0101 comes 0102, which officer B entered: skipped, B01 follows
    assert response["Location"] == reverse("elections:approve", args=[election.pk, other.pk])
    own_page = client.get(reverse("elections:approve", args=[election.pk, own.pk]))
    assert "Vier-Augen-Prinzip" in own_page.content.decode()
    assert "Zahlen geprüft – freigeben" not in own_page.content.decode()


def test_staff_table_keeps_actions_readable(client, election, officer_a, officer_b):
    result_enter(
        result=district(election, "0101").result, actor=officer_a, figures=figures([3, 2, 1])
    )
    client.force_login(officer_b)
    html = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "elections-action-cell" in html
    assert "Prüfen und freigeben" in html
    assert f'action="/wahlen/{election.pk}/bezirk/' not in html  # no blind approve button
