"""Rows of the core app in a municipality, for the URL-walking tenancy test."""

from rathaus.core.models import (
    Employee,
    KitPool,
    KitStockChange,
    LegalTexts,
    Location,
    OrgUnit,
    Room,
)
from rathaus.core.signin.models import OidcProvider


def create(municipality, marker: str) -> dict[str, list]:
    unit = OrgUnit.objects.create(
        municipality=municipality, code=f"X{municipality.pk}", name=f"Amt {marker}"
    )
    location = Location.objects.create(
        municipality=municipality,
        name=f"Haus {municipality.pk}",
        street=f"{marker}weg 1",
        postal_code="59999",
        city="Ort",
    )
    room = Room.objects.create(
        municipality=municipality,
        location=location,
        number=f"{marker}-1",
        capacity_normal=2,
        capacity_pandemic=1,
        org_unit=unit,
    )
    employee = Employee.objects.create(
        municipality=municipality,
        org_unit=unit,
        personnel_number=f"N{municipality.pk}",
        first_name=marker,
        last_name=marker,
        email=f"{marker.lower()}@example.org",
    )
    pool = KitPool.objects.create(municipality=municipality, name=f"Pool {marker}")
    KitStockChange.objects.create(pool=pool, valid_from="2026-01-01", delta=5)
    # Legal pages are public by design: their texts carry no marker.
    LegalTexts.objects.create(
        municipality=municipality, imprint="Impressum", feedback_email="bf@example.org"
    )
    # Sign-in through the victim's provider: the start page only redirects to its provider.
    OidcProvider.objects.create(
        municipality=municipality,
        label=f"Anmeldedienst {marker}",
        authorization_endpoint="https://id.example.org/auth",
        token_endpoint="https://id.example.org/token",
        userinfo_endpoint="https://id.example.org/me",
        jwks_endpoint="https://id.example.org/jwks",
        client_id=f"client-{marker}",
        client_secret=f"secret-{marker}",
    )
    # Password-reset links carry a uid and a token; an invalid pair must simply be refused.
    return {
        "pk": [employee.pk, room.pk, unit.pk, location.pk, pool.pk],
        "object_id": [employee.pk, room.pk, unit.pk],
        "uidb64": ["MQ"],
        "token": ["set-password"],
        "kind": ["impressum", "barrierefreiheit"],
    }
