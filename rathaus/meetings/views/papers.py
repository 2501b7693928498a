"""Council papers with their path through the bodies and their deadlines."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rathaus.meetings import selectors
from rathaus.meetings.views.common import require_view


@login_required
@require_GET
def index(request):
    require_view(request.user)
    return render(
        request,
        "meetings/papers.html",
        {"papers": selectors.papers_for(request.user), "today": timezone.localdate()},
    )


@login_required
@require_GET
def detail(request, paper_id):
    require_view(request.user)
    paper = selectors.paper_get(request.user, paper_id)
    return render(
        request,
        "meetings/paper.html",
        {"paper": paper, "today": timezone.localdate()},
    )
