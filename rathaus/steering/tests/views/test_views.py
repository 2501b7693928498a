"""Pages and permissions: who sees the cockpit, who reports, who decides; the public page."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from rathaus.core.models import Role
from rathaus.steering.models import IndicatorValue, Milestone
from rathaus.steering.rules import (
    PERM_COMMENT,
    PERM_DECIDE,
    PERM_EDIT_PROJECT,
    PERM_VIEW,
    PERM_VIEW_ALL,
    sees_public_only,
)
from rathaus.steering.selectors import public_only
from rathaus.steering.services.cases import case_body_decision_record, case_open
from rathaus.steering.services.indicators import indicator_analyse
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_leadership_start_page_is_the_cockpit(client, world):
    client.force_login(world["users"]["mayor"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/steuerung/"
    page = client.get("/steuerung/").content.decode()
    assert "Cockpit der Verwaltungsleitung" in page and "Bebauungsplan Güterbahnhof" in page


def test_other_roles_keep_their_start_page(client, world):
    client.force_login(world["users"]["employee"])
    assert client.get("/").status_code == 200
    assert client.get("/steuerung/").status_code == 403


def test_permissions_per_role(world, make_user, town):
    users, project = world["users"], world["project"]
    assert users["mayor"].has_perm(PERM_DECIDE) and users["mayor"].has_perm(PERM_VIEW_ALL)
    assert users["owner"].has_perm(PERM_EDIT_PROJECT, project)
    assert users["head"].has_perm(PERM_EDIT_PROJECT, project)  # Stadtplanung is in FB3
    assert not users["treasurer"].has_perm(PERM_EDIT_PROJECT, project) or users[
        "treasurer"
    ].has_role(Role.LEADERSHIP)
    assert users["council"].has_perm(PERM_VIEW)
    assert not users["council"].has_perm(PERM_EDIT_PROJECT, project)
    assert not users["council"].has_perm(PERM_DECIDE)
    stranger = make_user(Role.PROJECT_OWNER, municipality=town)
    assert not stranger.has_perm(PERM_EDIT_PROJECT, project)


def test_council_members_see_only_public_rows_and_no_cases(client, world):
    world["project"].public = False
    world["project"].save()
    client.force_login(world["users"]["council"])
    page = client.get("/steuerung/").content.decode()
    assert "Bebauungsplan Güterbahnhof" not in page
    assert client.get(f"/steuerung/projekte/{world['project'].pk}/").status_code == 404
    assert client.get("/steuerung/faelle/").status_code == 404
    strategy = client.get("/steuerung/strategie/").content.decode()
    assert 'href="/steuerung/faelle/"' not in strategy, "no link to a page that answers 404"


def test_people_who_work_on_cases_find_them_in_the_steering_menu(client, world):
    client.force_login(world["users"]["owner"])
    assert 'href="/steuerung/faelle/"' in client.get("/steuerung/strategie/").content.decode()


def test_the_owner_submits_a_report_in_the_browser_form(client, world, time_machine):
    time_machine.move_to(NOW)
    client.force_login(world["users"]["owner"])
    url = f"/steuerung/projekte/{world['project'].pk}/"
    data = {
        "period": "2031-03",
        "time": "green",
        "budget": "green",
        "scope": "green",
        "risk": "green",
        "summary": "läuft",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "bitte begründen" in refused.content.decode()
    saved = client.post(url, {**data, "time": "amber"})
    assert saved.status_code == 302
    assert world["project"].reports.count() == 1


def test_a_control_character_in_the_reason_is_refused(client, world):
    client.force_login(world["users"]["owner"])
    response = client.post(
        f"/steuerung/projekte/{world['project'].pk}/",
        {
            "period": "2031-03",
            "time": "green",
            "budget": "green",
            "scope": "green",
            "risk": "green",
            "summary": "x",
            "override_reason": "ok\x07",
        },
    )
    assert response.status_code == 400
    assert "Steuerzeichen" in response.content.decode()


def test_the_mayor_decides_and_moves_a_milestone(client, world):
    case, _new = case_open(
        kind="project",
        trigger="t",
        title="rot",
        explanation="x",
        assigned_unit=world["planning"],
        project=world["project"],
        now=NOW,
    )
    client.force_login(world["users"]["owner"])
    url = f"/steuerung/faelle/{case.pk}/"
    assert client.post(url, {"c-text": "Vorschlag: verschieben"}).status_code == 302
    assert client.post(url, {"decision": "keep", "reason": "x"}).status_code == 403
    client.force_login(world["users"]["mayor"])
    later = world["later"]
    response = client.post(
        url,
        {
            "decision": "adjust",
            "reason": "Ein Quartal später",
            f"milestone_{later.pk}": "2031-12-31",
            f"milestone_{world['late'].pk}": world["late"].due.isoformat(),
        },
    )
    assert response.status_code == 302
    assert Milestone.objects.get(pk=later.pk).due == date(2031, 12, 31)
    page = client.get(f"/steuerung/projekte/{world['project'].pk}/").content.decode()
    assert "Ein Quartal später" in page


def test_indicator_page_has_a_chart_with_a_data_table(client, world):
    indicator_analyse(indicator=world["indicator"], now=NOW)
    client.force_login(world["users"]["mayor"])
    page = client.get(f"/steuerung/kennzahlen/{world['indicator'].pk}/").content.decode()
    assert "<svg" in page and "<table" in page and "Toleranzband" in page


def test_the_public_page_shows_only_public_rows_without_login(client, world, town):
    indicator_analyse(indicator=world["indicator"], now=NOW)
    page = client.get(f"/steuerung/oeffentlich/{town.slug}/").content.decode()
    assert "Bebauungsplan Güterbahnhof" in page and "Angezeigte Kurzarbeit" in page
    world["indicator"].public = False
    world["indicator"].save()
    page = client.get(f"/steuerung/oeffentlich/{town.slug}/").content.decode()
    assert "Angezeigte Kurzarbeit" not in page


def test_the_import_page_shows_line_numbered_errors(client, world):
    client.force_login(world["users"]["mayor"])
    assert client.get("/steuerung/import/").status_code == 200
    upload = SimpleUploadedFile(
        "werte.csv",
        "datum;gebiet;kennzahl;wert;einheit\n2031-03;Gesamtstadt;Angezeigte Kurzarbeit;x;Personen\n".encode(
            "cp1252"
        ),
    )
    response = client.post("/steuerung/import/", {"file": upload})
    assert response.status_code == 400
    assert "keine Zahl" in response.content.decode()


def test_the_cockpit_exports_to_excel_with_formulas_neutralised(client, world):
    world["project"].title = "=HYPERLINK(1)"
    world["project"].save()
    client.force_login(world["users"]["mayor"])
    response = client.get("/steuerung/cockpit.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    titles = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert titles == ["'=HYPERLINK(1)"]


def test_the_indicator_list_shows_every_indicator_worst_first(client, world):
    indicator_analyse(indicator=world["indicator"], now=NOW)
    client.force_login(world["users"]["council"])
    page = client.get("/steuerung/kennzahlen/").content.decode()
    assert "Angezeigte Kurzarbeit" in page and "<svg" in page


def test_an_open_sdg_file_is_previewed_and_only_stored_after_confirming(client, world):
    indicator = world["indicator"]
    client.force_login(world["users"]["mayor"])
    page = client.get("/steuerung/import/open-sdg/").content.decode()
    assert "Kennzahl im Open-SDG-Format importieren" in page and indicator.name in page
    upload = SimpleUploadedFile(
        "indicator_8-5-2.csv", b"Year,Sex,Value\n2019,,410\n2019,female,200\n2020,,415\n"
    )
    before = IndicatorValue.objects.count()
    response = client.post(
        "/steuerung/import/open-sdg/", {"indicator": indicator.pk, "file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 Werte der Gesamtreihe werden übernommen" in page
    assert "1 aufgeschlüsselte Zeile" in page and "Werte übernehmen" in page
    assert IndicatorValue.objects.count() == before  # nothing written by the preview
    response = client.post("/steuerung/import/open-sdg/", {"confirm": "1"})
    assert response.status_code == 302 and response.url == f"/steuerung/kennzahlen/{indicator.pk}/"
    assert IndicatorValue.objects.count() == before + 2
    # confirming twice: the preview is gone
    response = client.post("/steuerung/import/open-sdg/", {"confirm": "1"}, follow=True)
    assert "Die Vorschau ist abgelaufen" in response.content.decode()


def test_an_open_sdg_file_with_errors_shows_them_at_their_lines(client, world):
    client.force_login(world["users"]["mayor"])
    upload = SimpleUploadedFile("x.csv", b"Year,Units,Value\n2020,Prozent,1\n")
    response = client.post(
        "/steuerung/import/open-sdg/", {"indicator": world["indicator"].pk, "file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Einheit „Prozent“ passt nicht zur Kennzahl (Personen)." in page
    assert "Werte übernehmen" not in page
    client.force_login(world["users"]["owner"])
    assert client.get("/steuerung/import/open-sdg/").status_code == 403


def test_one_predicate_decides_the_cases_link_and_the_public_only_scoping(
    client, world, make_user, town
):
    users = dict(world["users"])
    users["admin"] = make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="adm-steer")
    for key, user in users.items():
        if not user.has_perm(PERM_VIEW):
            continue
        works = user.has_perm(PERM_COMMENT)
        assert public_only(user) is (not works) is sees_public_only(user), key
        client.force_login(user)
        strategy = client.get("/steuerung/strategie/").content.decode()
        assert ('href="/steuerung/faelle/"' in strategy) is works, key
        assert client.get("/steuerung/faelle/").status_code == (200 if works else 404), key
    assert [k for k, u in users.items() if u.has_perm(PERM_VIEW) and public_only(u)] == ["council"]


def test_the_case_page_shows_the_body_decision_with_a_link_to_the_meeting(client, world):
    case, _new = case_open(
        kind="indicator",
        trigger="indicator:x",
        title="Kurzarbeit außerhalb des Korridors",
        explanation="x",
        assigned_unit=world["finance"],
        indicator=world["indicator"],
        now=NOW,
    )
    case_body_decision_record(
        actor=world["users"]["treasurer"],
        municipality_id=case.municipality_id,
        link=f"/steuerung/faelle/{case.pk}/",
        source_ref="meetings.decision:77",
        body="Krisenstab",
        meeting_title="Lagebesprechung Kurzarbeit",
        meeting_date=date(2031, 3, 20),
        text="Hilfsprogramm für Zulieferer auflegen.",
        result="Ja 5, Nein 1",
        url="/gremien/sitzung/4/#top-9",
        now=NOW,
    )
    client.force_login(world["users"]["mayor"])
    page = client.get(f"/steuerung/faelle/{case.pk}/").content.decode()
    assert "Beschlüsse der Gremien" in page and "Krisenstab, Sitzung vom 20.03.2031" in page
    assert "Hilfsprogramm für Zulieferer auflegen." in page and "Ja 5, Nein 1" in page
    assert 'href="/gremien/sitzung/4/#top-9"' in page
    assert "Beschluss eines Gremiums" in page and "entschieden" in page
    assert 'id="entscheiden"' not in page, "a decided case offers no decision form"
    decided = client.get("/steuerung/faelle/?status=decided").content.decode()
    assert "Kurzarbeit außerhalb des Korridors" in decided
