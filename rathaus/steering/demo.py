"""Demo data of the steering app: Musterstadt's strategy for the current council term.

Herne-like action fields (a 30 ha technology park, smart city, a new urban quarter on the old
freight yard, securing jobs), 16 projects with milestones, a year of monthly status reports
and budgets, nine indicators with five years of monthly values (a short-time-work surge in the
last four months, out of its band), open steering cases and one decided case that moved a
milestone. Everything is relative to today. Idempotent: nothing happens once the plan exists.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.models import Employee, Municipality, OrgUnit, User
from rathaus.engines.indicators import add_months
from rathaus.steering.models import (
    ActionField,
    BudgetLine,
    CaseComment,
    Goal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    MilestoneRevision,
    Programme,
    Project,
    StatusReport,
    SteeringCase,
    SteeringSettings,
    StrategyPlan,
)
from rathaus.steering.services.indicators import indicator_analyse
from rathaus.steering.services.projects import projects_sweep

# (title, description, goals [(title, sdgs)])
FIELDS = [
    (
        "Technologiepark Nord (30 ha)",
        "Die frühere Zechenfläche wird zum Technologiepark für Ansiedlungen und Gründungen.",
        [
            ("1.500 neue Arbeitsplätze bis 2030", [8, 9]),
            ("Flächen erschließen und vermarkten", [9, 11]),
        ],
    ),
    (
        "Smart City – Innovation durch Digitalisierung",
        "Aus dem Smart-City-Wettbewerb: digitale Bürgerdienste, Daten und Netze für alle.",
        [
            ("Verwaltungsleistungen digital anbieten", [16]),
            ("Digitale Infrastruktur ausbauen", [9]),
        ],
    ),
    (
        "Neues Stadtquartier am Güterbahnhof",
        "Auf 18 ha entsteht ein gemischtes, klimaneutrales Quartier mit 800 Wohnungen.",
        [("800 Wohnungen, davon 30 % gefördert", [11]), ("Klimaneutrales Quartier", [7, 13])],
    ),
    (
        "Arbeit und Beschäftigung sichern",
        "Nach 839 verlorenen Arbeitsplätzen in einem Monat: Bündnis für Beschäftigung.",
        [("Beschäftigung am Arbeitsort halten", [8])],
    ),
]

# (field, goal, title, unit, status, months since start, months to end, public, pattern)
# pattern: the lights of the last reports, newest last (g/a/r), "" = never reported.
PROJECTS = [
    (0, 0, "Erschließung Technologiepark Nord", "66", "running", 20, 22, True, "ggggaaaarraa"),
    (0, 0, "Gründerzentrum Campus Nord", "12", "running", 14, 18, True, "gggggggggggg"),
    (
        0,
        1,
        "Ansiedlungsmanagement und Flächenvermarktung",
        "10",
        "running",
        12,
        36,
        True,
        "ggggggaaaaaa",
    ),
    (0, 1, "Anbindung Buslinie 12", "66", "planned", -4, 20, False, ""),
    (1, 0, "Digitale Bürgerdienste (OZG)", "12", "running", 30, 12, True, "ggggaaaaaaag"),
    (1, 1, "Glasfaser für alle Schulen", "12", "running", 16, 8, True, "gggggggggggg"),
    (1, 1, "Urbane Datenplattform", "12", "running", 10, 14, False, "ggggggaaaaar"),
    (1, 1, "Sensorik Parkraum Innenstadt", "32", "done", 30, -2, True, "gggggggggggg"),
    (1, 0, "Antrag Smart-City-Förderung", "12", "done", 24, -12, True, ""),
    (2, 0, "Bebauungsplan Güterbahnhof", "61", "running", 18, 14, True, "gggaaaaaarrr"),
    (2, 1, "Bodensanierung Altlasten Güterbahnhof", "66", "running", 9, 15, False, "aaaaaaaaa"),
    (2, 0, "Bürgerbeteiligung Quartier Güterbahnhof", "61", "running", 8, 10, True, "gggggggg"),
    (2, 1, "Nahwärmenetz Güterbahnhof", "66", "planned", -6, 40, False, ""),
    (2, 0, "Grundschule am Güterbahnhof", "63", "planned", -10, 48, False, ""),
    (3, 0, "Beschäftigungsbündnis mit den Kammern", "10", "running", 5, 19, True, "gggga"),
    (3, 0, "Qualifizierungsoffensive Kurzarbeit", "50", "running", 3, 21, True, "gga"),
]

MILESTONES = [
    ("Auftrag vergeben", 0.1),
    ("Planung abgeschlossen", 0.35),
    ("Umsetzung Bauabschnitt 1", 0.6),
    ("Abnahme", 0.95),
]

# (name, unit, source, polarity, level, trend per year, season, noise, public, field, surge)
INDICATORS = [
    (
        "SV-Beschäftigte am Arbeitsort",
        "Personen",
        "Bundesagentur für Arbeit",
        "up",
        52_000,
        700,
        300,
        120,
        True,
        3,
        None,
    ),
    (
        "SV-Beschäftigte am Wohnort",
        "Personen",
        "Bundesagentur für Arbeit",
        "up",
        47_500,
        350,
        200,
        90,
        True,
        3,
        None,
    ),
    (
        "Arbeitslose",
        "Personen",
        "Bundesagentur für Arbeit",
        "down",
        4_300,
        -60,
        250,
        40,
        True,
        3,
        None,
    ),
    (
        "Angezeigte Kurzarbeit",
        "Personen",
        "Bundesagentur für Arbeit",
        "down",
        380,
        0,
        40,
        25,
        True,
        3,
        "surge",
    ),
    (
        "Online-Stellenanzeigen",
        "Anzeigen",
        "Jobbörse (Frühindikator)",
        "up",
        1_450,
        40,
        120,
        35,
        False,
        3,
        "dip",
    ),
    ("Gewerbeanmeldungen", "Anmeldungen", "Gewerbeamt", "up", 46, 1, 6, 4, True, 0, None),
    (
        "Arbeitsplätze im Technologiepark",
        "Arbeitsplätze",
        "Wirtschaftsförderung",
        "up",
        120,
        190,
        0,
        6,
        True,
        0,
        None,
    ),
    (
        "Online abgewickelte Verwaltungsleistungen",
        "%",
        "IT und Digitalisierung",
        "up",
        18,
        5,
        1,
        0.8,
        True,
        1,
        None,
    ),
    ("Fertiggestellte Wohnungen", "Wohnungen", "Bauordnung", "up", 22, 2, 5, 5, True, 2, None),
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _users(town: Municipality) -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(municipality=town)}
    links = {"projektleitung": "61", "fachbereichsleitung": "FB3", "kaemmerer": "20"}
    for username, code in links.items():
        user = users.get(username)
        unit = OrgUnit.objects.filter(municipality=town, code=code).first()
        if user is None or unit is None or hasattr(user, "employee"):
            continue
        Employee.objects.create(
            municipality=town,
            personnel_number=f"S-{username[:10]}",
            first_name={
                "projektleitung": "Petra",
                "fachbereichsleitung": "Frank",
                "kaemmerer": "Karl",
            }[username],
            last_name={
                "projektleitung": "Plan",
                "fachbereichsleitung": "Bau",
                "kaemmerer": "Kasse",
            }[username],
            org_unit=unit,
            job_role="lead",
            user=user,
        )
    return users


@transaction.atomic
def load(town: Municipality, now=None) -> None:
    if StrategyPlan.objects.filter(municipality=town).exists():
        return
    today = timezone.localdate(now_or(now))
    rng = random.Random(12)
    # Musterstadt reports monthly; the setting (admin: "Einstellungen Steuerung") may say
    # quarterly instead.
    SteeringSettings.objects.get_or_create(municipality=town)
    users = _users(town)
    units = {u.code: u for u in OrgUnit.objects.filter(municipality=town)}
    term_start = date(today.year - 1, 11, 1)
    plan = StrategyPlan.objects.create(
        municipality=town,
        title=f"Musterstadt {term_start.year + 5} – Strategie der Wahlperiode",
        term_start=term_start,
        term_end=date(term_start.year + 5, 10, 31),
        vision=(
            "Musterstadt ist eine Stadt der Arbeit, die den Strukturwandel selbst gestaltet: "
            "mit neuen Arbeitsplätzen auf alten Flächen, einer digitalen Verwaltung und "
            "lebendigen, klimaneutralen Quartieren."
        ),
    )
    fields, goals = [], []
    for position, (title, description, goal_specs) in enumerate(FIELDS):
        field = ActionField.objects.create(
            municipality=town, plan=plan, title=title, description=description, position=position
        )
        fields.append(field)
        goals.append(
            [
                Goal.objects.create(
                    municipality=town, action_field=field, title=g, sdgs=sdgs, position=i
                )
                for i, (g, sdgs) in enumerate(goal_specs)
            ]
        )
    projects = _projects(town, today, rng, fields, goals, units, users)
    _programme(town, plan, projects)
    indicators = _indicators(town, today, rng, fields, goals, units)
    _cases(town, today, projects, indicators, units, users)
    for indicator in indicators.values():
        indicator_analyse(indicator=indicator, now=_at(today, 6))
    projects_sweep(municipality=town, now=_at(today, 6))


def _projects(town, today, rng, fields, goals, units, users) -> dict[str, Project]:
    projects = {}
    owner = users.get("projektleitung")
    for f, g, title, code, status, since, until, public, pattern in PROJECTS:
        start = add_months(today, -since)
        end = add_months(today, until)
        project = Project.objects.create(
            municipality=town,
            action_field=fields[f],
            goal=goals[f][g],
            title=title,
            description=f"{title}: Teil des Handlungsfelds „{fields[f].title}“.",
            owner_unit=units[code],
            owner=owner if code == "61" else None,
            start=start,
            end=end,
            status=status,
            public=public,
            budget_threshold=10,
        )
        projects[title] = project
        span = (end - start).days
        dues = [start + timedelta(days=int(span * share)) for _name, share in MILESTONES]
        past = [i for i, due in enumerate(dues) if due < today - timedelta(days=20)]
        # The red projects miss their most recent milestone: the time light computes red.
        missed = past[-1] if past and pattern.endswith("r") else None
        for i, ((name, _share), due) in enumerate(zip(MILESTONES, dues, strict=True)):
            done = status == "done" or (i in past and i != missed)
            Milestone.objects.create(
                municipality=town,
                project=project,
                title=name,
                due=due,
                done_on=due + timedelta(days=rng.randint(-5, 12)) if done else None,
            )
        _reports(town, project, pattern, today, users)
        _budget(town, project, today, rng)
    return projects


# One programme that spans two action fields: digital services and data (Smart City) and the
# smart heat grid of the new quarter.
PROGRAMME = (
    "Smart City",
    "Das Förderprogramm des Smart-City-Wettbewerbs bündelt die digitalen Projekte aus "
    "Verwaltung und Stadtquartier: gemeinsame Datenplattform, gemeinsame Förderfristen.",
    (
        "Digitale Bürgerdienste (OZG)",
        "Urbane Datenplattform",
        "Sensorik Parkraum Innenstadt",
        "Nahwärmenetz Güterbahnhof",
    ),
)


def _programme(town, plan, projects: dict[str, Project]) -> None:
    title, description, members = PROGRAMME
    programme = Programme.objects.create(
        municipality=town, plan=plan, title=title, description=description
    )
    Project.objects.filter(pk__in=[projects[t].pk for t in members]).update(programme=programme)


SUMMARIES = {
    "g": "Arbeiten im Zeitplan; Abstimmung mit den Fachämtern läuft.",
    "a": "Verzögerung bei der Vergabe; Nachforderungen eines Bieters werden geprüft.",
    "r": "Meilenstein verfehlt: Gutachten fehlt, Budget reicht ohne Umplanung nicht.",
}


CODES = {"g": "green", "a": "amber", "r": "red"}


def _budget_light(project, light: str) -> str:
    if project.title == "Urbane Datenplattform" and light != "green":
        return "red"
    return "amber" if light == "red" else light


def _reports(town, project, pattern, today, users) -> None:
    author = users.get("projektleitung") or users.get("buergermeisterin")
    # Two running projects miss last month's report: the cockpit shows them as overdue.
    skip_last = project.title in ("Urbane Datenplattform", "Bodensanierung Altlasten Güterbahnhof")
    for i, code in enumerate(pattern):
        light = CODES[code]
        months_ago = len(pattern) - i
        if skip_last and months_ago == 1:
            continue
        period = add_months(today, -months_ago)
        StatusReport.objects.create(
            municipality=town,
            project=project,
            period=period,
            submitted_at=_at(min(add_months(period, 1) + timedelta(days=4), today), 8),
            author=author,
            time=light,
            budget="red"
            if project.title == "Urbane Datenplattform" and light != "g"
            else light
            if light != "r"
            else "amber",
            scope="green",
            risk=light,
            computed={"time": light, "budget": "green"},
            summary=SUMMARIES[code],
            next_steps="Nächster Bericht im Folgemonat; offene Punkte im Zukunftsstab.",
        )


def _budget(town, project, today, rng) -> None:
    if project.status == "planned":
        return
    for year in (today.year - 1, today.year):
        planned = Decimal(rng.randrange(200, 2400) * 1000)
        ratio = 0.55 if year == today.year else 0.97
        if project.title == "Urbane Datenplattform" and year == today.year:
            ratio = 1.18
        used = planned * Decimal(str(ratio))
        BudgetLine.objects.create(
            municipality=town,
            project=project,
            year=year,
            product=f"{project.owner_unit.code}.{rng.randint(10, 99)}.01",
            cost_centre=f"{project.owner_unit.code}{rng.randint(100, 999)}",
            source="grant" if project.action_field.position == 1 else "own",
            grant_deadline=date(year + 1, 6, 30) if project.action_field.position == 1 else None,
            planned=planned,
            committed=(used * Decimal("0.4")).quantize(Decimal("1")),
            actual=(used * Decimal("0.6")).quantize(Decimal("1")),
            forecast=(planned * Decimal(str(max(ratio, 1.0)))).quantize(Decimal("1")),
        )


def _series(spec, months: list[date], rng) -> list[float]:
    _name, _unit, _src, _pol, level, trend, season, noise, _pub, _f, shape = spec
    values = []
    for i, month in enumerate(months):
        value = level + trend * i / 12 + season * math.cos(2 * math.pi * (month.month - 1) / 12)
        value += rng.gauss(0, noise)
        left = len(months) - i
        if shape == "surge" and left <= 4:
            value = {4: 620, 3: 1_350, 2: 2_250, 1: 2_900}[left] + rng.gauss(0, 30)
        if shape == "dip" and left <= 5:
            value -= 90 * (6 - left)
        values.append(round(value, 1) if isinstance(noise, float) else round(value))
    return values


def _indicators(town, today, rng, fields, goals, units) -> dict[str, Indicator]:
    months = [add_months(today, -i) for i in range(60, 0, -1)]
    indicators: dict[str, Indicator] = {}
    for spec in INDICATORS:
        name, unit, source, polarity, level, trend, season, noise, public, f, shape = spec
        indicator = Indicator.objects.create(
            municipality=town,
            name=name,
            unit=unit,
            source=source,
            definition=f"{name}, Monatswert zum Stichtag Monatsende.",
            polarity=polarity,
            area="Gesamtstadt",
            action_field=fields[f],
            goal=goals[f][0],
            responsible_unit=units["10" if f == 3 else "12" if f == 1 else "61"],
            public=public,
        )
        indicators[name] = indicator
        values = _series(spec, months, rng)
        rows = []
        for month, value in zip(months, values, strict=True):
            # Employment figures stay provisional for six months and are revised later.
            recent = month >= add_months(today, -6) and source.startswith("Bundesagentur")
            revised = "Beschäftigte" in name and add_months(today, -9) <= month < add_months(
                today, -6
            )
            rows.append(
                IndicatorValue(
                    municipality=town,
                    indicator=indicator,
                    ref_date=month,
                    version=1,
                    value=value * (0.995 if revised else 1),
                    published_on=add_months(month, 2),
                    provisional=recent,
                )
            )
            if (
                month < add_months(today, -6)
                and "Beschäftigte" in name
                and month >= add_months(today, -9)
            ):
                rows.append(
                    IndicatorValue(
                        municipality=town,
                        indicator=indicator,
                        ref_date=month,
                        version=2,
                        value=value,
                        published_on=add_months(month, 6),
                        provisional=False,
                    )
                )
        IndicatorValue.objects.bulk_create(rows)
        _targets(town, indicator, spec, months, values)
    indicators["Online-Stellenanzeigen"].proxy_for = indicators["SV-Beschäftigte am Arbeitsort"]
    indicators["Online-Stellenanzeigen"].save(update_fields=["proxy_for"])
    return indicators


def _targets(town, indicator, spec, months, values) -> None:
    _name, _unit, _src, polarity, level, trend, season, noise, *_ = spec
    width = 2.5 * (season + 3 * noise) + abs(trend) * 0.6
    for year in sorted({m.year for m in months} | {months[-1].year + 1}):
        centre = level + trend * (year - months[0].year + 0.5)
        IndicatorTarget.objects.create(
            municipality=town,
            indicator=indicator,
            year=year,
            target=round(centre + (trend * 0.25 if polarity == "up" else -abs(trend) * 0.25)),
            lower=round(centre - width, 1),
            upper=round(centre + width, 1),
        )


def _cases(town, today, projects, indicators, units, users) -> None:
    """One decided case (a milestone moved) and an open case with a discussion."""
    mayor = users.get("buergermeisterin")
    park = projects["Erschließung Technologiepark Nord"]
    decided_on = _at(add_months(today, -3) + timedelta(days=8), 17)
    case = SteeringCase.objects.create(
        municipality=town,
        kind="project",
        trigger=f"project:{park.pk}:red",
        title="Erschließung Technologiepark Nord ist rot",
        explanation="Statusbericht: rot bei Termine, Risiko. Kampfmittelfunde auf Baufeld 2.",
        project=park,
        assigned_unit=park.owner_unit,
        status="decided",
        opened_at=decided_on - timedelta(days=21),
        decision="adjust",
        decision_reason=(
            "Zukunftsstab: Bauabschnitt 1 wird um drei Monate verschoben, "
            "die Kampfmittelräumung vorgezogen. Budget bleibt."
        ),
        decided_at=decided_on,
        decided_by=mayor,
    )
    milestone = park.milestones.get(title="Umsetzung Bauabschnitt 1")
    old_due = milestone.due - timedelta(days=91)
    MilestoneRevision.objects.create(
        municipality=town,
        milestone=milestone,
        case=case,
        old_due=old_due,
        new_due=milestone.due,
        reason=case.decision_reason,
        at=decided_on,
        by=mayor,
    )
    case.changes = [
        {
            "kind": "milestone",
            "id": milestone.pk,
            "title": milestone.title,
            "from": old_due.isoformat(),
            "to": milestone.due.isoformat(),
        }
    ]
    case.save(update_fields=["changes"])
    CaseComment.objects.create(
        municipality=town,
        case=case,
        author=users.get("fachbereichsleitung"),
        unit=units.get("FB3"),
        text="Tiefbau: Räumung dauert zehn Wochen, danach kann Bauabschnitt 1 beginnen.",
        at=decided_on - timedelta(days=10),
    )
    plan = projects["Bebauungsplan Güterbahnhof"]
    open_case = SteeringCase.objects.create(
        municipality=town,
        kind="project",
        trigger=f"project:{plan.pk}:red",
        title="Bebauungsplan Güterbahnhof ist rot",
        explanation="Statusbericht: rot bei Termine, Risiko. Das Lärmgutachten fehlt; Offenlage verschiebt sich.",
        project=plan,
        assigned_unit=plan.owner_unit,
        opened_at=_at(add_months(today, -1) + timedelta(days=5), 9),
    )
    for author, unit, text, days in (
        (
            "projektleitung",
            "61",
            "Stadtplanung: Das Lärmgutachten kommt frühestens in acht Wochen. Vorschlag: Offenlage um ein Quartal verschieben.",
            20,
        ),
        (
            "kaemmerer",
            "20",
            "Kämmerei: Eine Verschiebung kostet keine Fördermittel, solange der Satzungsbeschluss in diesem Haushaltsjahr fällt.",
            12,
        ),
    ):
        CaseComment.objects.create(
            municipality=town,
            case=open_case,
            author=users.get(author),
            unit=units.get(unit),
            text=text,
            at=open_case.opened_at + timedelta(days=30 - days),
        )
