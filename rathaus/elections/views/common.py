"""What every elections view needs: permission checks, the election in scope, CSV replies."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from rathaus.core.tenancy import get_scoped_or_404
from rathaus.elections.models import District, Election
from rathaus.elections.selectors.elections import district_in


def require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def election_of(request, election_id) -> Election:
    return get_scoped_or_404(
        Election.objects.select_related("municipality", "first_round"), request.user, pk=election_id
    )


def staff_election(request, election_id, perm: str) -> Election:
    """The election a staff view acts on: 403 without ``perm``, 404 outside the user's scope."""
    require(request.user, perm)
    return election_of(request, election_id)


def to_detail(election: Election) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("elections:detail", args=[election.pk]))


def district_of(election: Election, district_id) -> District:
    district = district_in(election, district_id)
    if district is None:
        raise Http404
    return district


def csv_response(text: str, election: Election, suffix: str = "") -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"{election.municipality.ags}_{election.date:%Y%m%d}_{election.pk}{suffix}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
