"""Concurrency on PostgreSQL: row locks keep four eyes and revisions intact under races."""

import pytest
from django.db import connection

from rathaus.core.models import Role
from rathaus.core.tests.racing import race
from rathaus.elections.models import Correction, Result
from rathaus.elections.services.results import result_approve, result_enter

from .conftest import district, figures, make_election


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_and_two_correctors_race(town, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    a = make_user(Role.ELECTION_OFFICER, municipality=town)
    b = make_user(Role.ELECTION_OFFICER, municipality=town)
    c = make_user(Role.ELECTION_OFFICER, municipality=town)
    election = make_election(town)
    result = district(election, "0101").result
    result_enter(result=result, actor=a, figures=figures([300, 200, 100]))
    result.refresh_from_db()

    outcomes = race(
        lambda: result_approve(result=result, actor=b, expected_revision=1).state,
        lambda: result_approve(result=result, actor=c, expected_revision=1).state,
    )
    assert sorted(outcomes) == ["approved", "not_pending"]

    # two officers correct the same approved figures from the same form revision
    outcomes = race(
        lambda: (
            result_enter(
                result=result,
                actor=b,
                figures=figures([301, 199, 100]),
                reason="b",
                expected_revision=1,
            ).revision
        ),
        lambda: (
            result_enter(
                result=result,
                actor=c,
                figures=figures([299, 201, 100]),
                reason="c",
                expected_revision=1,
            ).revision
        ),
    )
    assert sorted(outcomes, key=str) == [2, "stale"]
    assert Correction.objects.filter(result=result).count() == 1
    assert Result.objects.get(pk=result.pk).state == Result.State.ENTERED
