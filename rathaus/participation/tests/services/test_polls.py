"""Polls: one ballot per participant, single choice enforced, results with shares."""

import pytest

from rathaus.core.problems import DomainError
from rathaus.participation.models import Poll, PollOption
from rathaus.participation.selectors.polls import poll_results
from rathaus.participation.services.polls import poll_vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(process):
    poll = Poll.objects.create(municipality=process.municipality, process=process, question="Was?")
    for i, label in enumerate(["Bäume", "Bänke"]):
        PollOption.objects.create(
            municipality=process.municipality, poll=poll, label=label, position=i
        )
    return poll


def test_a_new_ballot_replaces_the_old_one(poll, resident):
    trees, benches = poll.options.all()
    poll_vote(poll=poll, participant=resident, option_ids=[trees.pk])
    poll_vote(poll=poll, participant=resident, option_ids=[benches.pk])
    result = poll_results(poll.process)[0]
    assert result.voters == 1
    assert [(o.label, o.votes, o.percent) for o in result.options] == [
        ("Bäume", 0, 0),
        ("Bänke", 1, 100),
    ]


def test_single_choice_and_foreign_options_are_refused(poll, resident):
    trees, benches = poll.options.all()
    with pytest.raises(DomainError) as exc:
        poll_vote(poll=poll, participant=resident, option_ids=[trees.pk, benches.pk])
    assert exc.value.code == "single_choice"
    with pytest.raises(DomainError):
        poll_vote(poll=poll, participant=resident, option_ids=[999999])
    with pytest.raises(DomainError):
        poll_vote(poll=poll, participant=resident, option_ids=["x"])
