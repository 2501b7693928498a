"""Demo for Musterstadt: a crisis staff meeting Mon/Wed/Fri by video, the future staff with
three action fields, the board's two-day retreat, and the council with a committee and two
papers due — all relative to today: past meetings with minutes, one in progress now, upcoming
ones. Idempotent: a second load changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.demo import DEMO_PASSWORD
from rathaus.core.models import Employee, Municipality, Role, Room, User
from rathaus.meetings import indicators
from rathaus.meetings.models import Attendance, Body, LegislativeTerm, Meeting, Mode
from rathaus.meetings.services import bodies, maintenance, papers, proposals, rhythm
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.services import minutes as minutes_services

CRISIS = "Krisenstab"
FUTURE = "Zukunftsstab"
BOARD = "Verwaltungsvorstand"
COUNCIL = "Rat der Stadt Musterstadt"
COMMITTEE = "Ausschuss für Stadtentwicklung und Digitales"
CRISIS_FUNCTIONS = [
    "S1 Personal",
    "S2 Lage",
    "S3 Einsatz",
    "S4 Versorgung",
    "S5 Presse- und Öffentlichkeitsarbeit",
    "S6 Information und Kommunikation (IT)",
]
ACTION_FIELDS = [
    "Handlungsfeld Technologiepark Nord",
    "Handlungsfeld Digitalisierung / Smart City",
    "Handlungsfeld Neues Stadtquartier am Bahnhof",
]
SECRETARY_USER = "gremienbuero"


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), timezone.get_current_timezone())


def _users(town: Municipality, staff: list[Employee]) -> tuple[User, Employee, Employee]:
    """The meetings office (secretary of the staffs) and the mayor, each linked to an employee."""
    office, created = User.objects.get_or_create(
        username=SECRETARY_USER,
        defaults={
            "municipality": town,
            "roles": [Role.EMPLOYEE.value, Role.MEETINGS_OFFICE.value],
            "email": f"{SECRETARY_USER}@musterstadt.example",
        },
    )
    if created:
        office.set_password(DEMO_PASSWORD)
        office.save(update_fields=["password"])
    secretary = Employee.objects.filter(user=office).first() or staff.pop()
    secretary.user = office
    secretary.save(update_fields=["user"])
    mayor_user = User.objects.filter(username="buergermeisterin").first()
    mayor = (Employee.objects.filter(user=mayor_user).first() if mayor_user else None) or staff.pop(
        0
    )
    if mayor_user and mayor.user_id is None:
        mayor.user = mayor_user
        mayor.save(update_fields=["user"])
    return office, secretary, mayor


def _crisis_staff(town, actor, staff, secretary, mayor, now) -> Body:
    body = bodies.body_create(
        actor=actor, municipality=town, name=CRISIS, kind="crisis_staff", short_name="KS"
    )
    bodies.membership_add(actor=actor, body=body, employee=mayor, role="chair", function="Leitung")
    bodies.membership_add(
        actor=actor,
        body=body,
        employee=secretary,
        role="secretary",
        function="Stabsassistenz",
        voting=False,
    )
    for function in CRISIS_FUNCTIONS:
        depth = 3 if function.startswith(("S2", "S3")) else 2
        for rank in range(1, depth + 1):
            bodies.membership_add(
                actor=actor,
                body=body,
                employee=staff.pop(0),
                role="member" if rank == 1 else "deputy",
                function=function,
                rank=rank,
                voting=rank == 1,
            )
    today = timezone.localdate(now)
    start = today - timedelta(days=28)
    meeting_services.series_create(
        actor=actor,
        body=body,
        title="Lagebesprechung Krisenstab",
        rule="FREQ=WEEKLY;BYDAY=MO,WE,FR",
        first_start=_at(start, 8),
        duration_minutes=60,
        mode=Mode.ONLINE,
        holiday_policy="next_workday",
        standing_items=["Lagebericht (S2)", "Kennzahlen: Infektionen, Personalausfall, Kurzarbeit"],
        now=now,
    )
    # An extraordinary meeting going on right now, whatever the hour the demo is loaded.
    special = meeting_services.meeting_create(
        actor=actor,
        body=body,
        title="Sondersitzung Krisenstab: Personalausfall Bürgerbüro",
        start=now - timedelta(minutes=30),
        end=now + timedelta(minutes=90),
        mode=Mode.ONLINE,
        standing_items=["Lagebericht (S2)", "Notbesetzung Bürgerbüro (S1)"],
    )
    present = special.attendances.select_related("membership").order_by(
        "membership__function", "membership__rank", "id"
    )
    for attendance in present[:8]:
        attendance.status = Attendance.Status.PRESENT
        attendance.save(update_fields=["status"])
    _s4_lead_sends_a_deputy(actor, special)
    return body


def _s4_lead_sends_a_deputy(actor, meeting: Meeting) -> None:
    """S4's lead is excused and has named the 1st deputy, who is there and fills the seat."""
    rows = {
        a.membership.rank: a
        for a in meeting.attendances.select_related("membership").filter(
            membership__function="S4 Versorgung"
        )
    }
    meeting_services.attendance_set(
        actor=actor,
        attendance=rows[1],
        status=Attendance.Status.EXCUSED,
        deputy=rows[2].membership,
    )
    meeting_services.attendance_set(
        actor=actor, attendance=rows[2], status=Attendance.Status.PRESENT
    )


def _write_minutes(actor, meeting: Meeting, body: Body, n: int, now) -> None:
    members = list(body.memberships.order_by("function", "rank"))
    items = list(meeting.items.order_by("position"))
    for item in items:
        minutes_services.minutes_save(
            actor=actor,
            item=item,
            text=f"{item.title}: Bericht der Stabsfunktion, Aussprache. Lage stabil (Stand {timezone.localtime(meeting.start):%d.%m.}).",
            base_version=item.version,
        )
    decision = minutes_services.decision_record(
        actor=actor,
        item=items[0],
        text="Die Notbesetzung im Bürgerbüro bleibt bis auf Weiteres in zwei getrennten Schichtteams.",
        unanimous=True,
    )
    minutes_services.assignment_create(
        actor=actor,
        item=items[0],
        decision=decision,
        what=f"Schichtpläne der Teams A/B für die Woche {n} abstimmen",
        assignee=members[(n * 3) % len(members)],
        due=timezone.localdate(meeting.start) + timedelta(days=5 if n % 2 else 2),
    )
    for attendance in meeting.attendances.all():
        attendance.status = (
            Attendance.Status.PRESENT if attendance.pk % 4 else Attendance.Status.EXCUSED
        )
        attendance.save(update_fields=["status"])


def _crisis_history(actor, body: Body, now) -> None:
    past = list(body.meetings.filter(end__lt=now, cancelled=False).order_by("start"))
    recent = past[-4:]
    for n, meeting in enumerate(recent, start=1):
        _write_minutes(actor, meeting, body, n, now)
    for older in past[:-4]:
        older.minutes_status = Meeting.MinutesStatus.LOCKED
        older.save(update_fields=["minutes_status"])
    # the minutes before last were circulated and approved in the last meeting
    if len(recent) >= 2:
        minutes_services.minutes_circulate(actor=actor, meeting=recent[-2], now=now)
        minutes_services.minutes_approve(
            actor=actor, meeting=recent[-2], at_meeting=recent[-1], now=now
        )
    if recent:
        minutes_services.minutes_circulate(actor=actor, meeting=recent[-1], now=now)


def _future_staff(town, actor, staff, secretary, mayor, now) -> Body:
    body = bodies.body_create(
        actor=actor, municipality=town, name=FUTURE, kind="future_staff", short_name="ZS"
    )
    bodies.membership_add(
        actor=actor, body=body, employee=mayor, role="chair", function="Bürgermeisterin"
    )
    bodies.membership_add(
        actor=actor, body=body, employee=secretary, role="secretary", voting=False
    )
    for function in (
        "Kämmerer",
        "Dezernat Planen und Bauen",
        "Stabsstelle Digitalisierung",
        "Stabsstelle Wirtschaftsförderung",
    ):
        bodies.membership_add(actor=actor, body=body, employee=staff.pop(0), function=function)
    for name, org in (
        ("Dr. Petra Lindner", "Stadtwerke Musterstadt GmbH"),
        ("Jörg Albers", "Wirtschaftsförderungsgesellschaft Musterstadt mbH"),
    ):
        bodies.membership_add(
            actor=actor,
            body=body,
            external_name=name,
            external_email=f"{name.split()[-1].lower()}@unternehmen.example",
            external_organisation=org,
            function="Geschäftsführung",
        )
    today = timezone.localdate(now)
    workshop = meeting_services.meeting_create(
        actor=actor,
        body=body,
        title="Zukunftsstab: Handlungsfelder festlegen",
        start=_at(today - timedelta(days=20), 9),
        end=_at(today - timedelta(days=20), 13, 30),
        mode=Mode.HYBRID,
        room=Room.objects.filter(municipality=town).order_by("-capacity_normal", "number").first(),
    )
    members = list(body.memberships.order_by("id"))
    for n, field in enumerate(ACTION_FIELDS):
        item = minutes_services.agenda_item_add(
            actor=actor,
            body=body,
            meeting=workshop,
            title=field,
            presenter=members[2 + n].person_name,
        )
        minutes_services.minutes_save(
            actor=actor,
            item=item,
            text=f"{field}: Ziele, Projekte und Kennzahlen beraten.",
            base_version=0,
        )
        decision = minutes_services.decision_record(
            actor=actor,
            item=item,
            text=f"Der Zukunftsstab nimmt das {field} in die Strategie auf.",
            yes=6,
            no=0,
            abstain=1,
        )
        minutes_services.assignment_create(
            actor=actor,
            item=item,
            decision=decision,
            what=f"Beschlussvorlage für den Rat vorbereiten: {field.replace('Handlungsfeld ', '')}"
            if n < 2
            else "Projektskizze Stadtquartier mit Stadtwerken abstimmen",
            assignee=members[2 + n] if n < 2 else members[-2],
            due=today + timedelta(days=7 * (n + 1)) if n else today - timedelta(days=3),
        )
    meeting_services.meeting_create(
        actor=actor,
        body=body,
        title="Zukunftsstab: Stand der Handlungsfelder",
        start=_at(today + timedelta(days=56), 9),
        end=_at(today + timedelta(days=56), 13, 30),
        mode=Mode.ONLINE,
    )
    minutes_services.agenda_item_add(
        actor=actor, body=body, meeting=None, title="Fördermittel Städtebau: Antragsfristen 2027"
    )
    return body


def _council(town, actor, staff, future: Body, now) -> None:
    council = bodies.body_create(
        actor=actor, municipality=town, name=COUNCIL, kind="council", public=True, short_name="Rat"
    )
    committee = bodies.body_create(
        actor=actor,
        municipality=town,
        name=COMMITTEE,
        kind="committee",
        public=True,
        parent=council,
        short_name="ASD",
        paper_lead_days=14,
    )
    for body, size in ((council, 8), (committee, 5)):
        for n in range(size):
            bodies.membership_add(
                actor=actor, body=body, employee=staff[n], role="chair" if n == 0 else "member"
            )
    today = timezone.localdate(now)
    rooms = list(Room.objects.filter(municipality=town).order_by("-capacity_normal", "number")[:2])
    past_council = meeting_services.meeting_create(
        actor=actor,
        body=council,
        title="Sitzung des Rates",
        start=_at(today - timedelta(days=35), 17),
        end=_at(today - timedelta(days=35), 20),
        mode=Mode.IN_PERSON,
        room=rooms[0],
    )
    item = minutes_services.agenda_item_add(
        actor=actor,
        body=council,
        meeting=past_council,
        title="Haushaltssatzung: Nachtrag",
        public=True,
    )
    minutes_services.decision_record(
        actor=actor,
        item=item,
        text="Der Rat beschließt den Nachtragshaushalt.",
        yes=30,
        no=8,
        abstain=2,
    )
    committee_meeting = meeting_services.meeting_create(
        actor=actor,
        body=committee,
        title="Sitzung des Ausschusses",
        start=_at(today + timedelta(days=24), 17),
        end=_at(today + timedelta(days=24), 19),
        mode=Mode.HYBRID,
        room=rooms[1],
    )
    council_meeting = meeting_services.meeting_create(
        actor=actor,
        body=council,
        title="Sitzung des Rates",
        start=_at(today + timedelta(days=42), 17),
        end=_at(today + timedelta(days=42), 20),
        mode=Mode.IN_PERSON,
        room=rooms[0],
    )
    for n, (title, field) in enumerate(
        (
            ("Rahmenplan Technologiepark Nord", ACTION_FIELDS[0]),
            ("Digitalstrategie Smart City 2030", ACTION_FIELDS[1]),
        ),
        start=14,
    ):
        paper = papers.paper_create(
            actor=actor,
            municipality=town,
            reference=f"V/{today.year}/{n:03d}",
            title=title,
            date=today - timedelta(days=2),
            origin=field,
            proposal=f"Der Rat beschließt den {title} und beauftragt die Verwaltung mit der Umsetzung.",
            author_body=future,
        )
        papers.consultation_add(
            actor=actor, paper=paper, meeting=committee_meeting, role="advise", now=now
        )
        papers.consultation_add(
            actor=actor, paper=paper, meeting=council_meeting, role="decide", now=now
        )


def _retreat(town, actor, staff, mayor, now) -> None:
    board = bodies.body_create(
        actor=actor, municipality=town, name=BOARD, kind="board", short_name="VV"
    )
    bodies.membership_add(
        actor=actor, body=board, employee=mayor, role="chair", function="Bürgermeisterin"
    )
    for function in ("Kämmerer", "Dezernat 2", "Dezernat 3"):
        bodies.membership_add(actor=actor, body=board, employee=staff.pop(0), function=function)
    day = timezone.localdate(now) + timedelta(days=33)
    meeting_services.meeting_create(
        actor=actor,
        body=board,
        title="Klausurtagung des Verwaltungsvorstands",
        start=_at(day, 9),
        end=_at(day + timedelta(days=1), 16),
        mode=Mode.IN_PERSON,
        room=Room.objects.filter(municipality=town).order_by("-capacity_normal", "number")[2],
    )


def _rhythm_and_proposals(town, actor, crisis: Body, now) -> None:
    """The crisis staff's series follows short-time work and unemployment from the steering
    app's controlling (when it is loaded): short-time work is red, so Rathaus proposes daily
    meetings and the office decides. A steering case is proposed for the agenda."""
    wanted = ("Angezeigte Kurzarbeit", "Arbeitslose")
    ids = [pk for pk, label in indicators.choices_for(town.pk) if label.startswith(wanted)]
    series = crisis.series.get()
    if ids:
        rhythm.series_indicators_set(actor=actor, series=series, indicator_ids=ids)
        rhythm.rhythm_check(series=series, now=now)
    # The short-time-work case itself, so that the body's decision goes back to it.
    case_id = indicators.open_case_of(town.pk, ids)
    try:
        link = (
            reverse("steering:case_detail", args=[case_id])
            if case_id
            else reverse("steering:case_list")
        )
    except NoReverseMatch:
        link = ""
    proposals.agenda_item_propose(
        actor=actor,
        body=crisis,
        title="Kurzarbeit steigt stark: Hilfen für betroffene Betriebe",
        source_label="Steuerungsfall",
        source_url=link,
        presenter="Wirtschaftsförderung",
    )


TERMS = (
    ("Wahlperiode 2020–2025", date(2020, 11, 1), date(2025, 10, 31)),
    ("Wahlperiode 2025–2030", date(2025, 11, 1), date(2030, 10, 31)),
)


def _terms(town: Municipality) -> None:
    """The council's legislative terms (NRW: five years from 1 November after the election)."""
    if LegislativeTerm.objects.filter(municipality=town).exists():
        return
    for name, start, end in TERMS:
        bodies.term_create(actor=None, municipality=town, name=name, start=start, end=end)


@transaction.atomic
def load(town: Municipality, now: datetime | None = None) -> None:
    _terms(town)  # before the check below: towns loaded before terms were data get them too
    if Body.objects.filter(municipality=town, name=CRISIS).exists():
        return  # already loaded
    now = now_or(now)
    staff = list(
        Employee.objects.filter(municipality=town, user__isnull=True, active=True).order_by(
            "personnel_number"
        )[:60]
    )
    office, secretary, mayor = _users(town, staff)
    crisis = _crisis_staff(town, office, staff, secretary, mayor, now)
    _crisis_history(office, crisis, now)
    _rhythm_and_proposals(town, office, crisis, now)
    future = _future_staff(town, office, staff, secretary, mayor, now)
    _retreat(town, office, staff, mayor, now)
    _council(town, office, staff, future, now)
    maintenance.assignments_carry_overdue(now=now)
