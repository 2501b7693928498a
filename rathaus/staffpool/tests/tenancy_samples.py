"""Rows of the staff pool in a municipality, for the URL-walking tenancy test.

The walker is a coordinator of another town of the same region: it may see this town's
requests and its members' helper IDs (the regional layer), never names, notes or
secondments. So the marker sits in exactly those private fields.
"""

from datetime import date, timedelta
from decimal import Decimal

from rathaus.core.models import Employee, OrgUnit
from rathaus.staffpool.models import (
    CaseBooking,
    CaseOffer,
    HeldDay,
    LedgerEntry,
    MemberQualification,
    PoolMember,
    Secondment,
    StaffingFloor,
    StaffRequest,
)


def create(municipality, marker: str) -> dict[str, list]:
    unit = OrgUnit.objects.create(
        municipality=municipality, code=f"SP{municipality.pk}", name="Poolamt"
    )
    employee = Employee.objects.create(
        municipality=municipality,
        org_unit=unit,
        personnel_number=f"SP{municipality.pk}",
        first_name=marker,
        last_name=marker,
    )
    start = date(2031, 3, 3)
    member = PoolMember.objects.create(
        municipality=municipality,
        employee=employee,
        postcode="59999",
        available_from=start,
        available_until=start + timedelta(weeks=20),
        note=marker,
    )
    MemberQualification.objects.create(
        municipality=municipality, member=member, skill="contact_tracing", proof=marker
    )
    request = StaffRequest.objects.create(
        municipality=municipality,
        title="Anfrage",
        slots=2,
        start=start,
        end=start + timedelta(days=11),
        internal_note=marker,
    )
    secondment = Secondment.objects.create(
        municipality=municipality,
        request=request,
        member=member,
        borrower=municipality,
        status="accepted",
        start=request.start,
        end=request.end,
        hours_per_week=Decimal("39.0"),
    )
    HeldDay.objects.create(
        municipality=municipality, member=member, secondment=secondment, day=start
    )
    LedgerEntry.objects.create(
        municipality=municipality,
        borrower=municipality,
        secondment=secondment,
        week=start,
        hours=Decimal("39.0"),
        amount=Decimal("100.00"),
        note=marker,
    )
    StaffingFloor.objects.create(municipality=municipality, org_unit=unit, minimum=1)
    # Offers are the region's to see and book (no marker); bookings only the two towns'.
    offer = CaseOffer.objects.create(
        municipality=municipality,
        skill="hotline",
        hours_per_week=Decimal("20.0"),
        start=start,
        end=start + timedelta(weeks=4),
    )
    CaseBooking.objects.create(
        municipality=municipality,
        offer=offer,
        borrower=municipality,
        hours_per_week=Decimal("5.0"),
        start=start,
        end=start + timedelta(days=4),
        note=marker,
    )
    return {
        "pk": [member.pk, request.pk, secondment.pk, offer.pk],
        "kind": ["verfuegung", "vereinbarung"],
        "request_id": [request.pk],
        "secondment_id": [secondment.pk],
    }
