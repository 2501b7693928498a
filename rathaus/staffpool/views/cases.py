"""Case exchange: offer capacity for other towns' cases, book an offer, withdraw it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.core.tenancy import home_municipality
from rathaus.staffpool import selectors
from rathaus.staffpool.forms import CaseBookingForm, CaseOfferForm
from rathaus.staffpool.rules import PERM_MANAGE_POOL, PERM_VIEW
from rathaus.staffpool.services import cases as case_services
from rathaus.staffpool.tenancy import own_ids
from rathaus.staffpool.views.common import refuse, require_perm


@login_required
@require_http_methods(["GET", "POST"])
def case_exchange(request):
    """The region's offers, the own town's bookings, and a form to offer capacity."""
    require_perm(request.user, PERM_VIEW)
    can_manage = request.user.has_perm(PERM_MANAGE_POOL)
    town = home_municipality(request.user)
    form = CaseOfferForm(request.POST or None) if can_manage and town is not None else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                case_services.offer_create(
                    actor=request.user, municipality=town, data=form.cleaned_data
                )
            except DomainError as exc:
                refuse(request, form, exc)
            else:
                messages.success(request, _("Angebot veröffentlicht."))
                return redirect("staffpool:case_exchange")
    today = timezone.localdate()
    return render(
        request,
        "staffpool/case_exchange.html",
        {
            "offers": selectors.case_offers_for(request.user, today=today),
            "bookings": selectors.case_bookings_for(request.user),
            "form": form,
            "can_book": can_manage and town is not None,
        },
    )


def _offer_or_404(user, pk):
    offer = selectors.case_offer_get(user, pk)
    if offer is None:
        raise Http404
    return offer


@login_required
@require_http_methods(["GET", "POST"])
def case_offer_book(request, pk):
    require_perm(request.user, PERM_MANAGE_POOL)
    offer = _offer_or_404(request.user, pk)
    borrower = home_municipality(request.user)
    if borrower is None or offer.municipality_id in own_ids(request.user):
        raise Http404
    today = timezone.localdate()
    free = selectors.case_free_hours(offer, start=max(offer.start, today))
    initial = {"start": max(offer.start, today), "end": offer.end, "hours_per_week": free}
    form = CaseBookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.offer_book(
                actor=request.user, offer=offer, borrower=borrower, data=form.cleaned_data
            )
        except DomainError as exc:
            refuse(request, form, exc)
        else:
            messages.success(
                request, _("Fallbearbeitung gebucht; die Stunden stehen im Stundenkonto.")
            )
            return redirect("staffpool:case_exchange")
    return render(request, "staffpool/case_book.html", {"offer": offer, "free": free, "form": form})


@login_required
@require_POST
def case_offer_withdraw(request, pk):
    require_perm(request.user, PERM_MANAGE_POOL)
    offer = _offer_or_404(request.user, pk)
    if offer.municipality_id not in own_ids(request.user):
        raise Http404
    try:
        case_services.offer_withdraw(actor=request.user, offer=offer)
    except DomainError as exc:
        refuse(request, None, exc)
    else:
        messages.success(request, _("Angebot zurückgezogen."))
    return redirect("staffpool:case_exchange")
