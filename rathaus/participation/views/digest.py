"""Following a district: the sign-up form (double opt-in) and the link in every e-mail that
confirms, shows and ends the subscription (GET only shows; buttons POST)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.participation import conf, protection
from rathaus.participation.forms import FollowForm
from rathaus.participation.selectors import digest as selectors
from rathaus.participation.services import digest as services
from rathaus.participation.views.common import client_ip


@require_http_methods(["GET", "POST"])
def follow(request, district_id):
    district = selectors.public_district(district_id)
    if district is None:
        raise Http404
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            protection.limit(
                client_ip(request), scope="follow", per_hour=conf.join_limit_per_hour()
            )
            protection.verify(request.POST.get("altcha"))
            services.follower_subscribe(
                district=district,
                email=form.cleaned_data["email"],
                consent=form.cleaned_data["consent"],
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            return render(request, "participation/follow_sent.html", {"district": district})
    return render(
        request,
        "participation/follow.html",
        {"district": district, "form": form},
        status=400 if form.errors else 200,
    )


def _follower_or_404(value):
    follower = selectors.follower_from_link(value)
    if follower is None:
        raise Http404
    if follower.confirmed_at is None and (
        selectors.follower_from_link(value, max_age=selectors.CONFIRM_MAX_AGE) is None
    ):
        raise Http404  # an old confirmation link: subscribe again
    return follower


@require_http_methods(["GET", "POST"])
def follow_manage(request, value):
    follower = _follower_or_404(value)
    action = request.POST.get("action")
    if request.method == "POST" and action == "confirm":
        services.follower_confirm(follower=follower)
        messages.success(request, _("Danke! Sie bekommen ab jetzt einmal pro Woche Neuigkeiten."))
        return HttpResponseRedirect(reverse("participation:follow_manage", args=[value]))
    if request.method == "POST" and action == "unsubscribe":
        district = follower.district
        services.follower_unsubscribe(follower=follower)
        messages.success(request, _("Abbestellt. Ihre E-Mail-Adresse ist gelöscht."))
        town = district.municipality.slug
        return HttpResponseRedirect(reverse("participation:districts", args=[town]))
    return render(
        request, "participation/follow_manage.html", {"follower": follower, "value": value}
    )
