"""Citizen pages of the booking flow: choose place and services, calendar, slot, hold,
details; plus the helpers the other citizen pages share (calendar, slots, texts).

The personal link's pages live in :mod:`~rathaus.appointments.views.personal_link`, the Terminagent's in
:mod:`~rathaus.appointments.views.waiting_list`.

Citizens never log in. A hold lives in the session (raw token), the booking afterwards
only behind the personal link from the e-mail. Views stay thin: services do the work.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.appointments import proof_of_work
from rathaus.appointments.forms.booking import BookingForm, ServiceChoiceForm
from rathaus.appointments.mails import clock, day_text, weekday_names
from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import availability, catalogue
from rathaus.appointments.selectors import waiting_room as waiting_room_store
from rathaus.appointments.selectors.appointments import appointment_get_by_token
from rathaus.appointments.services import booking, common, waiting_room
from rathaus.core import clientip
from rathaus.core.problems import DomainError

S = Appointment.Status
HOLD_SESSION_KEY = "appointments_hold"
SENT_NUMBER_SESSION_KEY = "appointments_sent_number"  # shown on the "check your e-mail" page


# --------------------------------------------------------------------------- helpers


def client_ip(request) -> str:
    """The client's address, behind trusted proxies too (see ``rathaus.core.clientip``)."""
    return clientip.client_ip(request)


def _location_or_404(location_id):
    location = catalogue.get_public_location(location_id)
    if location is None:
        raise Http404
    return location


def demand_from_query(params, location) -> dict[int, int]:
    demand = {}
    for key, value in params.items():
        if key.startswith("leistung_"):
            try:
                sid, count = int(key.removeprefix("leistung_")), int(value)
            except (TypeError, ValueError):
                continue
            if count > 0 and sid < 2**62 and count < 100:
                demand[sid] = count
    if not demand:
        return {}
    try:
        return common.normalize_demand(location, demand)
    except DomainError:
        return {}


def demand_query(demand: dict[int, int]) -> str:
    return urlencode({f"leistung_{sid}": n for sid, n in sorted(demand.items())})


def demand_label(demand: dict[int, int]) -> list[str]:
    names = catalogue.service_names(demand)
    return [
        f"{n} × {names.get(sid, '?')}" if n > 1 else names.get(sid, "?")
        for sid, n in demand.items()
    ]


def local_text(dt: datetime, tz) -> str:
    local = dt.astimezone(tz)
    # Translators: e.g. "Montag, 01.02.2026, 09:30 Uhr".
    return _("%(day)s, %(time)s Uhr") % {"day": day_text(local), "time": clock(local)}


def _parse_month(value: str | None, fallback: date) -> date:
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return fallback.replace(day=1)


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def parse_start(value: str | None, tz) -> datetime | None:
    try:
        dt = datetime.fromisoformat(value or "")
    except (TypeError, ValueError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt


def month_weeks(year: int, month: int, counts: dict[date, int]) -> list[list[dict | None]]:
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month:
                row.append(None)
            else:
                row.append({"date": day, "count": counts.get(day, 0)})
        weeks.append(row)
    return weeks


def calendar_context(location, demand, month_param, now, *, day_url_name, day_url_kwargs):
    tz = catalogue.local_tz(location)
    first, last = availability.bookable_window(location, now)
    shown = _parse_month(month_param, first)
    shown = min(max(shown, first.replace(day=1)), last.replace(day=1))
    counts = availability.month(location, demand, shown.year, shown.month, now)
    prev_month = (shown - timedelta(days=1)).replace(day=1)
    next_month = (shown + timedelta(days=32)).replace(day=1)
    query = demand_query(demand)
    weeks = month_weeks(shown.year, shown.month, counts)
    for week in weeks:
        for cell in week:
            if cell and cell["count"]:
                cell["url"] = (
                    reverse(
                        day_url_name, kwargs={**day_url_kwargs, "day": cell["date"].isoformat()}
                    )
                    + "?"
                    + query
                )
    next_days = availability.next_days(location, demand, 5, now)
    return {
        "tz": tz,
        "month_label": date_format(shown, "YEAR_MONTH_FORMAT"),
        "weeks": weeks,
        "weekday_names": weekday_names(),
        "prev_month": prev_month.strftime("%Y-%m") if prev_month >= first.replace(day=1) else None,
        "next_month": next_month.strftime("%Y-%m") if next_month <= last.replace(day=1) else None,
        "query": query,
        "next_days": [
            {
                "date": d,
                "label": day_text(d),
                "url": reverse(day_url_name, kwargs={**day_url_kwargs, "day": d.isoformat()})
                + "?"
                + query,
            }
            for d in next_days
        ],
        "total_free": sum(counts.values()),
    }


def slot_choices(location, demand, day, now):
    tz = catalogue.local_tz(location)
    slots = availability.slots_on(location, demand, day, now)
    return [
        {
            "value": slot.start.isoformat(),
            # Translators: a time of day, e.g. "09:30 Uhr".
            "label": _("%(time)s Uhr") % {"time": clock(slot.start.astimezone(tz))},
            "id": f"slot-{slot.start.astimezone(tz):%H%M}",
        }
        for slot in slots
    ]


def appointment_context(appointment: Appointment) -> dict:
    tz = catalogue.local_tz(appointment.location)
    return {
        "appointment": appointment,
        "when": local_text(appointment.start, tz),
        "items": catalogue.items_label(appointment),
        "location": appointment.location,
        "documents": [
            (i.service.name, i.service.documents, i.service.fee_note)
            for i in appointment.items.select_related("service")
        ],
    }


# --------------------------------------------------------------------------- booking flow


@require_GET
def start(request):
    municipalities = []
    for municipality in catalogue.public_municipalities():
        municipalities.append(
            {
                "municipality": municipality,
                "locations": list(catalogue.public_locations(municipality)),
            }
        )
    return render(request, "appointments/start.html", {"municipalities": municipalities})


@require_GET
def location_view(request, location_id):
    location = _location_or_404(location_id)
    offered = catalogue.services_at(location)
    durations = catalogue.durations_at(location)
    form = ServiceChoiceForm(
        request.GET if request.GET else None, services=offered, durations=durations
    )
    if request.GET and form.is_valid():
        url = reverse("appointments:calendar", kwargs={"location_id": location.id})
        return HttpResponseRedirect(f"{url}?{demand_query(form.demand())}")
    return render(
        request,
        "appointments/location.html",
        {"location": location, "form": form, "has_services": bool(offered)},
    )


@require_GET
def calendar_view(request, location_id):
    location = _location_or_404(location_id)
    demand = demand_from_query(request.GET, location)
    if not demand:
        messages.error(request, _("Bitte wählen Sie zuerst die gewünschten Leistungen aus."))
        return HttpResponseRedirect(reverse("appointments:location", args=[location.id]))
    now = timezone.now()
    context = calendar_context(
        location,
        demand,
        request.GET.get("monat"),
        now,
        day_url_name="appointments:day",
        day_url_kwargs={"location_id": location.id},
    )
    anywhere = availability.earliest_anywhere(location.municipality_id, demand, now)
    if anywhere:
        other, slot = anywhere
        context["earliest_anywhere"] = {
            "location": other,
            "label": local_text(slot.start, context["tz"]),
            "url": reverse(
                "appointments:day",
                kwargs={
                    "location_id": other.id,
                    "day": slot.start.astimezone(context["tz"]).date().isoformat(),
                },
            )
            + "?"
            + context["query"],
        }
    context.update(
        {
            "location": location,
            "demand_labels": demand_label(demand),
            "waiting_list_url": reverse(
                "appointments:waiting_new", kwargs={"municipality_id": location.municipality_id}
            ),
        }
    )
    return render(request, "appointments/calendar.html", context)


@require_GET
def day_view(request, location_id, day):
    location = _location_or_404(location_id)
    demand = demand_from_query(request.GET, location)
    the_day = parse_day(day)
    if not demand:
        return HttpResponseRedirect(reverse("appointments:location", args=[location.id]))
    choices = slot_choices(location, demand, the_day, timezone.now())
    return render(
        request,
        "appointments/day.html",
        {
            "location": location,
            "day_label": day_text(the_day),
            "slots": choices,
            "demand": demand,
            "demand_labels": demand_label(demand),
            "query": demand_query(demand),
            "action": reverse("appointments:hold", kwargs={"location_id": location.id}),
            "back_url": reverse("appointments:calendar", kwargs={"location_id": location.id})
            + f"?{demand_query(demand)}&monat={the_day:%Y-%m}",
        },
    )


@require_POST
def hold_view(request, location_id):
    location = _location_or_404(location_id)
    demand = demand_from_query(request.POST, location)
    tz = catalogue.local_tz(location)
    start = parse_start(request.POST.get("start"), tz)
    back = reverse("appointments:calendar", kwargs={"location_id": location.id})
    if not demand:
        messages.error(request, _("Bitte wählen Sie zuerst die gewünschten Leistungen aus."))
        return HttpResponseRedirect(reverse("appointments:location", args=[location.id]))
    if start is None:
        messages.error(request, _("Bitte wählen Sie eine Uhrzeit aus."))
        return HttpResponseRedirect(f"{back}?{demand_query(demand)}")
    try:
        # holds take slots out of the pool: bots must pay the same proof of work as bookings
        proof_of_work.verify(request.POST.get("altcha"))
        common.rate_limit_ip(
            client_ip(request), catalogue.policy_for(location).max_requests_per_ip_hour
        )
        outcome = waiting_room.slot_request(
            kind="hold", location=location, demand=demand, start=start
        )
    except DomainError as exc:
        if exc.status == 429:
            return render(request, "appointments/limit.html", {"message": exc.message}, status=429)
        messages.error(request, exc.message)
        return HttpResponseRedirect(_day_url(location.id, start.astimezone(tz).date(), demand))
    if outcome.result is None:
        return HttpResponseRedirect(reverse("appointments:waiting_room", args=[outcome.ticket]))
    if outcome.result["status"] != 201:
        messages.error(request, outcome.result["detail"])
        return HttpResponseRedirect(_day_url(location.id, start.astimezone(tz).date(), demand))
    _take_hold(request, outcome.result["hold_token"])
    return HttpResponseRedirect(reverse("appointments:details"))


def _day_url(location_id: int, day: date, demand: dict[int, int]) -> str:
    return (
        reverse("appointments:day", kwargs={"location_id": location_id, "day": day.isoformat()})
        + f"?{demand_query(demand)}"
    )


def _take_hold(request, token: str) -> None:
    """A citizen holds one slot at a time: a new hold releases the previous one."""
    previous = request.session.get(HOLD_SESSION_KEY)
    if previous and previous != token:
        _drop_hold(previous)
    request.session[HOLD_SESSION_KEY] = token


@never_cache
@require_GET
def waiting_room_view(request, ticket):
    """The waiting room: position in the queue, updated every second by htmx (the live
    region announces changes) or by the button without script; served → details page."""
    outcome = waiting_room.ticket_poll(ticket=ticket)
    partial = request.headers.get("HX-Request") == "true"
    if outcome is None:
        raise Http404
    if outcome.result is not None and outcome.result["status"] == 201:
        _take_hold(request, outcome.result["hold_token"])
        target = reverse("appointments:details")
        if partial:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
    context = {"outcome": outcome, "ticket": ticket}
    slot = waiting_room_store.ticket_slot(ticket)
    if slot is not None and outcome.result is not None:
        location_id, demand, start_iso = slot
        location = _location_or_404(location_id)
        day = datetime.fromisoformat(start_iso).astimezone(catalogue.local_tz(location)).date()
        context["back_url"] = _day_url(location_id, day, demand)
    template = (
        "appointments/_waiting_room_state.html" if partial else "appointments/waiting_room.html"
    )
    return render(request, template, context)


def _drop_hold(token: str) -> None:
    try:
        appointment = appointment_get_by_token(token=token)
    except DomainError:
        return
    if appointment.status == S.HELD:
        booking.appointment_cancel(appointment=appointment)


def _current_hold(request) -> Appointment | None:
    token = request.session.get(HOLD_SESSION_KEY)
    if not token:
        return None
    try:
        appointment = appointment_get_by_token(token=token)
    except DomainError:
        return None
    if appointment.status != S.HELD or appointment.hold_expires_at <= timezone.now():
        return None
    return appointment


def _remaining_text(hold: Appointment) -> str:
    seconds = max(0, int((hold.hold_expires_at - timezone.now()).total_seconds()))
    minutes = (seconds + 59) // 60
    tz = catalogue.local_tz(hold.location)
    until = hold.hold_expires_at.astimezone(tz)
    if seconds <= 0:
        return _("Ihre Reservierung ist abgelaufen.")
    return ngettext(
        "Der Termin ist bis %(time)s Uhr für Sie reserviert (noch etwa %(minutes)s Minute).",
        "Der Termin ist bis %(time)s Uhr für Sie reserviert (noch etwa %(minutes)s Minuten).",
        minutes,
    ) % {"time": clock(until), "minutes": minutes}


@never_cache
@require_http_methods(["GET", "POST"])
def details(request):
    hold = _current_hold(request)
    if hold is None:
        messages.error(
            request,
            _(
                "Ihre Reservierung ist abgelaufen oder nicht mehr vorhanden. "
                "Bitte wählen Sie einen Termin."
            ),
        )
        return HttpResponseRedirect(reverse("appointments:start"))
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            common.rate_limit_ip(
                client_ip(request), catalogue.policy_for(hold.location).max_requests_per_ip_hour
            )
            appointment, _token = booking.appointment_book(
                hold_token=request.session[HOLD_SESSION_KEY],
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as exc:
            if exc.status == 429:
                return render(
                    request, "appointments/limit.html", {"message": exc.message}, status=429
                )
            form.add_error(None, exc.message)
        else:
            del request.session[HOLD_SESSION_KEY]
            request.session["appointments_sent_to"] = "1"
            request.session[SENT_NUMBER_SESSION_KEY] = appointment.pk
            return HttpResponseRedirect(reverse("appointments:sent"))
    tz = catalogue.local_tz(hold.location)
    return render(
        request,
        "appointments/details.html",
        {
            "form": form,
            "hold": hold,
            "when": local_text(hold.start, tz),
            "items": catalogue.items_label(hold),
            "remaining": _remaining_text(hold),
        },
    )


@never_cache
@require_GET
def hold_remaining(request):
    hold = _current_hold(request)
    text = _remaining_text(hold) if hold else _("Ihre Reservierung ist abgelaufen.")
    return render(request, "appointments/_remaining.html", {"remaining": text})


@require_GET
def sent(request):
    return render(
        request, "appointments/sent.html", {"number": request.session.get(SENT_NUMBER_SESSION_KEY)}
    )


@require_GET
def altcha_challenge(request):
    response = JsonResponse(proof_of_work.create_challenge())
    response["Cache-Control"] = "no-store"
    return response
