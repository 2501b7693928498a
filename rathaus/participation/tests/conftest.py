"""Fixtures: a town with districts and a street directory, an open street-redesign process."""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from rathaus.core import proof_of_work
from rathaus.core.models import Role
from rathaus.participation import caching
from rathaus.participation.models import Audience, District, StreetRange
from rathaus.participation.services import participants
from rathaus.participation.services.processes import PhaseSpec, process_create

NOW = timezone.make_aware(datetime(2026, 5, 4, 10, 0))


@pytest.fixture(autouse=True)
def _cheap_proof_of_work(settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    cache.clear()
    caching.local_copies.clear()


def altcha_payload() -> str:
    return proof_of_work.solve(proof_of_work.create_challenge())


def open_phases(today, *, audience=""):
    return [
        PhaseSpec("information", today - timedelta(days=10), today - timedelta(days=4)),
        PhaseSpec(
            "contributions",
            today - timedelta(days=3),
            today + timedelta(days=20),
            True,
            True,
            True,
            True,
            audience,
            questions=True,
        ),
        PhaseSpec("evaluation", today + timedelta(days=21), today + timedelta(days=40)),
    ]


@pytest.fixture
def districts(town):
    nord = District.objects.create(municipality=town, code="NORD", name="Nordviertel")
    sued = District.objects.create(municipality=town, code="SUED", name="Südfeld")
    StreetRange.objects.create(
        municipality=town, district=nord, street="Lindenstraße", first=1, last=99
    )
    StreetRange.objects.create(
        municipality=town, district=sued, street="Südparkweg", first=1, last=80
    )
    return {"NORD": nord, "SUED": sued}


@pytest.fixture
def planner(make_user, town):
    return make_user(Role.PROCESS_PLANNER, municipality=town)


@pytest.fixture
def moderator(make_user, town):
    return make_user(Role.MODERATOR, municipality=town)


def make_process(
    town, districts, planner, *, audience=Audience.DISTRICTS, moderation="post", now=None
):
    now = now or timezone.now()
    return process_create(
        actor=planner,
        municipality=town,
        title="Umgestaltung der Lindenstraße",
        summary="Die Lindenstraße wird neu gebaut.",
        audience=audience,
        moderation=moderation,
        districts=[districts["NORD"]],
        phases=open_phases(timezone.localdate(now)),
        published=True,
        now=now,
    )


@pytest.fixture
def process(town, districts, planner):
    return make_process(town, districts, planner)


@pytest.fixture
def resident(process):
    participant, _token = participants.participant_join(
        process=process,
        pseudonym="Anwohnerin",
        consent=True,
        street="Lindenstr.",
        house_number="12a",
    )
    return participant
