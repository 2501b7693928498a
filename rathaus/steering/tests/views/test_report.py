"""The council's controlling report as PDF."""

import pytest

from rathaus.steering.services.indicators import indicator_analyse

pytestmark = pytest.mark.django_db


def test_the_mayor_downloads_the_controlling_report_of_a_month(client, world):
    indicator_analyse(indicator=world["indicator"])
    client.force_login(world["users"]["mayor"])
    assert "Controllingbericht für den Rat (PDF)" in client.get("/steuerung/").content.decode()
    response = client.get("/steuerung/bericht.pdf?monat=2031-02")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="controlling-2031-02.pdf"' in response["Content-Disposition"]


def test_a_malformed_month_falls_back_and_other_roles_are_refused(client, world):
    client.force_login(world["users"]["council"])
    response = client.get("/steuerung/bericht.pdf?monat=13-2031")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(world["users"]["employee"])
    assert client.get("/steuerung/bericht.pdf").status_code == 403
