""" "You said, we did": every idea ends adopted (with the project or decision) or rejected
with a reason; both are shown on the public accountability page."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.participation import caching
from rathaus.participation.models import Idea
from rathaus.participation.services.notifications import notify_author
from rathaus.participation.text import multi_line, one_line

FINAL = {Idea.Status.ADOPTED, Idea.Status.REJECTED}


@transaction.atomic
def idea_set_status(
    *,
    actor,
    idea: Idea,
    status: str,
    reason: str = "",
    project: str = "",
    now: datetime | None = None,
) -> Idea:
    now = now_or(now)
    if status not in Idea.Status.values:
        raise DomainError("status_invalid", _("Unbekannter Stand."))
    reason = multi_line(
        reason, field="reason", label=_("Begründung"), max_length=3000, required=status in FINAL
    )
    project = one_line(
        project,
        field="project",
        label=_("Projekt oder Beschluss"),
        max_length=200,
        required=status == Idea.Status.ADOPTED,
    )
    before = audit.snapshot(idea)
    changed = (idea.status, idea.status_reason, idea.project) != (status, reason, project)
    idea.status = status
    idea.status_reason = reason
    idea.project = project if status == Idea.Status.ADOPTED else ""
    idea.decided_at = now if status in FINAL else None
    idea.save(update_fields=["status", "status_reason", "project", "decided_at"])
    caching.bump(idea.process_id)
    audit.record(
        actor=actor, instance=idea, action="status", before=before, after=audit.snapshot(idea)
    )
    if changed:
        notify_author(idea, "status")
    return idea
