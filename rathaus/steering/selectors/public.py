"""Reads for the public page: only rows marked public, of one municipality by its slug."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from rathaus.core.models import Municipality
from rathaus.steering.models import ActionField, Indicator, Project


def public_view(slug: str):
    town = get_object_or_404(Municipality, slug=slug)
    fields = list(
        ActionField.objects.filter(municipality=town, public=True, plan__is_current=True).order_by(
            "position"
        )
    )
    projects = Project.objects.filter(municipality=town, public=True).order_by("title")
    by_field: dict[int, list] = {f.pk: [] for f in fields}
    for project in projects:
        if project.action_field_id in by_field:
            done = project.milestones.filter(done_on__isnull=False).count()
            total = project.milestones.count()
            project.progress = round(100 * done / total) if total else None
            by_field[project.action_field_id].append(project)
    indicators = list(Indicator.objects.filter(municipality=town, public=True).order_by("name"))
    return town, [(f, by_field[f.pk]) for f in fields], indicators
