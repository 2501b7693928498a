"""Reads of the staff pool, scoped through the regional layer in `tenancy`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core.models import Employee, Municipality
from rathaus.engines.indicators.comparison import Status
from rathaus.presence.selectors import absences as presence_absences
from rathaus.staffpool.models import (
    CaseBooking,
    CaseOffer,
    HeldDay,
    LedgerEntry,
    PoolMember,
    Secondment,
    Skill,
    StaffingFloor,
    StaffRequest,
)
from rathaus.staffpool.tenancy import own_ids, region_municipality_ids, sees_identity
from rathaus.standards.selectors.overview import promise_verdicts

SKILL_LABEL = dict(Skill.choices)


def skill_label(code: str) -> str:
    return str(SKILL_LABEL.get(code, code))


# --- members ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    member: PoolMember
    label: str  # the name for the home municipality, the pseudonym for everyone else
    resolved: bool
    skills: list[str]


def members_for(user, *, skill: str = "") -> list[MemberRow]:
    own = set(own_ids(user))
    qs = (
        PoolMember.objects.filter(municipality_id__in=region_municipality_ids(user))
        .select_related("employee", "municipality")
        .prefetch_related("qualifications")
        .order_by("municipality__name", "pseudonym")
    )
    if skill:
        qs = qs.filter(qualifications__skill=skill)
    rows = []
    for m in qs:
        resolved = m.municipality_id in own
        label = f"{m.employee.first_name} {m.employee.last_name}" if resolved else m.pseudonym
        skills = [skill_label(q.skill) for q in m.qualifications.all()]
        rows.append(MemberRow(m, label, resolved, skills))
    return rows


def own_members(user) -> QuerySet[PoolMember]:
    return PoolMember.objects.filter(municipality_id__in=own_ids(user)).select_related("employee")


def employees_without_membership(user) -> QuerySet[Employee]:
    return (
        Employee.objects.filter(municipality_id__in=own_ids(user), active=True)
        .filter(pool_member__isnull=True)
        .order_by("last_name", "first_name")
    )


def member_label(user, member: PoolMember) -> str:
    if member.municipality_id in own_ids(user):
        return f"{member.employee.first_name} {member.employee.last_name}"
    return member.pseudonym


# --- requests -----------------------------------------------------------------------------


def requests_for(user, *, open_only: bool = False) -> QuerySet[StaffRequest]:
    qs = StaffRequest.objects.filter(
        municipality_id__in=region_municipality_ids(user)
    ).select_related("municipality")
    if open_only:
        qs = qs.filter(status__in=["open", "partly"])
    return qs.order_by("start", "pk")


def request_get(user, pk) -> StaffRequest | None:
    return requests_for(user).filter(pk=pk).first()


def region_seat(user) -> Municipality | None:
    """Where a region coordinator's requests are stored: the region's first town by name."""
    return (
        Municipality.objects.filter(id__in=region_municipality_ids(user)).order_by("name").first()
    )


def may_manage_request(user, request: StaffRequest) -> bool:
    if not user.has_perm("staffpool.request"):
        return False
    if request.municipality_id in own_ids(user):
        return True
    return bool(
        request.for_region
        and user.has_perm("staffpool.region")
        and request.municipality_id in region_municipality_ids(user)
    )


SHORTFALL_TEXT = {
    "SKILL_MISSING": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: im Pool haben nur %(available)s "
        "Personen die Qualifikation „%(skill)s“."
    ),
    "WEEK_UNAVAILABLE": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: in KW %(week)s sind nur "
        "%(available)s Personen mit Qualifikation „%(skill)s“ verfügbar."
    ),
    "TRAVEL": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: die übrigen Personen wohnen zu weit vom "
        "Einsatzort entfernt."
    ),
    "WILLINGNESS": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: zu wenige Personen sind zu Schicht-, "
        "Wochenend- oder mobiler Arbeit bereit."
    ),
    "TOO_LONG": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: länger als drei Monate nur nach Anhörung."
    ),
    "NO_LEAD": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: nur %(available)s Personen können ein Team "
        "leiten („%(skill)s“)."
    ),
    "FLOOR": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: weitere Abordnungen würden die "
        "Mindestbesetzung der Heimatdienststellen unterschreiten."
    ),
    "TAKEN": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: die passenden Personen sind bereits "
        "anderen Anfragen zugeordnet."
    ),
    "OWN": gettext_lazy(
        "%(covered)s von %(slots)s Plätzen: nur Personen der eigenen Kommune passen."
    ),
}


CASE_EXCHANGE_TEXT = gettext_lazy(
    "Statt Abordnung: Fallbearbeitung anfragen – in %(towns)s sind Personen mit der "
    "passenden Qualifikation in diesem Zeitraum frei und könnten Fälle von ihrer Dienststelle "
    "aus bearbeiten (Stundenkonto → Fallbearbeitung)."
)


def shortfall_message(note: dict) -> str:
    if note.get("reason") == "CASE_EXCHANGE":
        towns = ", ".join(
            _("%(name)s (%(people)s Personen)") % town for town in note.get("towns", [])
        )
        return str(CASE_EXCHANGE_TEXT) % {"towns": towns}
    template = SHORTFALL_TEXT.get(note.get("reason", ""), SHORTFALL_TEXT["TAKEN"])
    week = note.get("week_start")
    data = {
        "covered": note.get("covered", 0),
        "slots": note.get("slots", 0),
        "available": note.get("available", 0),
        "skill": skill_label(note.get("skill", "")),
        "week": date.fromisoformat(week).isocalendar()[1] if week else "",
    }
    return str(template) % data


# --- secondments --------------------------------------------------------------------------


def secondments_for(user) -> QuerySet[Secondment]:
    own = own_ids(user)
    visible = Q(municipality_id__in=own) | Q(request__municipality_id__in=own)
    if user.has_perm("staffpool.region"):
        visible |= Q(
            request__for_region=True, request__municipality_id__in=region_municipality_ids(user)
        )
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    if employee is not None:
        visible |= Q(member__employee=employee)
    return (
        Secondment.objects.filter(visible)
        .select_related(
            "request", "request__municipality", "member", "member__employee", "municipality"
        )
        .order_by("start", "pk")
    )


def secondment_get(user, pk) -> Secondment | None:
    return secondments_for(user).filter(pk=pk).first()


def secondment_label(user, secondment: Secondment) -> str:
    if sees_identity(user, secondment) or is_own_secondment(user, secondment):
        e = secondment.member.employee
        return f"{e.first_name} {e.last_name}"
    return secondment.member.pseudonym


def is_own_secondment(user, secondment: Secondment) -> bool:
    return bool(
        user.is_authenticated
        and secondment.member.employee.user_id is not None
        and secondment.member.employee.user_id == user.pk
    )


def my_secondments(user) -> QuerySet[Secondment]:
    if not user.is_authenticated:
        return Secondment.objects.none()
    return (
        Secondment.objects.filter(member__employee__user=user)
        .exclude(status__in=["rejected", "cancelled"])
        .select_related("request", "request__municipality", "municipality")
        .order_by("start")
    )


# --- staffing floor -----------------------------------------------------------------------


@dataclass(frozen=True)
class FloorWarning:
    day: date
    unit: str
    remaining: int
    minimum: int


def _workdays(start: date, end: date):
    d = start
    while d <= end:
        if d.weekday() < 5:
            yield d
        d += timedelta(days=1)


def unit_presence(unit_id: int, start: date, end: date, *, exclude_secondment=None) -> dict:
    """Working day -> people of the unit not absent and not held by another secondment."""
    staff = list(
        Employee.objects.filter(org_unit_id=unit_id, active=True).values_list("pk", flat=True)
    )
    absent: dict[date, set[int]] = defaultdict(set)
    for (emp, day), kind in presence_absences.absence_days(staff, start, end).items():
        if kind != "seconded":  # secondments count below, from the days they hold
            absent[day].add(emp)
    held = HeldDay.objects.filter(
        member__employee__org_unit_id=unit_id, day__gte=start, day__lte=end
    )
    if exclude_secondment is not None:
        held = held.exclude(secondment=exclude_secondment)
    for day, emp in held.values_list("day", "member__employee_id"):
        absent[day].add(emp)
    return {d: len(staff) - len(absent[d]) for d in _workdays(start, end)}


def floor_warnings(secondment: Secondment) -> list[FloorWarning]:
    """Working days on which lending this person takes the home unit below its floor."""
    unit = secondment.member.employee.org_unit
    floor = StaffingFloor.objects.filter(org_unit=unit).first()
    if floor is None:
        return []
    presence = unit_presence(
        unit.pk, secondment.start, secondment.end, exclude_secondment=secondment
    )
    return [
        FloorWarning(day, f"{unit.code} {unit.name}", present - 1, floor.minimum)
        for day, present in sorted(presence.items())
        if present - 1 < floor.minimum
    ]


# --- service standards --------------------------------------------------------------------

STANDARD_WINDOW_DAYS = 28


@dataclass(frozen=True)
class StandardWarning:
    promise: str
    share: float  # 0..1, measured over the window
    target: float  # 0..1
    at_most: bool  # the promise is "at most" (e.g. no-shows), not "at least"
    missed: bool  # not met; otherwise met only within the uncertainty

    @property
    def text(self) -> str:
        values = {
            "promise": self.promise,
            "share": f"{self.share * 100:.0f}",
            "target": f"{self.target * 100:.0f}",
            "days": STANDARD_WINDOW_DAYS,
        }
        if self.at_most:
            return (
                _(
                    "„%(promise)s“: in den letzten %(days)s Tagen %(share)s %% (versprochen: "
                    "höchstens %(target)s %%)"
                )
                % values
            )
        return (
            _(
                "„%(promise)s“: in den letzten %(days)s Tagen %(share)s %% (versprochen: "
                "mindestens %(target)s %%)"
            )
            % values
        )


def standard_warnings(secondment: Secondment, *, today: date) -> list[StandardWarning]:
    """The lender's service promises that lending this person puts at risk.

    Only people of the citizen office (job role "Bürgerbüro") deliver the promised services,
    so only their loans are checked. A promise is at risk when the lender's figures of the
    last 28 days miss it, or meet it only inside the uncertainty (the Wilson interval reaches
    past the target); too few cases give no warning."""
    employee = secondment.member.employee
    if employee.job_role != Employee.JobRole.CLERK:
        return []
    verdicts = promise_verdicts(
        municipality=secondment.municipality,
        first=today - timedelta(days=STANDARD_WINDOW_DAYS),
        last=today - timedelta(days=1),
    )
    warnings = []
    for promise, verdict in verdicts:
        if verdict.status == Status.NOT_ENOUGH_DATA or verdict.share is None:
            continue
        if verdict.status == Status.MET and verdict.certain:
            continue
        warnings.append(
            StandardWarning(
                promise=promise.title,
                share=verdict.share,
                target=promise.target_share,
                at_most=promise.lower_is_better,
                missed=verdict.status == Status.NOT_MET,
            )
        )
    return warnings


# --- ledger -------------------------------------------------------------------------------


@dataclass
class Balance:
    name: str
    lent: Decimal = Decimal("0")
    borrowed: Decimal = Decimal("0")
    lent_planned: Decimal = Decimal("0")
    borrowed_planned: Decimal = Decimal("0")

    @property
    def balance(self) -> Decimal:
        return self.lent - self.borrowed


REGION_KEY = "region"


def ledger_entries_for(user) -> QuerySet[LedgerEntry]:
    region = region_municipality_ids(user)
    return LedgerEntry.objects.filter(municipality_id__in=region).select_related(
        "municipality", "borrower"
    )


def balances(user, *, today: date) -> list[Balance]:
    """Hours lent and borrowed per municipality of the region (and the region itself):
    booked up to this week, planned after it. Aggregates only, no persons."""
    names = dict(
        Municipality.objects.filter(id__in=region_municipality_ids(user)).values_list("id", "name")
    )
    rows: dict = {key: Balance(name) for key, name in sorted(names.items(), key=lambda kv: kv[1])}
    rows[REGION_KEY] = Balance(_("Region (z. B. Gesundheitsamt)"))
    for e in ledger_entries_for(user):
        past = e.week <= today
        lender = rows.setdefault(e.municipality_id, Balance(e.municipality.name))
        borrower = (
            rows[REGION_KEY]
            if e.for_region
            else rows.setdefault(e.borrower_id, Balance(e.borrower.name))
        )
        if past:
            lender.lent += e.hours
            borrower.borrowed += e.hours
        else:
            lender.lent_planned += e.hours
            borrower.borrowed_planned += e.hours
    return list(rows.values())


def settlement_rows(user, *, year: int, quarter: int) -> list[dict]:
    """Quarterly cost settlement: hours and amounts per lender and borrower."""
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    for e in ledger_entries_for(user).filter(week__gte=first, week__lte=last):
        borrower = _("Region (z. B. Gesundheitsamt)") if e.for_region else e.borrower.name
        key = (e.municipality.name, str(borrower))
        sums[key][0] += e.hours
        sums[key][1] += e.amount
    return [
        {"lender": k[0], "borrower": k[1], "hours": v[0], "amount": v[1]}
        for k, v in sorted(sums.items())
    ]


def coverage_over_time(user, *, today: date, weeks: int = 12) -> list[dict]:
    """Per week: places asked for and places filled by accepted secondments in the region."""
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=weeks // 2)
    reqs = list(requests_for(user).exclude(status="stood_down"))
    secs = list(
        Secondment.objects.filter(
            request__in=reqs, status__in=["accepted", "ended", "approved"]
        ).values_list("start", "end")
    )
    out = []
    for i in range(weeks):
        w0 = start + timedelta(weeks=i)
        w1 = w0 + timedelta(days=6)
        asked = sum(r.slots for r in reqs if r.start <= w1 and r.end >= w0)
        filled = sum(1 for s, e in secs if s <= w1 and e >= w0)
        out.append({"week": w0, "kw": w0.isocalendar()[1], "asked": asked, "filled": filled})
    return out


def floors_for(user) -> QuerySet[StaffingFloor]:
    return StaffingFloor.objects.filter(municipality_id__in=own_ids(user)).select_related(
        "org_unit"
    )


def other_municipalities(user) -> QuerySet[Municipality]:
    """Towns of the user's region other than the own ones (borrowers for case exchange)."""
    return Municipality.objects.filter(id__in=region_municipality_ids(user)).exclude(
        id__in=own_ids(user)
    )


# --- case exchange ------------------------------------------------------------------------


def _mondays(start: date, end: date):
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        yield monday
        monday += timedelta(weeks=1)


def case_free_hours(offer: CaseOffer, *, start: date | None = None, end: date | None = None):
    """Hours per week still free in every week of [start, end] (default: the whole offer)."""
    start, end = start or offer.start, end or offer.end
    bookings = list(offer.bookings.all())
    busiest = Decimal("0")
    for monday in _mondays(start, end):
        sunday = monday + timedelta(days=6)
        booked = sum(
            (b.hours_per_week for b in bookings if b.start <= sunday and b.end >= monday),
            Decimal("0"),
        )
        busiest = max(busiest, booked)
    return max(offer.hours_per_week - busiest, Decimal("0"))


@dataclass(frozen=True)
class OfferRow:
    offer: CaseOffer
    free: Decimal
    own: bool


def case_offers_for(user, *, today: date, skills=None) -> list[OfferRow]:
    """The region's open offers that still run (other towns may book them), own offers too."""
    offers = (
        CaseOffer.objects.filter(
            municipality_id__in=region_municipality_ids(user),
            status=CaseOffer.Status.OPEN,
            end__gte=today,
        )
        .select_related("municipality")
        .prefetch_related("bookings")
    )
    if skills:
        offers = offers.filter(skill__in=skills)
    own = set(own_ids(user))
    rows = []
    for offer in offers:
        free = case_free_hours(offer, start=max(offer.start, today))
        rows.append(OfferRow(offer, free, offer.municipality_id in own))
    return rows


def case_offer_get(user, pk: int) -> CaseOffer | None:
    return (
        CaseOffer.objects.filter(pk=pk, municipality_id__in=region_municipality_ids(user))
        .select_related("municipality")
        .first()
    )


def case_bookings_for(user) -> QuerySet[CaseBooking]:
    """Bookings where one of the user's towns lends or borrows."""
    own = own_ids(user)
    return (
        CaseBooking.objects.filter(Q(municipality_id__in=own) | Q(borrower_id__in=own))
        .select_related("municipality", "borrower", "offer")
        .order_by("-start", "pk")
    )
