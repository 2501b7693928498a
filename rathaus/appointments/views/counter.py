"""Staff pages of the citizen office at work: day view, check-in, call-up, served/no-show,
walk-in tickets, closures and the public waiting-room display.

Views stay thin: forms (:mod:`~rathaus.appointments.forms.counter`) validate input (German
messages at the field), services in :mod:`~rathaus.appointments.services.counter` write,
:mod:`~rathaus.appointments.selectors.counter` reads. Domain errors become a German message
on the page, never a 500. Every staff lookup goes through
:mod:`rathaus.core.tenancy`; rows of another municipality answer 404. Statistics and the
CSV export live in :mod:`~rathaus.appointments.views.statistics`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.appointments import rules as permissions
from rathaus.appointments.forms.counter import (
    CallForm,
    CheckInForm,
    ClosureForm,
    DayFilterForm,
    WalkInForm,
)
from rathaus.appointments.models import Appointment, Counter
from rathaus.appointments.selectors import catalogue
from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.appointments.services import counter as counter_services
from rathaus.core.models import Location
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import get_scoped_or_404

S = Appointment.Status
SESSION_COUNTER = "appointments_staff_counter"


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _day_url(location_id: int, **params) -> str:
    query = {"standort": location_id, **{k: v for k, v in params.items() if v}}
    return f"{reverse('appointments:staff_day')}?{urlencode(query)}"


def _back(request, location_id: int) -> HttpResponseRedirect:
    """Back to the day view the form was sent from (same location, filters kept)."""
    params = {}
    for key in ("schalter", "status", "tag"):
        value = request.POST.get(f"back_{key}", "")
        if value and len(value) < 20:
            params[key] = value
    return HttpResponseRedirect(_day_url(location_id, **params))


def _perform(request, action: Callable[[], Appointment], success: Callable[[Appointment], str]):
    """Run a counter action: a :class:`DomainError` becomes the German error message on the
    page, otherwise ``success(result)`` the success message."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return
    messages.success(request, success(result))


def _called_text(appointment: Appointment, counter: Counter) -> str:
    return _("%(number)s wurde zu „%(counter)s“ aufgerufen.") % {
        "number": appointment.ticket_number,
        "counter": counter.name,
    }


# --------------------------------------------------------------------------- day view


def _pick_location(request):
    locations = list(counter_selectors.staff_locations(request.user))
    raw = request.GET.get("standort", "")
    if raw:
        location = get_scoped_or_404(
            counter_selectors.staff_locations(request.user), request.user, pk=raw
        )
    elif locations:
        location = locations[0]
    else:
        location = None
    return location, locations


def _day_filters(request, location: Location, now):
    """The day view's filters from the query string: (counters, form, day, counter, status)."""
    counters = list(counter_selectors.counters_of(location))
    filters = DayFilterForm(request.GET or None, counters=counters)
    day = counter_selectors.local_today(location, now)
    counter = None
    status = ""
    if filters.is_bound and filters.is_valid():
        day = filters.cleaned_data.get("tag") or day
        counter_id = filters.cleaned_data.get("schalter")
        counter = next((c for c in counters if c.id == counter_id), None)
        status = filters.cleaned_data.get("status") or ""
    return counters, filters, day, counter, status


def _live_context(request, location: Location, counters, day, counter, status, now) -> dict:
    """What the refreshed part of the day view needs (the list, the counts, the poller)."""
    view = counter_selectors.day_view(location, day, counter=counter, status=status, now=now)
    query = {"standort": location.pk, "tag": day.isoformat()}
    if counter is not None:
        query["schalter"] = counter.pk
    if status:
        query["status"] = status
    query["v"] = counter_selectors.day_version(location, day)
    query["seit"] = int(now.timestamp())
    return {
        "location": location,
        "view": view,
        "active_counters": [c for c in counters if c.active],
        "chosen_counter": request.session.get(SESSION_COUNTER),
        "now": now,
        "poll_query": urlencode(query),
        "back": {
            "schalter": counter.id if counter else "",
            "status": status,
            "tag": day.isoformat() if not view.is_today else "",
        },
    }


@login_required
@require_GET
def staff_day(request):
    _require(request.user, permissions.PERM_COUNTER)
    location, locations = _pick_location(request)
    if location is None:
        return render(request, "appointments/staff/day.html", {"locations": []})
    now = timezone.now()
    counters, filters, day, counter, status = _day_filters(request, location, now)
    chosen = request.session.get(SESSION_COUNTER)
    call_form = CallForm(
        counters=counters,
        initial={"counter": chosen if any(c.id == chosen for c in counters) else None},
    )
    policy = catalogue.policy_for(location)
    display_url = (
        reverse("appointments:display", kwargs={"display_token": policy.display_token})
        if policy.pk
        else ""
    )
    return render(
        request,
        "appointments/staff/day.html",
        {
            **_live_context(request, location, counters, day, counter, status, now),
            "locations": locations,
            "filters": filters,
            "call_form": call_form,
            "check_in_form": CheckInForm(),
            "counters": counters,
            "display_url": display_url,
            "walk_in_enabled": policy.walk_in_enabled,
            "can_statistics": request.user.has_perm(permissions.PERM_STATISTICS),
        },
        # invalid filters (e.g. a date out of range) show at the field and answer 400
        status=400 if filters.is_bound and not filters.is_valid() else 200,
    )


def _since(raw: str):
    """The poller's previous render time (epoch seconds), or None if missing or garbage."""
    if not raw.isdigit() or len(raw) > 12:
        return None
    return datetime.fromtimestamp(int(raw), tz=UTC)


@never_cache
@login_required
@require_GET
def staff_day_poll(request):
    """htmx poll of the day view (every 10 s): 204 while nothing changed at this location
    and day; otherwise the new list, the new poller and a polite announcement of who has
    been checked in meanwhile (reception, another counter)."""
    _require(request.user, permissions.PERM_COUNTER)
    location, _locations = _pick_location(request)
    if location is None:
        raise Http404
    now = timezone.now()
    counters, _filters, day, counter, status = _day_filters(request, location, now)
    if request.GET.get("v", "") == counter_selectors.day_version(location, day):
        return HttpResponse(status=204)
    context = _live_context(request, location, counters, day, counter, status, now)
    numbers = counter_selectors.checked_in_since(
        context["view"], _since(request.GET.get("seit", ""))
    )
    if numbers:
        announcement = ngettext(
            "Neu angemeldet: %(numbers)s.", "Neu angemeldet: %(numbers)s.", len(numbers)
        ) % {"numbers": ", ".join(numbers)}
    else:
        announcement = _("Die Liste wurde aktualisiert.")
    return render(
        request,
        "appointments/staff/_day_live.html",
        {**context, "oob": True, "announcement": announcement},
    )


def _scoped_location(request, location_id) -> Location:
    return get_scoped_or_404(Location, request.user, pk=location_id)


def _scoped_appointment(request, appointment_id) -> Appointment:
    return counter_selectors.appointment_get_scoped(user=request.user, pk=appointment_id)


def _counter_from_post(request, location: Location) -> Counter | None:
    counters = list(counter_selectors.counters_of(location))
    form = CallForm(request.POST, counters=counters)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return None
    counter = next(c for c in counters if c.id == form.cleaned_data["counter"])
    request.session[SESSION_COUNTER] = counter.id
    return counter


@login_required
@require_POST
def staff_check_in_number(request, location_id):
    _require(request.user, permissions.PERM_COUNTER)
    location = _scoped_location(request, location_id)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("number", []):
            messages.error(request, error)
        return _back(request, location.pk)
    _perform(
        request,
        lambda: counter_services.appointment_check_in_by_number(
            location=location, number=form.cleaned_data["number"], actor=request.user
        ),
        lambda done: _("%(number)s ist angemeldet.") % {"number": done.ticket_number},
    )
    return _back(request, location.pk)


def _numbered(done: Appointment, with_number: str, without: str, **values) -> str:
    """The success message naming the waiting number, or the plain one without a number."""
    values["number"] = done.ticket_number
    return (with_number if done.ticket_number else without) % values


def _row_action(
    service: Callable[..., Appointment],
    success: Callable[[Appointment], str],
    *,
    counter: bool = False,
):
    """A POST view acting on one appointment of the day view (check-in, call, call again,
    served, no-show, undo): tenancy, permission, the service call with its German message,
    back to the day view. ``counter=True`` reads the counter chosen in the form first."""

    @login_required
    @require_POST
    def view(request, appointment_id):
        _require(request.user, permissions.PERM_COUNTER)
        appointment = _scoped_appointment(request, appointment_id)
        kwargs = {"appointment": appointment, "actor": request.user}
        if counter:
            kwargs["counter"] = _counter_from_post(request, appointment.location)
        if not counter or kwargs["counter"] is not None:
            _perform(request, lambda: service(**kwargs), success)
        return _back(request, appointment.location_id)

    return view


staff_check_in = _row_action(
    counter_services.appointment_check_in,
    lambda done: _("Angemeldet – Wartenummer %(number)s.") % {"number": done.ticket_number},
)
staff_call = _row_action(
    counter_services.appointment_call,
    lambda done: _called_text(done, done.called_counter),
    counter=True,
)
staff_call_again = _row_action(
    counter_services.appointment_call_again,
    lambda done: (
        _("%(number)s wurde erneut zu „%(counter)s“ aufgerufen.")
        % {"number": done.ticket_number, "counter": done.called_counter.name}
    ),
)
staff_served = _row_action(
    counter_services.appointment_mark_served,
    lambda done: _numbered(done, _("%(number)s: erledigt."), _("Termin: erledigt.")),
)
staff_no_show = _row_action(
    counter_services.appointment_mark_no_show,
    lambda done: _numbered(
        done,
        _("%(number)s: als nicht erschienen markiert."),
        _("Termin: als nicht erschienen markiert."),
    ),
)
staff_undo = _row_action(
    counter_services.appointment_undo_outcome,
    lambda done: _numbered(
        done,
        _("%(number)s: rückgängig gemacht – jetzt wieder „%(status)s“."),
        _("Termin: rückgängig gemacht – jetzt wieder „%(status)s“."),
        status=done.get_status_display(),
    ),
)


@login_required
@require_POST
def staff_call_next(request, location_id):
    _require(request.user, permissions.PERM_COUNTER)
    location = _scoped_location(request, location_id)
    counter = _counter_from_post(request, location)
    if counter is not None:
        _perform(
            request,
            lambda: counter_services.appointment_call_next(counter=counter, actor=request.user),
            lambda done: _called_text(done, counter),
        )
    return _back(request, location.pk)


# --------------------------------------------------------------------------- walk-in tickets


@login_required
@require_http_methods(["GET", "POST"])
def staff_walk_in(request, location_id):
    _require(request.user, permissions.PERM_COUNTER)
    location = _scoped_location(request, location_id)
    services = catalogue.services_at(location)
    form = WalkInForm(request.POST or None, services=services)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            ticket = counter_services.walk_in_issue(
                location=location,
                demand=form.demand(),
                name=form.cleaned_data.get("name", ""),
                actor=request.user,
            )
        except DomainError as exc:
            refusal = exc.message
        else:
            return HttpResponseRedirect(
                reverse("appointments:staff_ticket", kwargs={"appointment_id": ticket.pk})
            )
    policy = catalogue.policy_for(location)
    return render(
        request,
        "appointments/staff/walk_in.html",
        {
            "location": location,
            "form": form,
            "refusal": refusal,
            "walk_in_enabled": policy.walk_in_enabled,
        },
        status=409 if refusal else 200,
    )


@login_required
@require_GET
def staff_ticket(request, appointment_id):
    _require(request.user, permissions.PERM_COUNTER)
    ticket = counter_selectors.appointment_get_scoped(
        user=request.user,
        pk=appointment_id,
        source=Appointment.Source.WALK_IN,
    )
    tz = counter_selectors.tz_of(ticket.location)
    ahead = sum(
        1
        for entry in counter_selectors.queue(ticket.location)
        if entry.appointment.pk != ticket.pk and entry.key <= (ticket.checked_in_at or ticket.start)
    )
    return render(
        request,
        "appointments/staff/ticket.html",
        {
            "ticket": ticket,
            "issued": ticket.created.astimezone(tz),
            "services": counter_selectors._items_label(ticket),
            "ahead": ahead if ticket.status == S.CHECKED_IN else None,
        },
    )


# --------------------------------------------------------------------------- closures


def _closed_message(outcomes) -> str:
    return ngettext(
        # Translators: German uses the same wording for any count.
        "Geschlossen. %(count)d betroffene Termine wurden bearbeitet – "
        "das Ergebnis für jeden Termin steht unten.",
        "Geschlossen. %(count)d betroffene Termine wurden bearbeitet – "
        "das Ergebnis für jeden Termin steht unten.",
        len(outcomes),
    ) % {"count": len(outcomes)}


@login_required
@require_http_methods(["GET", "POST"])
def staff_closure(request):
    """Close a counter or a location: the form, then a preview of the consequences for
    every appointment, and only after "Ja, schließen" (``bestaetigt``) the closure."""
    _require(request.user, permissions.PERM_COUNTER)
    initial = {}
    if request.method == "GET":
        raw = request.GET.get("standort", "")
        if raw.isdigit() and len(raw) < 15:
            initial["location"] = raw
        initial["day"] = timezone.localdate()
    form = ClosureForm(request.POST or None, user=request.user, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = {"location": data["location"], "day": data["day"], "counter": data["counter"]}
        try:
            if request.POST.get("bestaetigt") != "1":
                preview = counter_services.closure_preview(**place)
            else:
                exception, outcomes = counter_services.closure_close(
                    **place, reason=data["reason"], actor=request.user
                )
                messages.success(request, _closed_message(outcomes))
                return HttpResponseRedirect(
                    reverse(
                        "appointments:staff_closure_detail", kwargs={"exception_id": exception.pk}
                    )
                )
        except DomainError as exc:
            field = (exc.errors or [{}])[0].get("field")
            form.add_error("day" if field == "day" else None, exc.message)
            preview = None
    return render(
        request,
        "appointments/staff/closure.html",
        {
            "form": form,
            "preview": preview,
            "preview_groups": _preview_groups(preview or []),
            "closures": counter_selectors.closures_for(request.user),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def _preview_groups(rows) -> list[dict]:
    """The preview's rows by consequence, in the order staff must act on them."""
    titles = {
        "cancelled": _("Kein freier Termin, keine E-Mail-Adresse – bitte anrufen"),
        "waiting_list": _(
            "Kein freier Termin – wird abgesagt und kommt auf die Warteliste (E-Mail)"
        ),
        "new_time": _("Bekommt eine neue Uhrzeit (E-Mail mit dem neuen Termin)"),
        "same_time": _("Gleiche Uhrzeit an einem anderen Schalter – keine E-Mail"),
    }
    return [
        {"kind": kind, "title": title, "rows": [r for r in rows if r.kind == kind]}
        for kind, title in titles.items()
        if any(r.kind == kind for r in rows)
    ]


@login_required
@require_GET
def staff_closure_detail(request, exception_id):
    _require(request.user, permissions.PERM_COUNTER)
    exception = counter_selectors.closure_get_scoped(user=request.user, pk=exception_id)
    tz = counter_selectors.tz_of(exception.location)
    rows = [
        {
            "outcome": o,
            "old_start": o.old_start.astimezone(tz),
            "services": counter_selectors._items_label(o.appointment),
            "label": counter_selectors.outcome_label(o, tz),
        }
        for o in counter_selectors.closure_outcomes(exception)
    ]
    return render(
        request,
        "appointments/staff/closure_detail.html",
        {"exception": exception, "rows": rows},
    )


# --------------------------------------------------------------------------- display (public)


def _display_location(display_token: str) -> Location:
    location = counter_selectors.location_by_display_token(display_token)
    if location is None:
        raise Http404
    return location


@never_cache
@require_GET
def display(request, display_token):
    """Waiting-room display for a TV: no login, protected by the secret token in the URL."""
    location = _display_location(display_token)
    data = counter_selectors.display_data(location)
    response = render(
        request,
        "appointments/staff/display.html",
        {"location": location, "data": data, "display_token": display_token},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def display_calls(request, display_token):
    """htmx poll: 204 while nothing changed; else the new poller and the new call list."""
    location = _display_location(display_token)
    data = counter_selectors.display_data(location)
    if request.GET.get("v", "") == data.version:
        return HttpResponse(status=204)
    response = render(
        request,
        "appointments/staff/_display_calls.html",
        {"location": location, "data": data, "display_token": display_token, "oob": True},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
