"""What each role can do: the start page shows the entries the user may open.

An entry's roles say whom it is for; its ``perm`` is the check its view makes, and an entry
is shown only when ``user.has_perm(perm)`` holds too, so no card leads to a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import Role


@dataclass(frozen=True)
class Entry:
    title: str
    url_name: str
    description: str
    roles: frozenset[str]  # empty: everyone, including citizens
    perm: str = ""  # the permission its view checks; without it the card is not shown

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


STAFF = frozenset(r.value for r in Role)
ENTRIES = [
    Entry(
        _("Termin buchen"),
        "appointments:start",
        _("Einen Termin im Bürgerbüro vereinbaren."),
        frozenset(),
    ),
    Entry(
        _("Wahlergebnisse"),
        "elections:public_index",
        _("Ergebnisse der Wahlen nach Wahlbezirken."),
        frozenset(),
    ),
    Entry(
        _("Tagesübersicht Bürgerbüro"),
        "appointments:staff_day",
        _("Termine, Aufruf, Wartemarken."),
        frozenset({Role.CLERK, Role.MUNICIPALITY_ADMIN}),
        perm="appointments.staff_counter",
    ),
    Entry(
        _("Terminstatistik"),
        "appointments:statistics",
        _("Vorlaufzeit, Auslastung, Nichterscheinen."),
        frozenset({Role.CLERK, Role.LEADERSHIP, Role.MUNICIPALITY_ADMIN}),
        perm="appointments.staff_statistics",
    ),
    Entry(
        _("Mein Arbeitsplan"),
        "presence:my_plan",
        _("Eigene Büro- und Homeoffice-Tage, Wünsche und Abwesenheiten."),
        frozenset({Role.EMPLOYEE, Role.TEAM_LEAD, Role.PLANNER, Role.CLERK}),
        perm="presence.view_own_plan",
    ),
    Entry(
        _("Wer ist heute vor Ort?"),
        "presence:today",
        _("Anwesenheit nach Gebäude und Etage."),
        frozenset({Role.EMPLOYEE, Role.TEAM_LEAD, Role.PLANNER, Role.LEADERSHIP, Role.CLERK}),
        perm="presence.view_today",
    ),
    Entry(
        _("Dienst- und Präsenzplanung"),
        "presence:index",
        _("Planungszeiträume, Regeln, Planberechnung."),
        frozenset({Role.PLANNER, Role.TEAM_LEAD, Role.MUNICIPALITY_ADMIN}),
        perm="presence.plan",
    ),
    Entry(
        _("Wahlen verwalten"),
        "elections:index",
        _("Schnellmeldungen erfassen und freigeben."),
        frozenset({Role.ELECTION_OFFICER}),
        perm="elections.view_staff",
    ),
    Entry(
        _("Beschäftigte"),
        "core:employees",
        _("Personen, Organisationseinheiten, Import."),
        frozenset(
            {
                Role.PLANNER,
                Role.MUNICIPALITY_ADMIN,
                Role.REGION_ADMIN,
                Role.TEAM_LEAD,
                Role.LEADERSHIP,
            }
        ),
        perm="core.manage_people",
    ),
    Entry(
        _("Räume"),
        "core:rooms",
        _("Standorte, Räume, Kapazitäten."),
        frozenset({Role.PLANNER, Role.MUNICIPALITY_ADMIN, Role.REGION_ADMIN}),
        perm="core.manage_people",
    ),
    Entry(
        _("Import"),
        "core:import",
        _("Beschäftigte und Räume aus CSV oder Excel übernehmen."),
        frozenset({Role.PLANNER, Role.MUNICIPALITY_ADMIN}),
        perm="core.import_master_data",
    ),
    Entry(
        _("Änderungsprotokoll"),
        "core:audit",
        _("Wer hat wann was geändert."),
        frozenset({Role.MUNICIPALITY_ADMIN, Role.REGION_ADMIN, Role.LEADERSHIP}),
        perm="core.view_audit",
    ),
    Entry(
        _("Stammdatenverwaltung"),
        "admin:index",
        _("Kommunen, Standorte, Räume, Rollen."),
        frozenset({Role.MUNICIPALITY_ADMIN, Role.REGION_ADMIN}),
        perm="core.use_admin",
    ),
    Entry(
        _("Steuerung"),
        "steering:cockpit",
        _("Strategie, Projekte, Kennzahlen mit Frühwarnung, Steuerungsfälle."),
        frozenset(
            {
                Role.LEADERSHIP,
                Role.MUNICIPALITY_ADMIN,
                Role.PROJECT_OWNER,
                Role.DEPARTMENT_HEAD,
                Role.COUNCIL_MEMBER,
            }
        ),
        perm="steering.view",
    ),
    Entry(
        _("Gremien und Sitzungen"),
        "meetings:index",
        _("Krisenstab, Zukunftsstab, Rat: Sitzungen, Protokolle, Aufträge."),
        frozenset(
            {
                Role.MEETINGS_OFFICE,
                Role.LEADERSHIP,
                Role.EMPLOYEE,
                Role.TEAM_LEAD,
                Role.MUNICIPALITY_ADMIN,
            }
        ),
        perm="meetings.view",
    ),
    Entry(
        _("Bürgerbeteiligung"),
        "participation:index",
        _("Bei Plänen der Stadt mitreden: Ideen, Kommentare, Ergebnisse."),
        frozenset(),
    ),
    Entry(
        _("Beteiligungsverfahren"),
        "participation:staff_index",
        _("Verfahren, Einladungen, Beteiligungsbericht, „Sie sagten, wir taten“."),
        frozenset({Role.PROCESS_PLANNER, Role.MODERATOR, Role.LEADERSHIP, Role.MUNICIPALITY_ADMIN}),
        perm="participation.view_staff",
    ),
    Entry(
        _("Moderation Bürgerbeteiligung"),
        "participation:moderation",
        _("Gemeldete und wartende Beiträge, Ausblenden mit Begründung."),
        frozenset({Role.MODERATOR, Role.MUNICIPALITY_ADMIN}),
        perm="participation.moderate",
    ),
    Entry(
        _("Personalpool der Region"),
        "staffpool:index",
        _("Freiwillige und Reserve, Anfragen, Abordnungen, Stundenkonto."),
        frozenset(
            {Role.POOL_COORDINATOR, Role.REGION_COORDINATOR, Role.POOL_HELPER, Role.LEADERSHIP}
        ),
        perm="staffpool.view",
    ),
    Entry(
        _("Servicestandards"),
        "standards:index",
        _("Leistungsversprechen der Region, gemessen und fair verglichen."),
        frozenset(
            {
                Role.REGION_COORDINATOR,
                Role.REGION_ADMIN,
                Role.MUNICIPALITY_ADMIN,
                Role.LEADERSHIP,
                Role.CLERK,
            }
        ),
        perm="standards.view",
    ),
    Entry(
        _("Rechtliche Angaben"),
        "core:legal_edit",
        _("Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit."),
        frozenset({Role.MUNICIPALITY_ADMIN, Role.REGION_ADMIN}),
        perm="core.edit_legal_pages",
    ),
    Entry(
        _("Kommune anlegen"),
        "core:municipality_create",
        _("Eine neue Kommune in der Region aufnehmen."),
        frozenset({Role.REGION_ADMIN}),
        perm="core.create_municipality",
    ),
]


def may_open(user, entry: Entry) -> bool:
    """Whether ``entry`` is for ``user`` (its roles) and opens for them (its view's permission)."""
    if entry.perm and not (user.is_authenticated and user.has_perm(entry.perm)):
        return False
    if not entry.roles:
        return True
    stored = user.roles if user.is_authenticated else None
    roles = set(stored) if isinstance(stored, list) else set()
    return bool(roles & entry.roles)


def entries_for(user) -> list[tuple[Entry, str]]:
    visible = []
    for entry in ENTRIES:
        if not may_open(user, entry):
            continue
        url = entry.url()
        if url:
            visible.append((entry, url))
    return visible
