"""Fixtures of the elections tests: two election officers and a small mayoral election."""

from datetime import date

import pytest
from django.core.cache import cache

from rathaus.core.models import Role
from rathaus.elections import caching
from rathaus.elections.models import District, Election
from rathaus.elections.services.elections import DistrictSpec, election_create
from rathaus.elections.services.results import result_approve, result_enter

SUNDAY = date(2025, 9, 14)


@pytest.fixture(autouse=True)
def _fresh_result_cache():
    """Ids repeat after rollbacks; cached renderings of an earlier test must not show up."""

    cache.clear()
    caching.forget_local()
    yield
    cache.clear()
    caching.forget_local()


@pytest.fixture
def officer_a(make_user, town):
    return make_user(Role.ELECTION_OFFICER, municipality=town, username="wahl_a")


@pytest.fixture
def officer_b(make_user, town):
    return make_user(Role.ELECTION_OFFICER, municipality=town, username="wahl_b")


def make_election(
    town,
    candidates=(("Anna Alt", "CDU"), ("Bernd Bau", "SPD"), ("Clara Chor", "")),
    *,
    districts=None,
    **kwargs,
):
    districts = districts or [
        DistrictSpec("0101", "Altstadt", "urne", 900, 95, 5, 1000),
        DistrictSpec("0102", "Neustadt", "urne", 1400, 100, 0, 1500),
        DistrictSpec("B01", "Briefwahl 1", "brief"),
    ]
    kwargs.setdefault("date", SUNDAY)
    kwargs.setdefault("title", "Bürgermeisterwahl 2025")
    return election_create(
        municipality=town, candidates=list(candidates), districts=districts, **kwargs
    )


@pytest.fixture
def election(town):
    return make_election(town)


def figures(votes, *, a=(900, 95, 5, 1000), b1=5, invalid=3, postal=False):
    valid = sum(votes)
    b = valid + invalid
    b1 = min(b1, b)
    if postal:
        return {
            "a1": 0,
            "a2": 0,
            "a3": 0,
            "a": 0,
            "b": b,
            "b1": b,
            "c": invalid,
            "d": valid,
            "votes": list(votes),
        }
    return {
        "a1": a[0],
        "a2": a[1],
        "a3": a[2],
        "a": a[3],
        "b": b,
        "b1": b1,
        "c": invalid,
        "d": valid,
        "votes": list(votes),
    }


def district(election, number) -> District:
    return District.objects.select_related("result").get(election=election, number=number)


def enter_and_approve(election: Election, number, fig, a, b, stage="quick"):
    d = district(election, number)
    result_enter(result=d.result, actor=a, figures=fig, stage=stage)
    d.result.refresh_from_db()
    result_approve(result=d.result, actor=b)
    d.result.refresh_from_db()
    return d.result


def report_all(election, votes_by_district, a, b, stage="quick"):
    """votes_by_district: {number: votes}; eligible voters as in make_election."""
    eligible = {"0101": (900, 95, 5, 1000), "0102": (1400, 100, 0, 1500)}
    for number, votes in votes_by_district.items():
        postal = number.startswith("B")
        enter_and_approve(
            election,
            number,
            figures(votes, a=eligible.get(number, (0, 0, 0, 0)), postal=postal),
            a,
            b,
            stage,
        )
