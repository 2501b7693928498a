"""Poll results (counts per option with shares) for the public page and the evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from rathaus.participation.models import Poll, PollVote, Process


@dataclass(frozen=True)
class OptionResult:
    id: int
    label: str
    votes: int
    percent: int


@dataclass(frozen=True)
class PollResult:
    poll: Poll
    voters: int
    options: list[OptionResult]


def poll_results(process: Process) -> list[PollResult]:
    out = []
    for poll in Poll.objects.filter(process=process).prefetch_related("options"):
        counts = dict(
            PollVote.objects.filter(poll=poll)
            .values("option")
            .annotate(n=Count("pk"))
            .values_list("option", "n")
        )
        voters = PollVote.objects.filter(poll=poll).values("participant").distinct().count()
        out.append(
            PollResult(
                poll,
                voters,
                [
                    OptionResult(
                        o.pk,
                        o.label,
                        counts.get(o.pk, 0),
                        round(100 * counts.get(o.pk, 0) / voters) if voters else 0,
                    )
                    for o in poll.options.all()
                ],
            )
        )
    return out


def own_votes(participant) -> set[int]:
    if participant is None:
        return set()
    return set(PollVote.objects.filter(participant=participant).values_list("option_id", flat=True))


def poll_of(process: Process, poll_id) -> Poll | None:
    return Poll.objects.filter(pk=poll_id, process=process).select_related("process").first()
