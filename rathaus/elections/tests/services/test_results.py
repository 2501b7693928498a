"""Entry with four eyes: plausibility at the field, self-approval refused, correction log."""

import pytest
from django.urls import reverse

from rathaus.core.models import AuditEntry
from rathaus.core.problems import DomainError
from rathaus.elections.models import Correction, District, Election, Result
from rathaus.elections.services.elections import election_set_status
from rathaus.elections.services.results import result_approve, result_enter

from ..conftest import district, enter_and_approve, figures

pytestmark = pytest.mark.django_db


def _post_form(client, election, dist, reason="", **values):
    data = {"stage": "quick", "revision": dist.result.revision, "reason": reason}
    data.update({k: "" if v is None else str(v) for k, v in values.items()})
    return client.post(reverse("elections:enter", args=[election.pk, dist.pk]), data)


def _form_values(fig):
    values = {k: fig[k] for k in ("a1", "a2", "a3", "a", "b", "b1", "c", "d")}
    values.update({f"d{i}": v for i, v in enumerate(fig["votes"], start=1)})
    return values


def test_plausibility_messages_appear_at_the_field_naming_district_and_column(
    client, election, officer_a
):
    client.force_login(officer_a)
    d = district(election, "0101")
    values = _form_values(figures([300, 200, 100]))
    values["d"] = 599  # not the sum of D1..D3
    values["b1"] = 9999  # more card voters than voters
    response = _post_form(client, election, d, **values)
    assert response.status_code == 422
    html = response.content.decode()
    form = response.context["form"]
    assert "Wahlbezirk 0101 (Altstadt): D (gültige Stimmen) 599 ist nicht die Summe" in " ".join(
        form.errors["d"]
    )
    assert "B1 (Wähler mit Wahlschein) 9.999 ist größer als B" in " ".join(form.errors["b1"])
    # rendered at the field: the error paragraph belongs to the input
    assert 'id="id_d_error"' in html and 'aria-describedby="id_d_error"' in html
    d.result.refresh_from_db()
    assert d.result.state == Result.State.EMPTY  # nothing saved


def test_negative_and_non_numeric_input_get_german_messages(client, election, officer_a):
    client.force_login(officer_a)
    d = district(election, "0102")
    values = _form_values(figures([300, 200, 100], a=(1400, 100, 0, 1500)))
    values["c"] = -3
    response = _post_form(client, election, d, **values)
    assert response.status_code == 422
    assert "C (ungültige Stimmen) -3 ist negativ" in " ".join(response.context["form"].errors["c"])
    values["c"] = "3,5"
    response = _post_form(client, election, d, **values)
    assert "ganze Zahl" in " ".join(response.context["form"].errors["c"])


def test_incomplete_report_is_refused(client, election, officer_a):
    client.force_login(officer_a)
    d = district(election, "0101")
    response = _post_form(client, election, d, b=500)
    assert response.status_code == 422
    assert "unvollständige Meldung" in response.content.decode()


def test_entry_then_approval_by_another_officer(client, election, officer_a, officer_b):
    d = district(election, "0101")
    client.force_login(officer_a)
    response = _post_form(client, election, d, **_form_values(figures([300, 200, 100])))
    assert response.status_code == 302
    d.result.refresh_from_db()
    assert d.result.state == Result.State.ENTERED and d.result.entered_by == officer_a
    election.refresh_from_db()
    assert election.status == Election.Status.COUNTING

    # A sees no approve button for the own entry, and the approval is refused
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "eigene Meldung" in page
    client.post(
        reverse("elections:approve", args=[election.pk, d.pk]), {"revision": d.result.revision}
    )
    d.result.refresh_from_db()
    assert d.result.state == Result.State.ENTERED
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "Vier-Augen-Prinzip" in page

    client.force_login(officer_b)
    client.post(
        reverse("elections:approve", args=[election.pk, d.pk]), {"revision": d.result.revision}
    )
    d.result.refresh_from_db()
    assert d.result.state == Result.State.APPROVED and d.result.approved_by == officer_b


def test_service_refuses_self_approval(election, officer_a):
    d = district(election, "0101")
    result_enter(result=d.result, actor=officer_a, figures=figures([300, 200, 100]))
    with pytest.raises(DomainError) as exc:
        result_approve(result=d.result, actor=officer_a)
    assert exc.value.code == "four_eyes"
    d.result.refresh_from_db()
    assert d.result.state == Result.State.ENTERED


def test_correction_after_approval_needs_reason_is_logged_and_needs_reapproval(
    client, election, officer_a, officer_b
):
    result = enter_and_approve(election, "0101", figures([300, 200, 100]), officer_a, officer_b)
    d = district(election, "0101")
    client.force_login(officer_a)
    corrected = _form_values(figures([301, 199, 100]))
    response = _post_form(client, election, d, **corrected)
    assert response.status_code == 422
    assert "Bitte eine Begründung für die Korrektur angeben." in " ".join(
        response.context["form"].errors["reason"]
    )
    result.refresh_from_db()
    assert result.state == Result.State.APPROVED and result.votes == [300, 200, 100]

    response = _post_form(
        client, election, d, reason="Zahlendreher in der Niederschrift", **corrected
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.state == Result.State.ENTERED and result.approved_by is None
    correction = Correction.objects.get(result=result)
    assert correction.actor == officer_a
    assert correction.before["votes"] == [300, 200, 100]
    assert correction.after["votes"] == [301, 199, 100]
    assert correction.reason == "Zahlendreher in der Niederschrift"
    assert AuditEntry.objects.filter(summary__contains="Korrektur").exists()
    page = client.get(reverse("elections:enter", args=[election.pk, d.pk])).content.decode()
    assert "Korrekturprotokoll" in page and "Zahlendreher in der Niederschrift" in page

    # the corrector cannot approve the own correction; the other officer can
    with pytest.raises(DomainError):
        result_approve(result=result, actor=officer_a)
    result_approve(result=result, actor=officer_b)
    result.refresh_from_db()
    assert result.state == Result.State.APPROVED


def test_stale_form_is_refused(election, officer_a, officer_b):
    d = district(election, "0101")
    result_enter(result=d.result, actor=officer_a, figures=figures([3, 2, 1]))
    with pytest.raises(DomainError) as exc:
        result_enter(
            result=d.result, actor=officer_b, figures=figures([3, 1, 2]), expected_revision=0
        )
    assert exc.value.code == "stale"


def test_final_election_refuses_changes(election, officer_a, officer_b):
    for number, votes in (("0101", [3, 2, 1]), ("0102", [3, 2, 1]), ("B01", [3, 2, 1])):
        a = (1400, 100, 0, 1500) if number == "0102" else (900, 95, 5, 1000)
        enter_and_approve(
            election,
            number,
            figures(votes, a=a, postal=number == "B01"),
            officer_a,
            officer_b,
            stage="final",
        )
    election_set_status(election=election, status="final", actor=officer_a)
    with pytest.raises(DomainError) as exc:
        result_enter(
            result=district(election, "0101").result,
            actor=officer_a,
            figures=figures([2, 2, 2]),
            reason="x",
        )
    assert exc.value.code == "election_final"


def test_postal_district_form_has_no_eligible_fields(client, election, officer_a):
    client.force_login(officer_a)
    d = district(election, "B01")
    page = client.get(reverse("elections:enter", args=[election.pk, d.pk])).content.decode()
    assert 'name="a1"' not in page and 'name="b"' in page
    fig = figures([10, 5, 5], postal=True)
    values = {k: fig[k] for k in ("b", "b1", "c", "d")}
    values.update({f"d{i}": v for i, v in enumerate(fig["votes"], start=1)})
    values["b1"] = fig["b"] - 1
    response = _post_form(client, election, d, **values)
    assert "muss im Briefwahlbezirk gleich B" in " ".join(response.context["form"].errors["b1"])


def test_district_created_outside_the_services_can_be_entered(client, election, officer_a):
    """A GET writes nothing; the first save creates the district's result (issue 10)."""
    d = District.objects.create(
        municipality=election.municipality, election=election, number="0103", name="Hafen"
    )
    client.force_login(officer_a)
    response = client.get(reverse("elections:enter", args=[election.pk, d.pk]))
    assert response.status_code == 200
    assert not Result.objects.filter(district=d).exists()  # the GET did not write
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "Hafen" in page
    fig = figures([300, 200, 100], a=(900, 95, 5, 1000))
    response = client.post(
        reverse("elections:enter", args=[election.pk, d.pk]),
        {**{k: str(v) for k, v in _form_values(fig).items()}, "stage": "quick", "revision": "0"},
    )
    assert response.status_code == 302
    result = Result.objects.get(district=d)
    assert result.state == Result.State.ENTERED and result.votes == [300, 200, 100]


def test_staff_preview_includes_pending_reports_but_public_page_does_not(
    client, election, officer_a
):
    result_enter(
        result=district(election, "0101").result, actor=officer_a, figures=figures([500, 50, 50])
    )
    client.force_login(officer_a)
    page = client.get(reverse("elections:detail", args=[election.pk])).content.decode()
    assert "Vorschau einschließlich 1 noch nicht freigegebener Meldung(en)" in page
    assert "Anna Alt 83,33 %" in page
    client.logout()
    public = client.get(reverse("elections:public_detail", args=[election.pk])).content.decode()
    assert "83,33" not in public
