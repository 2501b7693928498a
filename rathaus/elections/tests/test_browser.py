"""Election night in the browser: two officers run the demo town's mayoral election end to end."""

import re

import pytest

from rathaus.core.demo import DEMO_PASSWORD, load_core
from rathaus.elections import demo
from rathaus.elections.models import District, Election
from rathaus.engines.counting import CsvMeta, DistrictResult, write_csv

FIRST_ROUND_WEIGHTS = [0.36, 0.32, 0.17, 0.09, 0.06]


def _split(total, weights):
    votes = [int(total * w) for w in weights]
    votes[0] += total - sum(votes)
    return votes


def _logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").last.click()
    page.wait_for_load_state()


def _runoff_csv(runoff: Election) -> bytes:
    """The runoff's figures as a votemanager file: Jansen wins with about 55 %."""
    rows = []
    for d in District.objects.filter(election=runoff).select_related("result").order_by("number"):
        r = d.result
        if d.number == "0101":
            continue  # entered by hand in the form
        if d.kind == "brief":
            b, b1, eligible = 800, 800, (0, 0, 0, 0)
        else:
            b, b1, eligible = round(r.a * 0.3), 2, (r.a1, r.a2, r.a3, r.a)
        c = 4
        valid = b - c
        jansen = round(valid * 0.55)
        rows.append(
            DistrictResult(
                d.number, d.name, d.kind, *eligible, b, b1, c, valid, (valid - jansen, jansen)
            )
        )
    return write_csv(CsvMeta(runoff.date, runoff.title, runoff.municipality.ags), rows).encode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officers_run_mayoral_election_and_runoff_end_to_end(page, live_server, axe_check):
    town = load_core()
    demo.load(town)
    election = Election.objects.get(municipality=town, title=demo.TITLE)

    # --- officer A enters the missing districts of the first round
    _login(page, live_server, "wahlamt")
    page.goto(f"{live_server.url}/wahlen/")
    axe_check(page)
    page.get_by_role("link", name=demo.TITLE).click()
    page.wait_for_load_state()
    assert "26 von 31" in page.content()
    axe_check(page)
    for number in sorted(demo.MISSING):
        page.get_by_role("link", name=f"Erfassen {number}", exact=True).click()
        page.wait_for_load_state()
        if number == "0304":
            # an implausible entry first: the message names district and column at the field
            page.fill("#id_b", "10")
            page.fill("#id_b1", "0")
            page.fill("#id_c", "0")
            page.fill("#id_d", "11")
            for i in range(1, 6):
                page.fill(f"#id_d{i}", "2")
            page.get_by_role("button", name="Meldung speichern").click()
            page.wait_for_load_state()
            error = page.locator("#id_b_error")
            assert "Wahlbezirk 0304" in error.inner_text() and "B (Wähler)" in error.inner_text()
            axe_check(page)
        postal = number.startswith("B")
        eligible = 0 if postal else int(page.input_value("#id_a"))
        b = 1000 if postal else round(eligible * 0.35)
        b1 = b if postal else 3
        c = 5
        votes = _split(b - c, FIRST_ROUND_WEIGHTS)
        page.fill("#id_b", str(b))
        page.fill("#id_b1", str(b1))
        page.fill("#id_c", str(c))
        page.fill("#id_d", str(b - c))
        for i, v in enumerate(votes, start=1):
            page.fill(f"#id_d{i}", str(v))
        page.get_by_role("button", name="Meldung speichern").click()
        page.wait_for_load_state()
        assert "Meldung gespeichert" in page.content()
    assert "Freigeben 0304" not in page.content()  # no approving one's own entries
    assert "Vorschau einschließlich" in page.content()  # staff-only preview of pending reports
    axe_check(page)
    _logout(page)

    # --- officer B approves; the decision is a runoff between the right two
    _login(page, live_server, "wahlamt2")
    page.goto(f"{live_server.url}/wahlen/{election.pk}/")
    page.get_by_role("button", name="Alle von anderen erfassten Meldungen freigeben").click()
    page.wait_for_load_state()
    heading = page.locator(".elections-decision h2").inner_text()
    assert heading == "Stichwahl am 28.09.2025 zwischen Dr. Anna Berger und Markus Jansen"
    assert "31 von 31" in page.content()
    axe_check(page)
    page.get_by_role("button", name="Stichwahl anlegen").click()
    page.wait_for_load_state()
    runoff = Election.objects.get(first_round=election)
    assert page.url.endswith(f"/wahlen/{runoff.pk}/")
    assert "Stichwahl am 28.09.2025 zwischen Dr. Anna Berger und Markus Jansen ist angelegt" in (
        page.content()
    )
    axe_check(page)

    # --- officer B enters the runoff: one district by hand, the rest from a votemanager file
    page.get_by_role("link", name="Erfassen 0101", exact=True).click()
    page.wait_for_load_state()
    eligible = int(page.input_value("#id_a"))
    b = round(eligible * 0.3)
    page.fill("#id_b", str(b))
    page.fill("#id_b1", "1")
    page.fill("#id_c", "2")
    page.fill("#id_d", str(b - 2))
    page.fill("#id_d1", str((b - 2) // 2 - 10))
    page.fill("#id_d2", str(b - 2 - ((b - 2) // 2 - 10)))
    axe_check(page)
    page.get_by_role("button", name="Meldung speichern").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="CSV importieren (votemanager)").click()
    page.wait_for_load_state()
    page.set_input_files(
        "#id_file",
        files=[{"name": "stichwahl.csv", "mimeType": "text/csv", "buffer": _runoff_csv(runoff)}],
    )
    page.get_by_role("button", name="Prüfen (Vorschau)").click()
    page.wait_for_load_state()
    assert "Vorschau: 30 Änderung(en)" in page.content()
    axe_check(page)
    page.get_by_role("button", name="Import ausführen").click()
    page.wait_for_load_state()
    assert "Import abgeschlossen: 30 Meldung(en) erfasst" in page.content()
    _logout(page)

    # --- officer A approves the runoff; the elected candidate is shown
    _login(page, live_server, "wahlamt")
    page.goto(f"{live_server.url}/wahlen/{runoff.pk}/")
    page.get_by_role("button", name="Alle von anderen erfassten Meldungen freigeben").click()
    page.wait_for_load_state()
    assert page.locator(".elections-decision h2").inner_text() == "Gewählt: Markus Jansen"
    axe_check(page)
    _logout(page)

    # --- the public (no login) sees it
    page.goto(f"{live_server.url}/wahlen/ergebnisse/")
    axe_check(page)
    page.get_by_role("link", name=runoff.title).click()
    page.wait_for_load_state()
    assert page.locator(".elections-decision h2").inner_text() == "Gewählt: Markus Jansen"
    assert re.search(r"31 von 31 Bezirken gemeldet", page.content())
    assert page.locator("svg.elections-chart").count() == 1
    axe_check(page)
    page.goto(f"{live_server.url}/wahlen/ergebnisse/{election.pk}/")
    assert "Zur Stichwahl am 28.09.2025" in page.content()
    axe_check(page)
