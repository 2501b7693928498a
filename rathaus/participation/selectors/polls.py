"""Poll results for the public page, the evaluation and the council's PDF.

Single and multiple choice are counted per option with shares. A ranking is summed up by the
Borda count: with *n* options a first place earns *n* points, a second *n − 1* and so on; an
option someone left unranked earns nothing from them. Free-text answers are listed — the
public sees only the published ones, staff see all with their moderation state.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from rathaus.core.tenancy import get_scoped_or_404
from rathaus.participation.models import Poll, PollAnswer, PollVote, Process, Visibility


@dataclass(frozen=True)
class OptionResult:
    id: int
    label: str
    votes: int
    percent: int
    points: int = 0  # Borda points (ranking questions only)
    first_places: int = 0


@dataclass(frozen=True)
class PollResult:
    poll: Poll
    voters: int
    options: list[OptionResult]
    answers: list[PollAnswer] = field(default_factory=list)  # free text, published only
    pending: int = 0  # free-text answers waiting for a moderator

    @property
    def chart_rows(self) -> list[tuple[str, int]]:
        if self.poll.kind == Poll.Kind.RANKING:
            return [(o.label, o.points) for o in self.options]
        return [(o.label, o.votes) for o in self.options]


def borda_points(*, options: int, votes: int, rank_sum: int) -> int:
    """Points of one option: ``votes`` places with ranks summing to ``rank_sum`` among
    ``options`` options (place r earns options − r + 1)."""
    return votes * (options + 1) - rank_sum


def _vote_counts(polls: list[Poll]) -> dict[int, dict]:
    rows = (
        PollVote.objects.filter(poll__in=polls)
        .values("option")
        .annotate(n=Count("pk"), rank_sum=Sum("rank"), firsts=Count("pk", filter=Q(rank=1)))
    )
    return {r["option"]: r for r in rows}


def _voters(polls: list[Poll]) -> dict[int, int]:
    votes = dict(
        PollVote.objects.filter(poll__in=polls)
        .values("poll")
        .annotate(n=Count("participant", distinct=True))
        .values_list("poll", "n")
    )
    answers = dict(
        PollAnswer.objects.filter(poll__in=polls)
        .values("poll")
        .annotate(n=Count("pk"))
        .values_list("poll", "n")
    )
    return {p.pk: votes.get(p.pk, 0) + answers.get(p.pk, 0) for p in polls}


def _option_results(poll: Poll, counts: dict[int, dict], voters: int) -> list[OptionResult]:
    options = list(poll.options.all())
    results = []
    for option in options:
        row = counts.get(option.pk, {})
        n = row.get("n", 0)
        results.append(
            OptionResult(
                option.pk,
                option.label,
                n,
                round(100 * n / voters) if voters else 0,
                borda_points(options=len(options), votes=n, rank_sum=row.get("rank_sum") or 0)
                if poll.kind == Poll.Kind.RANKING
                else 0,
                row.get("firsts", 0),
            )
        )
    if poll.kind == Poll.Kind.RANKING:  # the council reads a ranking from the top
        results.sort(key=lambda o: (-o.points, -o.first_places, o.label))
    return results


def _published_answers(polls: list[Poll]) -> tuple[dict[int, list], dict[int, int]]:
    published: dict[int, list] = defaultdict(list)
    pending: dict[int, int] = defaultdict(int)
    text_polls = [p for p in polls if p.kind == Poll.Kind.TEXT]
    if not text_polls:
        return published, pending
    for answer in PollAnswer.objects.filter(poll__in=text_polls).exclude(
        visibility=Visibility.HIDDEN
    ):
        if answer.visibility == Visibility.PUBLISHED:
            published[answer.poll_id].append(answer)
        else:
            pending[answer.poll_id] += 1
    return published, pending


def poll_results(process: Process) -> list[PollResult]:
    polls = list(Poll.objects.filter(process=process).prefetch_related("options"))
    if not polls:
        return []
    counts, voters = _vote_counts(polls), _voters(polls)
    published, pending = _published_answers(polls)
    return [
        PollResult(
            poll,
            voters[poll.pk],
            _option_results(poll, counts, voters[poll.pk]),
            published.get(poll.pk, []),
            pending.get(poll.pk, 0),
        )
        for poll in polls
    ]


def own_votes(participant) -> set[int]:
    if participant is None:
        return set()
    return set(PollVote.objects.filter(participant=participant).values_list("option_id", flat=True))


def own_ranks(participant) -> dict[int, int]:
    if participant is None:
        return {}
    return dict(
        PollVote.objects.filter(participant=participant, rank__isnull=False).values_list(
            "option_id", "rank"
        )
    )


def own_answers(participant) -> dict[int, str]:
    if participant is None:
        return {}
    return dict(PollAnswer.objects.filter(participant=participant).values_list("poll_id", "body"))


def poll_of(process: Process, poll_id) -> Poll | None:
    return Poll.objects.filter(pk=poll_id, process=process).select_related("process").first()


def staff_answers(poll: Poll) -> list[PollAnswer]:
    """Every free-text answer of a poll for the moderators, oldest first, with pseudonyms."""
    return list(PollAnswer.objects.filter(poll=poll).select_related("participant"))


def text_polls(process: Process) -> list[Poll]:
    return list(Poll.objects.filter(process=process, kind=Poll.Kind.TEXT))


def staff_poll(user, poll_id) -> Poll:
    return get_scoped_or_404(Poll.objects.select_related("process"), user, pk=poll_id)


def staff_answer(user, answer_id) -> PollAnswer:
    return get_scoped_or_404(PollAnswer.objects.select_related("poll__process"), user, pk=answer_id)
