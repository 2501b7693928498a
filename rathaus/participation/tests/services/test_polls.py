"""Polls: one ballot per participant, single choice enforced, rankings summed by the Borda
count, free-text answers published only after moderation."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.core.problems import DomainError
from rathaus.participation.models import Poll, PollAnswer, PollOption, Visibility
from rathaus.participation.selectors.polls import borda_points, poll_results
from rathaus.participation.services import participants
from rathaus.participation.services.polls import (
    poll_answer,
    poll_answer_moderate,
    poll_rank,
    poll_vote,
)

pytestmark = pytest.mark.django_db


def make_poll(process, kind=Poll.Kind.SINGLE, labels=("Bäume", "Bänke")):
    poll = Poll.objects.create(
        municipality=process.municipality, process=process, question="Was?", kind=kind
    )
    for i, label in enumerate(labels):
        PollOption.objects.create(
            municipality=process.municipality, poll=poll, label=label, position=i
        )
    return poll


@pytest.fixture
def poll(process):
    return make_poll(process)


def neighbour(process, name):
    person, _token = participants.participant_join(
        process=process, pseudonym=name, consent=True, street="Lindenstraße", house_number="3"
    )
    return person


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


def test_ranking_is_summed_by_borda_and_read_from_the_top(process, resident):
    poll = make_poll(process, Poll.Kind.RANKING, ["Bäume", "Bänke", "Parkplätze"])
    trees, benches, parking = poll.options.all()
    second = neighbour(process, "Nachbar")
    # first place 3 points, second 2, third 1, unranked 0
    poll_rank(poll=poll, participant=resident, ranks={trees.pk: 1, benches.pk: 2, parking.pk: 3})
    poll_rank(poll=poll, participant=second, ranks={benches.pk: "1", trees.pk: "", parking.pk: ""})
    result = poll_results(process)[0]
    assert result.voters == 2
    assert [(o.label, o.points, o.first_places, o.votes) for o in result.options] == [
        ("Bänke", 5, 1, 2),
        ("Bäume", 3, 1, 1),
        ("Parkplätze", 1, 0, 1),
    ]
    assert result.chart_rows == [("Bänke", 5), ("Bäume", 3), ("Parkplätze", 1)]


def test_ranking_refuses_a_place_twice_an_empty_ballot_and_foreign_options(process, resident):
    poll = make_poll(process, Poll.Kind.RANKING)
    trees, benches = poll.options.all()
    for ranks, code in [
        ({trees.pk: 1, benches.pk: 1}, "rank_twice"),
        ({trees.pk: "", benches.pk: ""}, "option_required"),
        ({trees.pk: 3}, "option_invalid"),
        ({999999: 1}, "option_invalid"),
        ({trees.pk: "x"}, "option_invalid"),
    ]:
        with pytest.raises(DomainError) as exc:
            poll_rank(poll=poll, participant=resident, ranks=ranks)
        assert exc.value.code == code
    assert poll_results(process)[0].voters == 0
    with pytest.raises(DomainError) as exc:  # a ranking is not answered by ticking
        poll_vote(poll=poll, participant=resident, option_ids=[trees.pk])
    assert exc.value.code == "poll_kind"


@given(
    options=st.integers(min_value=1, max_value=12),
    ballots=st.lists(st.permutations(range(12)), max_size=20),
)
# the data is small; on a loaded CI machine generating it can still exceed Hypothesis's
# wall-clock health check, which says nothing about the code (tests never depend on speed)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_borda_points_match_counting_ballot_by_ballot(options, ballots):
    """The database sums (votes, rank sum) give the same points as counting every ballot."""
    expected = dict.fromkeys(range(options), 0)
    votes = dict.fromkeys(range(options), 0)
    rank_sums = dict.fromkeys(range(options), 0)
    for ballot in ballots:
        ranked = [o for o in ballot if o < options]
        for place, option in enumerate(ranked, start=1):
            expected[option] += options - place + 1
            votes[option] += 1
            rank_sums[option] += place
    for option in range(options):
        got = borda_points(options=options, votes=votes[option], rank_sum=rank_sums[option])
        assert got == expected[option]


def test_free_text_waits_for_moderation_and_a_new_answer_replaces_the_old(
    process, resident, moderator
):
    poll = make_poll(process, Poll.Kind.TEXT, [])
    poll_answer(poll=poll, participant=resident, body="Mehr Schatten <b>bitte</b>")
    result = poll_results(process)[0]
    assert (result.answers, result.pending, result.voters) == ([], 1, 1)
    answer = PollAnswer.objects.get()
    poll_answer_moderate(actor=moderator, answer=answer, publish=True)
    assert [a.body for a in poll_results(process)[0].answers] == ["Mehr Schatten <b>bitte</b>"]
    poll_answer(poll=poll, participant=resident, body="Doch lieber Bänke")
    assert PollAnswer.objects.get().visibility == Visibility.PENDING  # read again first
    assert poll_results(process)[0].answers == []


def test_a_hidden_answer_needs_a_reason_and_stays_out_of_public_results(
    process, resident, moderator
):
    poll = make_poll(process, Poll.Kind.TEXT, [])
    answer = poll_answer(poll=poll, participant=resident, body="Herr X ist schuld")
    with pytest.raises(DomainError):
        poll_answer_moderate(actor=moderator, answer=answer, publish=False, reason="")
    poll_answer_moderate(actor=moderator, answer=answer, publish=False, reason="Personenbezug")
    result = poll_results(process)[0]
    assert (result.answers, result.pending) == ([], 0)
    answer.refresh_from_db()
    assert answer.moderation_reason == "Personenbezug"


def test_free_text_is_bounded_and_refuses_control_characters(process, resident):
    poll = make_poll(process, Poll.Kind.TEXT, [])
    for body in ("", "x" * 2001, "a\x00b"):
        with pytest.raises(DomainError):
            poll_answer(poll=poll, participant=resident, body=body)
    assert not PollAnswer.objects.exists()
