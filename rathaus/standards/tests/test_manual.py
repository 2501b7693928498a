"""Four eyes for figures entered by hand: they count only after a second person of the same
municipality confirms them, and no other way in (API, admin, file upload) skips that."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from rathaus.core.audit import AuditEntry
from rathaus.core.models import Role
from rathaus.core.problems import DomainError
from rathaus.standards.models import DailyFigure, ManualEntry
from rathaus.standards.selectors.overview import daily_totals
from rathaus.standards.selectors.publication import open_rows
from rathaus.standards.services.imports import figures_import
from rathaus.standards.services.manual import (
    EntryData,
    entry_confirm,
    entry_create,
    entry_reject,
)
from rathaus.standards.services.promises import promise_update

pytestmark = pytest.mark.django_db


def _data(promise, town, day, cases=200, successes=160, location=None):
    return EntryData(promise, town, location, day, cases, successes, "ACD-Auswertung")


def _figures(promise):
    return DailyFigure.objects.filter(promise=promise)


def test_an_entry_counts_only_after_a_second_person_confirms_it(
    calls115, world, region, town, second, today
):
    day = today - timedelta(days=1)
    entry = entry_create(actor=world["admin"], data=_data(calls115, town, day))
    assert entry.status == ManualEntry.Status.PENDING
    # pending: not counted, not published
    assert not _figures(calls115).exists()
    assert (calls115.id, town.id, day) not in daily_totals(region=region, first=day, last=day)
    assert not [r for r in open_rows(region=region, first=day, last=day) if r.cases == 200]

    entry_confirm(actor=second, entry_id=entry.pk)
    figure = _figures(calls115).get()
    assert (figure.cases, figure.successes, figure.source) == (200, 160, "manual")
    assert daily_totals(region=region, first=day, last=day)[(calls115.id, town.id, day)] == (
        160,
        200,
    )
    assert [r.cases for r in open_rows(region=region, first=day, last=day)].count(200) == 1
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == (ManualEntry.Status.CONFIRMED, second)


def test_the_enterer_cannot_confirm_their_own_entry(calls115, world, town, today):
    entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
    with pytest.raises(DomainError) as caught:
        entry_confirm(actor=world["admin"], entry_id=entry.pk)
    assert caught.value.code == "four_eyes"
    assert not _figures(calls115).exists()


def test_the_database_refuses_a_self_confirmation_too(calls115, world, town, today):
    entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
    with pytest.raises(IntegrityError), transaction.atomic():
        ManualEntry.objects.filter(pk=entry.pk).update(
            status="confirmed", decided_by=world["admin"]
        )


def test_only_a_person_of_the_same_municipality_confirms(
    calls115, world, town, other_town, make_user, today
):
    entry = entry_create(actor=world["coordinator"], data=_data(calls115, town, today))
    for outsider in (
        make_user(Role.MUNICIPALITY_ADMIN, municipality=other_town),  # another municipality
        world["coordinator"],  # region staff enter, but never confirm
        world["clerk"],  # same municipality, no right to confirm
    ):
        with pytest.raises(DomainError):
            entry_confirm(actor=outsider, entry_id=entry.pk)
    # the municipality's own administration confirms what the region entered
    entry_confirm(actor=world["admin"], entry_id=entry.pk)
    assert _figures(calls115).get().municipality == town


def test_a_decided_entry_is_not_decided_again(calls115, world, town, second, today):
    entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
    entry_reject(actor=second, entry_id=entry.pk)
    with pytest.raises(DomainError) as caught:
        entry_confirm(actor=second, entry_id=entry.pk)
    assert caught.value.status == 409
    assert not _figures(calls115).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"day": 3}, "day"),  # in the future
        ({"successes": 300}, "successes"),
        ({"cases": 0, "successes": 0}, "cases"),
    ],
)
def test_bad_entries_are_refused_at_the_field(calls115, world, town, today, change, field):
    values = {"day": -1, "cases": 200, "successes": 160, **change}
    data = _data(
        calls115, town, today + timedelta(days=values["day"]), values["cases"], values["successes"]
    )
    with pytest.raises(DomainError) as caught:
        entry_create(actor=world["admin"], data=data)
    assert caught.value.errors[0]["field"] == field
    assert not ManualEntry.objects.exists()


def test_measured_metrics_and_unjoined_promises_cannot_be_entered(
    calls115, world, town, today, region, make_user
):
    with pytest.raises(DomainError) as caught:
        entry_create(actor=world["admin"], data=_data(world["within"], town, today))
    assert "gemessen" in caught.value.errors[0]["message"]
    calls115.memberships.filter(municipality=town).delete()
    with pytest.raises(DomainError) as caught:
        entry_create(actor=world["admin"], data=_data(calls115, town, today))
    assert "nicht beigetreten" in caught.value.errors[0]["message"]


def test_a_second_entry_for_the_same_day_waits_for_the_first(calls115, world, town, today):
    entry_create(actor=world["admin"], data=_data(calls115, town, today))
    with pytest.raises(DomainError) as caught:
        entry_create(actor=world["coordinator"], data=_data(calls115, town, today))
    assert caught.value.status == 409


def test_a_confirmed_entry_replaces_the_figure_of_that_day(calls115, world, town, second, today):
    for cases in (200, 300):
        entry = entry_create(actor=world["admin"], data=_data(calls115, town, today, cases=cases))
        entry_confirm(actor=second, entry_id=entry.pk)
    assert list(_figures(calls115).values_list("cases", flat=True)) == [300]


def test_every_step_is_audited(calls115, world, town, second, today):
    entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
    entry_confirm(actor=second, entry_id=entry.pk)
    trail = AuditEntry.objects.filter(object_type="standards.ManualEntry", object_id=str(entry.pk))
    assert {(a.actor, a.action) for a in trail} == {
        (world["admin"], "create"),
        (second, "update"),
    }


# --- the side doors -------------------------------------------------------------------------


def test_the_api_enters_and_confirms_with_four_eyes(client, calls115, world, town, second, today):
    client.force_login(world["admin"])
    created = client.post(
        "/api/v1/standards/manual-entries",
        {"promise": "115-30s", "day": str(today), "cases": 120, "successes": 100},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    assert created.json()["status"] == "pending" and not _figures(calls115).exists()
    own = client.post(f"/api/v1/standards/manual-entries/{entry_id}/confirm")
    assert own.status_code == 403
    assert own["Content-Type"] == "application/problem+json"
    assert own.json()["code"] == "four_eyes"
    assert not _figures(calls115).exists()

    client.force_login(second)
    confirmed = client.post(f"/api/v1/standards/manual-entries/{entry_id}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert _figures(calls115).get().cases == 120


def test_the_api_refuses_bad_input_as_problem_json(client, calls115, world, other_town, today):
    client.force_login(world["admin"])
    bad = client.post(
        "/api/v1/standards/manual-entries",
        {"promise": "115-30s", "day": str(today), "cases": 10, "successes": 11},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "successes"
    foreign = client.post(
        "/api/v1/standards/manual-entries",
        {
            "promise": "115-30s",
            "municipality_id": other_town.pk,
            "day": str(today),
            "cases": 1,
            "successes": 1,
        },
        content_type="application/json",
    )
    assert foreign.status_code == 403


def test_the_admin_cannot_add_or_change_figures(client, calls115, world, town, today, make_user):
    superuser = make_user(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get("/admin/standards/dailyfigure/add/").status_code == 403
    assert client.get("/admin/standards/manualentry/add/").status_code == 403
    entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
    response = client.post(
        f"/admin/standards/manualentry/{entry.pk}/change/",
        {"status": "confirmed", "decided_by": superuser.pk},
    )
    assert response.status_code in (200, 403)
    entry.refresh_from_db()
    assert entry.status == ManualEntry.Status.PENDING
    assert not _figures(calls115).exists()


def test_a_file_uploaded_by_a_person_waits_for_four_eyes(
    client, calls115, world, region, town, second, today
):
    day = today - timedelta(days=2)
    text = "date;ags;location;leika;metric;value;unit;definition_version;cases\n"
    text += f"{day};{town.ags};;;calls_within_30s;80;%;1;250\n"
    upload = io.BytesIO(text.encode())
    upload.name = "115.csv"
    client.force_login(world["admin"])
    response = client.post("/standards/import/", {"file": upload})
    assert response.status_code == 302 and response["Location"] == "/standards/werte/"
    entry = ManualEntry.objects.get()
    assert (entry.origin, entry.status, entry.cases) == ("import", "pending", 250)
    assert not _figures(calls115).exists()
    with pytest.raises(DomainError):
        entry_confirm(actor=world["admin"], entry_id=entry.pk)
    entry_confirm(actor=second, entry_id=entry.pk)
    assert _figures(calls115).get().source == DailyFigure.Source.IMPORTED


def test_a_file_with_a_pending_day_is_refused_whole_by_line(calls115, world, region, town, today):
    day = today - timedelta(days=1)
    entry_create(actor=world["admin"], data=_data(calls115, town, day))
    text = "date;ags;location;leika;metric;value;unit;definition_version;cases\n"
    text += f"{day - timedelta(days=1)};{town.ags};;;calls_within_30s;80;%;1;250\n"
    text += f"{day};{town.ags};;;calls_within_30s;80;%;1;250\n"
    with pytest.raises(DomainError) as caught:
        figures_import(
            actor=world["coordinator"],
            region=region,
            allowed={town.id},
            data=text.encode(),
            filename="115.csv",
        )
    assert [p["line"] for p in caught.value.errors] == [3]
    assert ManualEntry.objects.count() == 1


def test_the_entry_page_shows_errors_at_the_field_and_confirm_buttons(
    client, calls115, world, town, second, today
):
    client.force_login(world["admin"])
    page = client.post(
        "/standards/werte/",
        {
            "municipality": town.pk,
            "promise": calls115.pk,
            "day": str(today),
            "cases": "10",
            "successes": "12",
        },
    )
    assert page.status_code == 400
    assert "Es kann nicht mehr Treffer als Fälle geben." in page.content.decode()
    done = client.post(
        "/standards/werte/",
        {
            "municipality": town.pk,
            "promise": calls115.pk,
            "day": str(today),
            "cases": "10",
            "successes": "8",
        },
    )
    assert done.status_code == 302
    entry = ManualEntry.objects.get()
    own_view = client.get("/standards/werte/").content.decode()
    assert f"/werte/{entry.pk}/bestaetigen/" not in own_view
    # posting the confirmation anyway changes nothing
    client.post(f"/standards/werte/{entry.pk}/bestaetigen/")
    assert not _figures(calls115).exists()

    client.force_login(second)
    assert f"/werte/{entry.pk}/bestaetigen/" in client.get("/standards/werte/").content.decode()
    client.post(f"/standards/werte/{entry.pk}/bestaetigen/")
    assert _figures(calls115).get().cases == 10


def test_the_entry_page_is_only_for_those_who_may_enter(client, world, other_town, make_user):
    client.force_login(world["clerk"])
    assert client.get("/standards/werte/").status_code == 403


def test_the_enterer_withdraws_but_an_outsider_cannot_reject(calls115, world, town, today):
    entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
    with pytest.raises(DomainError):
        entry_reject(actor=world["clerk"], entry_id=entry.pk)
    entry_reject(actor=world["admin"], entry_id=entry.pk)
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == (ManualEntry.Status.REJECTED, world["admin"])


def test_an_entry_under_an_old_definition_is_not_confirmed(calls115, world, town, second, today):
    entry = entry_create(actor=world["admin"], data=_data(calls115, town, today))
    promise_update(actor=None, promise=calls115, data={"target_percent": 80})
    with pytest.raises(DomainError) as caught:
        entry_confirm(actor=second, entry_id=entry.pk)
    assert caught.value.code == "definition_changed"
    assert not _figures(calls115).exists()
