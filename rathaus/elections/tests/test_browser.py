"""Election night in the browser: two officers run the demo town's mayoral election end to end."""

import re

import pytest

from rathaus.core.demo import load_core
from rathaus.core.models import User
from rathaus.core.testing import browser_sign_in, shot
from rathaus.elections import demo
from rathaus.elections.models import District, Election, Result
from rathaus.elections.selectors.elections import runoff_date_for
from rathaus.elections.services.results import result_approve
from rathaus.engines.counting import CsvMeta, DistrictResult, write_csv

FIRST_ROUND_WEIGHTS = [0.36, 0.32, 0.17, 0.09, 0.06]


def _split(total, weights):
    votes = [int(total * w) for w in weights]
    votes[0] += total - sum(votes)
    return votes


def _logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()


def _approve_each(page, axe_check, expect):
    """The second officer reviews every waiting report, one page each, and approves it."""
    page.get_by_role("link", name=re.compile("Meldungen prüfen und freigeben")).click()
    page.wait_for_load_state()
    seen = []
    while "/freigeben/" in page.url:
        heading = page.locator("h1").inner_text()
        seen.append(heading)
        assert page.locator("#review").count() == 1  # the figures, before the button
        expect(page)
        axe_check(page)
        page.get_by_role("button", name="Zahlen geprüft – freigeben").click()
        page.wait_for_load_state()
    return seen


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
    runoff_day = f"{runoff_date_for(election):%d.%m.%Y}"  # the demo is relative to today

    # --- officer A enters the missing districts of the first round
    browser_sign_in(page, live_server.url, "wahlamt")
    page.goto(f"{live_server.url}/wahlen/")
    axe_check(page)
    page.get_by_role("link", name=demo.TITLE, exact=True).click()
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
    assert "Prüfen und freigeben 0304" not in page.content()  # not one's own entries
    row = page.locator("#district-0304").inner_text()
    assert "noch nicht gemeldet" not in row and "Freigabe ausstehend" in row  # figures shown
    assert "Vorschau einschließlich" in page.content()  # staff-only preview of pending reports
    axe_check(page)
    shot(page, "detail-pending")
    # a correction of an approved district, to be reviewed with what changed
    page.get_by_role("link", name="Korrigieren 0101", exact=True).click()
    page.wait_for_load_state()
    c = int(page.input_value("#id_c"))
    d1 = int(page.input_value("#id_d1"))
    d2 = int(page.input_value("#id_d2"))
    page.fill("#id_d1", str(d1 + 7))
    page.fill("#id_d2", str(d2 - 7))
    page.fill("#id_reason", "Zahlendreher in der Niederschrift")
    page.get_by_role("button", name="Meldung speichern").click()
    page.wait_for_load_state()
    assert "Meldung gespeichert" in page.content() and c >= 0
    _logout(page)

    # --- officer B sees each report's figures (and the change) before approving it
    browser_sign_in(page, live_server.url, "wahlamt2")
    page.goto(f"{live_server.url}/wahlen/{election.pk}/")
    assert "Alle von anderen erfassten Meldungen freigeben" not in page.content()

    def expect(review_page):
        text = review_page.locator("main").inner_text()
        assert "Erfasst von wahlamt" in text
        assert "Stimmen für Dr. Anna Berger (CDU)" in text
        if "0101" in review_page.locator("h1").inner_text():
            assert "Zahlendreher in der Niederschrift" in text
            assert "Zuletzt freigegeben" in text
            assert review_page.locator("tr.elections-changed").count() == 2
            shot(review_page, "approve-correction")

    seen = _approve_each(page, axe_check, expect)
    assert len(seen) == 6  # 0101 (correction), 0304, 0405, 0502, 0503, B06
    heading = page.locator(".elections-decision h2").inner_text()
    assert heading == f"Stichwahl am {runoff_day} zwischen Dr. Anna Berger und Markus Jansen"
    assert "31 von 31" in page.content()
    axe_check(page)
    shot(page, "detail-complete")
    # the final determination asks first and names what is still provisional
    page.get_by_role("link", name="Endgültiges Ergebnis feststellen …").click()
    page.wait_for_load_state()
    provisional = page.locator("#provisional").inner_text()
    assert "31 Bezirk(e) nur als Schnellmeldung" in provisional
    assert page.get_by_role("button", name="Endgültiges Ergebnis jetzt feststellen").count() == 0
    axe_check(page)
    shot(page, "finalize")
    page.goto(f"{live_server.url}/wahlen/{election.pk}/")
    page.get_by_role("button", name="Stichwahl anlegen").click()
    page.wait_for_load_state()
    runoff = Election.objects.get(first_round=election)
    assert page.url.endswith(f"/wahlen/{runoff.pk}/")
    assert f"Stichwahl am {runoff_day} zwischen Dr. Anna Berger und Markus Jansen ist angelegt" in (
        page.content()
    )
    axe_check(page)
    # the election office publishes the runoff itself; the first round points to it at once
    page.goto(f"{live_server.url}/wahlen/ergebnisse/{election.pk}/")
    assert "Zur Stichwahl" not in page.content()
    page.goto(f"{live_server.url}/wahlen/{runoff.pk}/")
    page.get_by_role("button", name="Veröffentlichen").click()
    page.wait_for_load_state()
    assert "ist veröffentlicht" in page.content()
    axe_check(page)
    page.goto(f"{live_server.url}/wahlen/ergebnisse/{election.pk}/")
    assert f"Zur Stichwahl am {runoff_day}" in page.content()
    assert (
        page.request.get(f"{live_server.url}/api/v1/elections/{election.pk}").json()["runoff_id"]
        == runoff.pk
    )
    page.goto(f"{live_server.url}/wahlen/{runoff.pk}/")

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

    # --- officer A approves the runoff: two reports reviewed here, the rest as the service
    browser_sign_in(page, live_server.url, "wahlamt")
    page.goto(f"{live_server.url}/wahlen/{runoff.pk}/")
    page.get_by_role("link", name=re.compile("Meldungen prüfen und freigeben")).click()
    page.wait_for_load_state()
    for _ in range(2):
        assert page.locator("#review").count() == 1
        page.get_by_role("button", name="Zahlen geprüft – freigeben").click()
        page.wait_for_load_state()
    officer_a = User.objects.get(username="wahlamt")
    for result in Result.objects.filter(election=runoff, state=Result.State.ENTERED):
        result_approve(result=result, actor=officer_a)
    page.goto(f"{live_server.url}/wahlen/{runoff.pk}/")
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
    assert page.locator("figure.bar-chart svg[role=img]").count() == 1
    axe_check(page)
    page.goto(f"{live_server.url}/wahlen/ergebnisse/{election.pk}/")
    assert f"Zur Stichwahl am {runoff_day}" in page.content()
    assert "seitlich wischen" in page.content()
    axe_check(page)
    shot(page, "public-first-round")


DISTRICT_LIST = (
    "nummer;name;art;a1;a2;a3\r\n"
    + "".join(f"{n:04d};Bezirk {n};urne;1200;300;2\r\n" for n in range(101, 111))
    + "B01;Briefwahl 1;brief;;;\r\nB02;Briefwahl 2;brief;;;\r\n"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_election_office_sets_up_an_election_with_candidates_and_districts(
    page, live_server, axe_check
):
    town = load_core()
    demo.load(town)
    browser_sign_in(page, live_server.url, "wahlamt")
    page.goto(f"{live_server.url}/wahlen/")
    page.get_by_role("link", name="Neue Wahl anlegen").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label("Bezeichnung").fill("Bürgermeisterwahl 2030")
    page.get_by_label("Wahltag").fill("2030-09-08")
    page.get_by_label("Vergleichswahl").select_option(
        label=str(Election.objects.get(municipality=town, title=demo.TITLE))
    )
    for i, (name, party) in enumerate(
        [
            ("Dr. Anna Berger", "CDU"),
            ("Markus Jansen", "SPD"),
            ("Olga Neu", ""),
            ("Kai Frei", "FDP"),
            ("Lea Grün", "GRÜNE"),
        ]
    ):
        page.fill(f"#id_candidates-{i}-name", name)
        page.fill(f"#id_candidates-{i}-party", party)
    shot(page, "election-form")
    page.get_by_role("button", name="Wahl anlegen und Wahlbezirke eintragen").click()
    page.wait_for_load_state()
    assert "Bürgermeisterwahl 2030 ist angelegt" in page.content()
    axe_check(page)
    election = Election.objects.get(title="Bürgermeisterwahl 2030")
    assert list(election.candidates.values_list("name", flat=True)) == [
        "Dr. Anna Berger",
        "Markus Jansen",
        "Olga Neu",
        "Kai Frei",
        "Lea Grün",
    ]

    # a faulty list first: refused whole, with the line
    page.get_by_role("link", name="Bezirksliste importieren (CSV oder Excel)").click()
    page.wait_for_load_state()
    bad = DISTRICT_LIST.replace("0105;Bezirk 105;urne;1200", "0105;Bezirk 105;urne;zwölf")
    page.set_input_files(
        "#id_file", files=[{"name": "bezirke.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Prüfen (Vorschau)").click()
    page.wait_for_load_state()
    assert (
        "Zeile 6: A1, A2 und A3 müssen ganze Zahlen" in page.locator("#import-errors").inner_text()
    )
    axe_check(page)
    page.set_input_files(
        "#id_file",
        files=[{"name": "bezirke.csv", "mimeType": "text/csv", "buffer": DISTRICT_LIST.encode()}],
    )
    page.get_by_role("button", name="Prüfen (Vorschau)").click()
    page.wait_for_load_state()
    assert "Vorschau: 12 Wahlbezirke" in page.content()
    axe_check(page)
    page.get_by_role("button", name="Import ausführen").click()
    page.wait_for_load_state()
    assert "12 Wahlbezirke importiert" in page.content()
    # one more by hand
    page.get_by_label("Nummer").fill("0111")
    page.get_by_label("Name", exact=True).fill("Hafen")
    page.get_by_label("A1 – Wahlberechtigte ohne Wahlschein").fill("900")
    page.get_by_label("A2 – Wahlberechtigte mit Wahlschein").fill("100")
    page.get_by_label("A3 – Wahlberechtigte nicht im Wählerverzeichnis").fill("0")
    page.get_by_role("button", name="Wahlbezirk hinzufügen").click()
    page.wait_for_load_state()
    assert "Wahlbezirk 0111 ist angelegt" in page.content()
    assert "13 Wahlbezirke" in page.locator("#district-list caption").inner_text()
    axe_check(page)
    shot(page, "districts")

    page.goto(f"{live_server.url}/wahlen/{election.pk}/")
    axe_check(page)
    page.get_by_role("button", name="Veröffentlichen").click()
    page.wait_for_load_state()
    assert "ist veröffentlicht" in page.content()
    election.refresh_from_db()
    assert election.status == Election.Status.COUNTING
    assert election.districts.count() == 13 and election.results.count() == 13
    page.goto(f"{live_server.url}/wahlen/ergebnisse/{election.pk}/")
    assert "0 von 13 Bezirken gemeldet" in page.content()
    axe_check(page)
