"""Staff actions after the count (§ 46c KWahlG NRW): drawing the lot, creating the runoff."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.core.problems import DomainError
from rathaus.elections.services.runoff import lot_draw, runoff_create_from
from rathaus.elections.views.common import staff_election, to_detail


@login_required
@require_POST
def lot(request, election_id):
    election = staff_election(request, election_id, "elections.manage")
    try:
        drawing = lot_draw(election=election, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Das Los ist gezogen: %(names)s.") % {"names": ", ".join(drawing.drawn)}
        )
    return to_detail(election)


@login_required
@require_POST
def runoff(request, election_id):
    election = staff_election(request, election_id, "elections.manage")
    try:
        created = runoff_create_from(election, request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return to_detail(election)
    names = functools.reduce(
        # Translators: joins candidate names, e.g. "Anna Beispiel und Bernd Muster".
        lambda first, second: _("%(first)s und %(second)s") % {"first": first, "second": second},
        [c.name for c in created.candidates.order_by("position")],
    )
    messages.success(
        request,
        _("Stichwahl am %(date)s zwischen %(names)s ist angelegt.")
        % {"date": date_format(created.date, "SHORT_DATE_FORMAT"), "names": names},
    )
    return to_detail(created)
