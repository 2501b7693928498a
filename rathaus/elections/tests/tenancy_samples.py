"""Rows of every elections model for the generic tenancy test (see core conftest docs).

``marker`` goes only into non-public text: the internal note, a correction reason, and the title
of an election still in preparation (not published). Published titles, candidate and district
names are public by design and carry no marker.
"""

from __future__ import annotations

import secrets
from datetime import date

from rathaus.core.models import Role, User
from rathaus.elections.models import Election, LotDrawing
from rathaus.elections.services.elections import DistrictSpec, election_create
from rathaus.elections.services.results import result_approve, result_enter


def create(municipality, marker: str) -> dict[str, list]:
    a = User.objects.create_user(
        username=f"wahl_a_{municipality.pk}_{secrets.token_hex(4)}",
        password="test-passwort-123",
        municipality=municipality,
        roles=[Role.ELECTION_OFFICER],
    )
    b = User.objects.create_user(
        username=f"wahl_b_{municipality.pk}_{secrets.token_hex(4)}",
        password="test-passwort-123",
        municipality=municipality,
        roles=[Role.ELECTION_OFFICER],
    )
    districts = [
        DistrictSpec("0101", "Nord", "urne", 900, 95, 5, 1000),
        DistrictSpec("0102", "Süd", "urne", 900, 95, 5, 1000),
        DistrictSpec("B01", "Brief", "brief"),
    ]
    public = election_create(
        municipality=municipality,
        title="Bürgermeisterwahl",
        date=date(2025, 9, 14),
        candidates=[("Anna Alt", "CDU"), ("Bernd Bau", "SPD")],
        districts=districts,
        internal_note=f"Notiz {marker}",
        status=Election.Status.COUNTING,
    )
    hidden = election_create(
        municipality=municipality,
        title=f"Entwurf {marker}",
        date=date(2030, 9, 8),
        candidates=[("Clara Chor", "")],
        districts=districts,
    )
    d1, d2, d3 = public.districts.select_related("result").order_by("number")
    fig = {
        "a1": 900,
        "a2": 95,
        "a3": 5,
        "a": 1000,
        "b": 500,
        "b1": 5,
        "c": 10,
        "d": 490,
        "votes": [250, 240],
    }
    result_enter(result=d1.result, actor=a, figures=fig)
    result_approve(result=d1.result, actor=b)
    d1.result.refresh_from_db()
    result_enter(
        result=d1.result,
        actor=a,
        figures={**fig, "votes": [251, 239]},
        reason=f"Tippfehler {marker}",
    )
    result_enter(result=d2.result, actor=a, figures={**fig, "votes": [200, 290]})
    LotDrawing.objects.create(
        municipality=municipality,
        election=public,
        drawn_by=b,
        among=["Anna Alt", "Bernd Bau"],
        places=1,
        drawn=["Bernd Bau"],
        runoff_ballot=False,
    )
    hd = hidden.districts.order_by("number")
    return {
        "election_id": [public.pk, hidden.pk],
        "district_id": [d1.pk, d2.pk, d3.pk, *(d.pk for d in hd)],
        "municipality_slug": [municipality.slug],
    }
