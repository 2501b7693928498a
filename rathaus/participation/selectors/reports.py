"""The participation report: who took part, by district and by invited group.

Planners see which affected districts and groups they did not reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from rathaus.participation.models import (
    Comment,
    Idea,
    InvitationCode,
    InvitationGroup,
    Participant,
    Process,
)


@dataclass(frozen=True)
class Row:
    label: str
    participants: int
    ideas: int
    comments: int
    concerned: bool  # a district the process is about / an invited group
    invited: int = 0  # codes issued (groups only)

    @property
    def reached(self) -> bool:
        return self.participants > 0


@dataclass(frozen=True)
class Report:
    by_district: list[Row]
    by_group: list[Row]
    participants: int
    ideas: int
    comments: int

    @property
    def not_reached(self) -> list[str]:
        return [r.label for r in self.by_district + self.by_group if r.concerned and not r.reached]


def _counts(model, process, key):
    field = (
        "process" if model is Participant else "idea__process" if model is Comment else "process"
    )
    rows = (
        model.objects.filter(**{field: process})
        .values(key)
        .annotate(n=Count("pk"))
        .values_list(key, "n")
    )
    return dict(rows)


def participation_report(process: Process) -> Report:
    concerned = {d.pk: d for d in process.districts.all()}
    people = _counts(Participant, process, "district__name")
    ideas = _counts(Idea, process, "participant__district__name")
    comments = _counts(Comment, process, "participant__district__name")
    names = sorted(
        {n for n in (*people, *ideas, *comments) if n} | {d.name for d in concerned.values()}
    )
    concerned_names = {d.name for d in concerned.values()}
    by_district = [
        Row(n, people.get(n, 0), ideas.get(n, 0), comments.get(n, 0), n in concerned_names)
        for n in names
    ]
    unknown = people.get(None, 0)
    if unknown:
        by_district.append(Row("–", unknown, ideas.get(None, 0), comments.get(None, 0), False))
    codes = dict(
        InvitationCode.objects.filter(group__process=process)
        .values("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )
    g_people = _counts(Participant, process, "group")
    g_ideas = _counts(Idea, process, "participant__group")
    g_comments = _counts(Comment, process, "participant__group")
    by_group = [
        Row(
            g.name,
            g_people.get(g.pk, 0),
            g_ideas.get(g.pk, 0),
            g_comments.get(g.pk, 0),
            True,
            codes.get(g.pk, 0),
        )
        for g in InvitationGroup.objects.filter(process=process).order_by("name")
    ]
    return Report(
        by_district,
        by_group,
        Participant.objects.filter(process=process).count(),
        Idea.objects.filter(process=process).count(),
        Comment.objects.filter(idea__process=process).count(),
    )
