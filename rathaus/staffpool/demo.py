"""Demo data of the staff pool: the region's three towns with 40 pool members, the health
office's open call for three teams of five contact tracers, a matched request waiting for
approval and acceptance, a running secondment and a finished one (ledger history).

Relative to today; idempotent: nothing is added once the region has pool members.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rathaus.core.clock import now_or, stamp_created
from rathaus.core.demo import _user, unique_name
from rathaus.core.models import Employee, Municipality, OrgUnit, Role
from rathaus.staffpool.models import PoolMember, Secondment, StaffingFloor, StaffRequest
from rathaus.staffpool.services import cases, matching, members, requests, secondments
from rathaus.staffpool.services.floors import floor_set

POSTCODE = {"musterstadt": "59999", "beispielhausen": "59981", "nachbardorf": "59970"}
COUNT = {"musterstadt": 18, "beispielhausen": 12, "nachbardorf": 10}


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


def _staff(town: Municipality, n: int, rng: random.Random) -> list[Employee]:
    """Employees to put in the pool; the smaller towns get a few from the demo."""
    have = list(
        Employee.objects.filter(municipality=town, user__isnull=True, active=True).order_by(
            "personnel_number"
        )
    )
    if town.slug == "musterstadt":
        return have[3 : 3 + 2 * n : 2]  # every other one, not only the first office
    unit = OrgUnit.objects.get(municipality=town, code="10")
    taken = set(Employee.objects.filter(org_unit=unit).values_list("first_name", "last_name"))
    for i in range(len(have), n + 6):
        first, last = unique_name(rng, taken)  # no two people of a unit share a name
        have.append(
            Employee.objects.create(
                municipality=town,
                org_unit=unit,
                personnel_number=f"SP{i + 1:03d}",
                first_name=first,
                last_name=last,
            )
        )
    return have[:n]


def _members(region, today, rng) -> dict[str, list[PoolMember]]:
    out = {}
    for slug, n in COUNT.items():
        town = Municipality.objects.get(slug=slug)
        coordinator = _user(f"pool-{slug}", [Role.POOL_COORDINATOR, Role.EMPLOYEE], town)
        out[slug] = []
        for k, employee in enumerate(_staff(town, n, rng)):
            member = members.member_create(
                actor=coordinator,
                employee=employee,
                data={
                    "entry": "nominated" if k % 4 == 3 else "volunteered",
                    "employment": "civil_servant" if k % 5 == 4 else "employee",
                    "languages": rng.choice(["", "Englisch", "Türkisch", "Englisch, Arabisch"]),
                    "driving_licence": k % 2 == 0,
                    "postcode": POSTCODE[slug],
                    "max_travel_minutes": 45,
                    "available_from": today - timedelta(days=60),
                    "available_until": today + timedelta(days=150),
                    "share": Decimal("1.00") if k % 3 else Decimal("0.50"),
                    "shifts": k % 2 == 1,
                    "weekends": k % 3 == 1,
                    "remote": True,
                },
                now=_at(today - timedelta(days=70)),
            )
            skills = ["contact_tracing"] if k % 4 != 2 else ["hotline", "data_entry"]
            if k % 5 == 0:
                skills.append("team_lead")
            if slug == "musterstadt" and k % 6 == 1:
                skills.append("citizen_office")
            for skill in skills:
                members.qualification_set(
                    actor=coordinator,
                    member=member,
                    skill=skill,
                    valid_until=today + timedelta(days=365) if skill != "first_aid" else None,
                    proof="Schulung Gesundheitsamt" if skill == "contact_tracing" else "",
                )
            out[slug].append(member)
    return out


def _agree(member: PoolMember, request: StaffRequest, coordinator, now) -> Secondment:
    """A secondment approved by the home town (and accepted, if the member has a login)."""
    s = Secondment.objects.get(request=request, member=member)
    secondments.secondment_approve(
        actor=coordinator,
        secondment=s,
        works_council_on=(now - timedelta(days=2)).date(),
        consent_on=(now - timedelta(days=2)).date()
        if member.employment == "civil_servant"
        else None,
        floor_override=True,
        standard_override=True,
        now=now,
    )
    return s


def _propose(request: StaffRequest, member: PoolMember, now) -> None:
    secondment, made = Secondment.objects.get_or_create(
        request=request,
        member=member,
        defaults={
            "municipality_id": member.municipality_id,
            "borrower_id": request.municipality_id,
            "start": request.start,
            "end": request.end,
            "hours_per_week": request.hours_per_week,
            "cost_share": request.cost_share,
        },
    )
    if made:
        stamp_created(secondment, now)


def _helper_login(member: PoolMember, username: str):
    user = _user(username, [Role.EMPLOYEE, Role.POOL_HELPER], member.municipality)
    member.employee.user = user
    member.employee.save(update_fields=["user"])
    return user


def _history(pool, region_user, today, monday) -> None:
    """A finished and a running secondment, both accepted: absences and ledger history."""
    bh, ns = (
        Municipality.objects.get(slug="beispielhausen"),
        Municipality.objects.get(slug="nachbardorf"),
    )
    coordinators = {
        slug: _user(f"pool-{slug}", [Role.POOL_COORDINATOR, Role.EMPLOYEE], None) for slug in COUNT
    }
    past_start = monday - timedelta(weeks=9)
    past = requests.request_create(
        actor=coordinators["beispielhausen"],
        municipality=bh,
        data={
            "title": "Datenerfassung Wahlbenachrichtigungen",
            "required_skills": ["data_entry"],
            "slots": 1,
            "remote": True,
            "start": past_start,
            "end": past_start + timedelta(weeks=4, days=-3),
            "hours_per_week": Decimal("39.0"),
            "cost_share": 70,
        },
        now=_at(past_start - timedelta(days=7)),
        notify=False,
    )
    helper = pool["nachbardorf"][2]
    _propose(past, helper, _at(past_start - timedelta(days=6)))
    _agree(helper, past, coordinators["nachbardorf"], _at(past_start - timedelta(days=5)))
    secondments.secondment_accept(
        actor=_helper_login(helper, "helfer-nachbardorf"),
        secondment=Secondment.objects.get(request=past, member=helper),
        now=_at(past_start - timedelta(days=4)),
    )
    Secondment.objects.filter(request=past).update(status=Secondment.Status.ENDED)
    StaffRequest.objects.filter(pk=past.pk).update(status=StaffRequest.Status.CLOSED)

    running_start = monday - timedelta(weeks=3)
    running = requests.request_create(
        actor=coordinators["nachbardorf"],
        municipality=ns,
        data={
            "title": "Vertretung Bürgerbüro",
            "required_skills": ["citizen_office"],
            "slots": 1,
            "site": "Bürgerbüro Nachbardorf, Dorfstraße 3",
            "site_postcode": "59970",
            "start": running_start,
            "end": running_start + timedelta(weeks=7, days=-3),
            "hours_per_week": Decimal("39.0"),
            "cost_share": 100,
        },
        now=_at(running_start - timedelta(days=7)),
        notify=False,
    )
    helper = next(m for m in pool["musterstadt"] if "citizen_office" in m.skills_on(today))
    _propose(running, helper, _at(running_start - timedelta(days=6)))
    _agree(helper, running, coordinators["musterstadt"], _at(running_start - timedelta(days=5)))
    secondments.secondment_accept(
        actor=_helper_login(helper, "helfer-musterstadt"),
        secondment=Secondment.objects.get(request=running, member=helper),
        now=_at(running_start - timedelta(days=4)),
    )


def _open_work(pool, region_user, today, monday) -> None:
    """The health office's call (open, for the browser), and a hotline request matched by
    the engine whose first proposal is approved and waits for the helper's answer."""
    seat = Municipality.objects.filter(region=region_user.region).order_by("name").first()
    requests.request_create(
        actor=region_user,
        municipality=seat,
        data={
            "title": "Kontaktnachverfolgung – drei Teams",
            "for_region": True,
            "requester_label": "Gesundheitsamt Kreis Musterland",
            "required_skills": ["contact_tracing"],
            "desired_skills": ["team_lead"],
            "slots": 15,
            "team_size": 5,
            "lead_skill": "team_lead",
            "site": "Gesundheitsamt, Kreishaus, Am Markt 1",
            "site_postcode": "59990",
            "start": monday + timedelta(weeks=1),
            "end": monday + timedelta(weeks=7, days=-3),
            "hours_per_week": Decimal("39.0"),
            "urgency": "critical",
            "cost_share": 70,
            "internal_note": "Ansprechperson: Leitung Infektionsschutz",
        },
        now=_at(today),
        notify=False,
    )
    ns = Municipality.objects.get(slug="nachbardorf")
    coordinator = _user("pool-nachbardorf", [Role.POOL_COORDINATOR, Role.EMPLOYEE], ns)
    hotline = requests.request_create(
        actor=coordinator,
        municipality=ns,
        data={
            "title": "Bürgertelefon Impfzentrum",
            "required_skills": ["hotline"],
            "slots": 2,
            "remote": True,
            "start": monday + timedelta(weeks=2),
            "end": monday + timedelta(weeks=6, days=-3),
            "hours_per_week": Decimal("20.0"),
            "urgency": "high",
            "cost_share": 100,
        },
        now=_at(today),
        notify=False,
    )
    matching.request_match(actor=coordinator, requests=[hotline], now=_at(today), work_limit=1.0)
    first = hotline.secondments.order_by("pk").first()
    if first is not None:
        home = _user(
            f"pool-{first.municipality.slug}", [Role.POOL_COORDINATOR, Role.EMPLOYEE], None
        )
        _agree(first.member, hotline, home, _at(today))
        _helper_login(first.member, "helferin")


def _case_exchange(monday, now) -> None:
    """Case exchange: Beispielhausen offers contact tracing hours (open, to book in the
    browser); Musterstadt's data-entry hours are partly booked by Nachbardorf already."""
    towns = {t.slug: t for t in Municipality.objects.filter(slug__in=COUNT)}
    coordinators = {
        slug: _user(f"pool-{slug}", [Role.POOL_COORDINATOR, Role.EMPLOYEE], towns[slug])
        for slug in towns
    }
    start, end = monday + timedelta(weeks=1), monday + timedelta(weeks=9, days=-3)
    cases.offer_create(
        actor=coordinators["beispielhausen"],
        municipality=towns["beispielhausen"],
        data={
            "skill": "contact_tracing",
            "hours_per_week": Decimal("40.0"),
            "start": start,
            "end": end,
            "note": "Kontaktpersonen nachtelefonieren, Quarantänebescheide vorbereiten",
        },
        now=now,
    )
    offer = cases.offer_create(
        actor=coordinators["musterstadt"],
        municipality=towns["musterstadt"],
        data={
            "skill": "data_entry",
            "hours_per_week": Decimal("30.0"),
            "start": start,
            "end": end,
            "note": "Wohngeldanträge erfassen",
        },
        now=now,
    )
    cases.offer_book(
        actor=coordinators["nachbardorf"],
        offer=offer,
        borrower=towns["nachbardorf"],
        data={"hours_per_week": Decimal("10.0"), "start": start, "end": end, "note": "Wohngeld"},
        now=now,
    )


def _floors(town: Municipality) -> None:
    actor = _user("pool-musterstadt", [Role.POOL_COORDINATOR, Role.EMPLOYEE], town)
    for code, minimum in (("33", 8), ("50", 10), ("10", 6)):
        unit = OrgUnit.objects.filter(municipality=town, code=code).first()
        if unit is not None and not StaffingFloor.objects.filter(org_unit=unit).exists():
            floor_set(actor=actor, org_unit=unit, minimum=minimum)


def load(town: Municipality, now=None) -> None:
    region = town.region
    if PoolMember.objects.filter(municipality__region=region).exists():
        return
    today = timezone.localdate(now_or(now))
    monday = today - timedelta(days=today.weekday())
    rng = random.Random(15)
    with transaction.atomic():
        region_user = _user("region-pool", [Role.REGION_COORDINATOR], region=region)
        _floors(town)
        pool = _members(region, today, rng)
        _history(pool, region_user, today, monday)
        _open_work(pool, region_user, today, monday)
        _case_exchange(monday, now)
