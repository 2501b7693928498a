"""Propose an agenda item from another module: ``?titel=…&quelle=…&link=…`` prefill the form."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.meetings import pool, selectors
from rathaus.meetings.forms import ProposalForm
from rathaus.meetings.services import proposals as services
from rathaus.meetings.views.common import require_view, to_body

# Short source keys other modules may pass instead of a label (shown translated).
SOURCES = {
    "steering": gettext_lazy("Steuerungsfall"),
    "staffpool": gettext_lazy("Anfrage im Personalpool"),
    "participation": gettext_lazy("Beteiligungsverfahren"),
}


def _initial(user, query) -> dict:
    """From ``?titel=…&quelle=…&link=…``, or ``?personalanfrage=<id>`` (the link on a staff-pool
    request's page: the request is read through the pool's own scoping)."""
    request = pool.request_for(user, query.get("personalanfrage", ""))
    if request is not None:
        body = query.get("gremium", "")
        query = {"titel": request.agenda_title, "quelle": "staffpool", "link": request.url}
        query["gremium"] = body
    source = query.get("quelle", "")[:200]
    return {
        "title": query.get("titel", "")[:300],
        "source_label": str(SOURCES.get(source, source)),
        "source_url": query.get("link", "")[:500],
        "body": query.get("gremium", "")[:12],
    }


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    require_view(request.user)
    bodies = selectors.visible_bodies(request.user).order_by("name")
    form = ProposalForm(
        request.POST or None, bodies=bodies, initial=_initial(request.user, request.GET)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        body = data.pop("body")
        try:
            services.agenda_item_propose(actor=request.user, body=body, **data)
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(
                request,
                _("Vorschlag im Themenspeicher von „%(body)s“ abgelegt.") % {"body": body.name},
            )
            return to_body(body.pk)
    return render(
        request,
        "meetings/proposals/form.html",
        {"form": form, "pool_requests": _pool_offers(request.user, request.GET.get("gremium"))},
    )


def _pool_offers(user, body_id) -> list[dict]:
    """Open staff-pool requests, each with the link that fills this form for it."""
    keep = {"gremium": body_id} if body_id else {}
    return [
        {
            "request": row,
            "prefill": "?"
            + urlencode(
                {"titel": row.agenda_title, "quelle": "staffpool", "link": row.url, **keep}
            ),
        }
        for row in pool.open_requests(user)
    ]
