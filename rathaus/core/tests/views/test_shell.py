"""The page shell: one date format per language, titles without doubling (point 22)."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from rathaus.appointments.views.statistics import statistics_csv_rows
from rathaus.core import audit
from rathaus.core.api.tokens import api_token_issue
from rathaus.core.models import AuditEntry, Location, Role
from rathaus.core.templatetags.rathaus_shell import page_title

pytestmark = pytest.mark.django_db


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(("language", "expected"), [("de", "02.12.2026"), ("en", "2 Dec 2026")])
def test_one_short_date_format_per_language(language, expected):
    with translation.override(language):
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=date(2026, 12, 2)) == expected


def test_english_never_shows_the_us_month_first_date():
    with translation.override("en"):
        rendered = _render('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d|date }}', d=date(2026, 12, 2))
    assert "12/02/2026" not in rendered


def test_a_title_never_repeats_its_site_name():
    assert page_title("Leistungen wählen – Rathaus – Rathaus") == "Leistungen wählen – Rathaus"
    assert page_title(" – Rathaus") == "Rathaus"
    assert page_title("Wahl 2020–2025 – Musterstadt") == "Wahl 2020–2025 – Musterstadt"


def test_the_page_title_names_the_town_once(client, town, make_user):
    client.force_login(make_user(Role.PLANNER, municipality=town))
    html = client.get("/stammdaten/beschaeftigte/").content.decode()
    assert "<title>Beschäftigte – Musterstadt</title>" in html


def test_the_admin_speaks_german(client, town, make_user):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town)
    audit.record(actor=admin, instance=town, action="update", municipality_id=town.pk)
    client.force_login(admin)
    html = client.get("/admin/core/auditentry/").content.decode()
    assert "Objektart" in html
    assert "Object type" not in html


def test_the_admins_password_button_speaks_german():
    with translation.override("de"):
        assert translation.gettext("Reset password") == "Passwort zurücksetzen"
        assert translation.gettext("Password-based authentication") == "Anmeldung mit Passwort"


@pytest.mark.parametrize("table", ["", "schalter", "vorlauf"])
def test_the_staff_statistics_csv_headers_follow_the_language(table):
    with translation.override("en"):
        _name, header, _rows = statistics_csv_rows(
            Location.objects.none(), date(2026, 3, 2), date(2026, 3, 2), table
        )
    assert not {"Standort", "Datum", "Gebuchte Minuten", "Auslastung (%)"} & set(header)


def test_audit_summaries_follow_the_language(town, make_user):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town)
    with translation.override("en"):
        api_token_issue(actor=admin, user=admin, name="Fachverfahren")
    entry = AuditEntry.objects.get(object_type="core.ApiToken")
    assert entry.summary.startswith("API key “Fachverfahren” issued for")
