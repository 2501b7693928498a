"""Staff pages of the citizen office: day view, check-in, call-up, walk-in tickets,
closures, statistics (with CSV export) and the public waiting-room display.

Views stay thin: forms validate input (German messages at the field), services in
:mod:`staff_services` write, :mod:`staff_selectors` read. Domain errors become a German
message on the page, never a 500. Every staff lookup goes through
:mod:`rathaus.core.tenancy`; rows of another municipality answer 404.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.appointments import rules as permissions
from rathaus.appointments import selectors, staff_selectors, staff_services
from rathaus.appointments.models import Appointment, Counter, DateException
from rathaus.core.forms import KernForm
from rathaus.core.models import Location
from rathaus.core.problems import DomainError
from rathaus.core.tenancy import get_scoped_or_404, scoped

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


def _error(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


# --------------------------------------------------------------------------- forms


class DayFilterForm(KernForm):
    tag = forms.DateField(
        label=gettext_lazy("Tag"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).")},
    )
    schalter = forms.TypedChoiceField(
        label=gettext_lazy("Schalter"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, counters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schalter"].choices = [("", _("alle Schalter"))] + [
            (c.id, c.name) for c in counters
        ]
        self.fields["status"].choices = [("", _("alle"))] + [
            (value, label) for value, label in S.choices if value not in (S.HELD, S.EXPIRED)
        ]
        self.fields["schalter"].error_messages["invalid_choice"] = _("Bitte einen Schalter wählen.")
        self.fields["status"].error_messages["invalid_choice"] = _("Bitte einen Status wählen.")


class CheckInForm(KernForm):
    number = forms.CharField(
        label=gettext_lazy("Wartenummer oder Terminnummer"),
        max_length=20,
        help_text=gettext_lazy("z. B. A012 oder die Terminnummer aus der Bestätigung"),
        error_messages={
            "required": gettext_lazy("Bitte eine Wartenummer oder Terminnummer eingeben."),
            "max_length": gettext_lazy("Die Nummer ist zu lang."),
        },
    )


class CallForm(KernForm):
    counter = forms.TypedChoiceField(
        label=gettext_lazy("Schalter"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie den Schalter, an den aufgerufen wird."),
            "invalid_choice": gettext_lazy("Bitte wählen Sie einen Schalter aus der Liste."),
        },
    )

    def __init__(self, *args, counters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].choices = [("", _("Schalter wählen"))] + [
            (c.id, c.name) for c in counters if c.active
        ]


class WalkInForm(KernForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("optional, nur für die Sachbearbeitung"),
        error_messages={
            "max_length": gettext_lazy("Der Name ist zu lang (höchstens 200 Zeichen).")
        },
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.services = list(services)
        for service in self.services:
            self.fields[f"leistung_{service.id}"] = forms.TypedChoiceField(
                label=service.name,
                choices=[
                    (i, _("keine") if i == 0 else str(i)) for i in range(service.max_count + 1)
                ],
                coerce=int,
                required=False,
                empty_value=0,
                initial=0,
                error_messages={"invalid_choice": _("Bitte eine Anzahl aus der Liste wählen.")},
            )
        from rathaus.core.forms import apply_kern_classes

        apply_kern_classes(self)

    def clean(self):
        data = super().clean()
        if not self.errors and not any(v for k, v in data.items() if k.startswith("leistung_")):
            raise forms.ValidationError(_("Bitte wählen Sie mindestens eine Leistung aus."))
        return data

    def demand(self) -> dict[int, int]:
        return {
            int(k.removeprefix("leistung_")): v
            for k, v in self.cleaned_data.items()
            if k.startswith("leistung_") and v
        }


class ClosureForm(KernForm):
    location = forms.ModelChoiceField(
        label=gettext_lazy("Standort"),
        queryset=Location.objects.none(),
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie den Standort."),
            "invalid_choice": gettext_lazy("Bitte wählen Sie einen Standort aus der Liste."),
        },
    )
    day = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie das Datum der Schließung an."),
            "invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ)."),
        },
    )
    counter = forms.ModelChoiceField(
        label=gettext_lazy("Schalter"),
        required=False,
        queryset=Counter.objects.none(),
        empty_label=gettext_lazy("ganzer Standort (alle Schalter)"),
        help_text=gettext_lazy("Leer lassen, um den ganzen Standort an diesem Tag zu schließen."),
        error_messages={
            "invalid_choice": gettext_lazy("Bitte wählen Sie einen Schalter aus der Liste.")
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Grund (intern)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("z. B. „Schichtteam B in Quarantäne“ – erscheint nicht in E-Mails."),
        error_messages={"max_length": gettext_lazy("Höchstens 200 Zeichen.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = staff_selectors.staff_locations(user)
        self.fields["counter"].queryset = (
            scoped(Counter, user).select_related("location").order_by("location__name", "position")
        )
        self.fields["counter"].label_from_instance = lambda c: f"{c.location.name}: {c.name}"

    def clean(self):
        data = super().clean()
        location, counter = data.get("location"), data.get("counter")
        if location and counter and counter.location_id != location.id:
            self.add_error("counter", _("Dieser Schalter gehört zu einem anderen Standort."))
        return data


class StatisticsForm(KernForm):
    standort = forms.ModelChoiceField(
        label=gettext_lazy("Standort"),
        required=False,
        queryset=Location.objects.none(),
        empty_label=gettext_lazy("alle Standorte"),
        error_messages={
            "invalid_choice": gettext_lazy("Bitte wählen Sie einen Standort aus der Liste.")
        },
    )
    von = forms.DateField(
        label=gettext_lazy("von"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).")},
    )
    bis = forms.DateField(
        label=gettext_lazy("bis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standort"].queryset = staff_selectors.staff_locations(user)

    def clean(self):
        data = super().clean()
        von, bis = data.get("von"), data.get("bis")
        if von and bis:
            if von > bis:
                self.add_error("bis", _("„bis“ darf nicht vor „von“ liegen."))
            elif (bis - von).days > 366:
                self.add_error("bis", _("Der Zeitraum darf höchstens ein Jahr umfassen."))
        return data


# --------------------------------------------------------------------------- day view


def _pick_location(request):
    locations = list(staff_selectors.staff_locations(request.user))
    raw = request.GET.get("standort", "")
    if raw:
        location = get_scoped_or_404(
            staff_selectors.staff_locations(request.user), request.user, pk=raw
        )
    elif locations:
        location = locations[0]
    else:
        location = None
    return location, locations


@login_required
@require_GET
def staff_day(request):
    _require(request.user, permissions.PERM_COUNTER)
    location, locations = _pick_location(request)
    if location is None:
        return render(request, "appointments/staff/day.html", {"locations": []})
    now = timezone.now()
    counters = list(staff_selectors.counters_of(location))
    filters = DayFilterForm(request.GET or None, counters=counters)
    day = staff_selectors.local_today(location, now)
    counter = None
    status = ""
    if filters.is_bound and filters.is_valid():
        day = filters.cleaned_data.get("tag") or day
        counter_id = filters.cleaned_data.get("schalter")
        counter = next((c for c in counters if c.id == counter_id), None)
        status = filters.cleaned_data.get("status") or ""
    view = staff_selectors.day_view(location, day, counter=counter, status=status, now=now)
    chosen = request.session.get(SESSION_COUNTER)
    call_form = CallForm(
        counters=counters,
        initial={"counter": chosen if any(c.id == chosen for c in counters) else None},
    )
    policy = selectors.policy_for(location)
    display_url = (
        reverse("appointments:display", kwargs={"display_token": policy.display_token})
        if policy.pk
        else ""
    )
    return render(
        request,
        "appointments/staff/day.html",
        {
            "locations": locations,
            "location": location,
            "view": view,
            "filters": filters,
            "call_form": call_form,
            "check_in_form": CheckInForm(),
            "counters": counters,
            "active_counters": [c for c in counters if c.active],
            "chosen_counter": chosen,
            "display_url": display_url,
            "walk_in_enabled": policy.walk_in_enabled,
            "now": now,
            "back": {
                "schalter": counter.id if counter else "",
                "status": status,
                "tag": day.isoformat() if not view.is_today else "",
            },
            "can_statistics": request.user.has_perm(permissions.PERM_STATISTICS),
        },
    )


def _scoped_location(request, location_id) -> Location:
    return get_scoped_or_404(Location, request.user, pk=location_id)


def _scoped_appointment(request, appointment_id) -> Appointment:
    return get_scoped_or_404(
        Appointment.objects.select_related("location", "location__municipality"),
        request.user,
        pk=appointment_id,
    )


def _counter_from_post(request, location: Location) -> Counter | None:
    counters = list(staff_selectors.counters_of(location))
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
    try:
        appointment = staff_services.appointment_check_in_by_number(
            location=location, number=form.cleaned_data["number"], actor=request.user
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("%(number)s ist angemeldet.") % {"number": appointment.ticket_number}
        )
    return _back(request, location.pk)


@login_required
@require_POST
def staff_check_in(request, appointment_id):
    _require(request.user, permissions.PERM_COUNTER)
    appointment = _scoped_appointment(request, appointment_id)
    try:
        appointment = staff_services.appointment_check_in(
            appointment=appointment, actor=request.user
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Angemeldet – Wartenummer %(number)s.") % {"number": appointment.ticket_number},
        )
    return _back(request, appointment.location_id)


@login_required
@require_POST
def staff_call_next(request, location_id):
    _require(request.user, permissions.PERM_COUNTER)
    location = _scoped_location(request, location_id)
    counter = _counter_from_post(request, location)
    if counter is not None:
        try:
            appointment = staff_services.appointment_call_next(counter=counter, actor=request.user)
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                _("%(number)s wurde zu „%(counter)s“ aufgerufen.")
                % {"number": appointment.ticket_number, "counter": counter.name},
            )
    return _back(request, location.pk)


@login_required
@require_POST
def staff_call(request, appointment_id):
    _require(request.user, permissions.PERM_COUNTER)
    appointment = _scoped_appointment(request, appointment_id)
    counter = _counter_from_post(request, appointment.location)
    if counter is not None:
        try:
            appointment = staff_services.appointment_call(
                appointment=appointment, counter=counter, actor=request.user
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                _("%(number)s wurde zu „%(counter)s“ aufgerufen.")
                % {"number": appointment.ticket_number, "counter": counter.name},
            )
    return _back(request, appointment.location_id)


@login_required
@require_POST
def staff_served(request, appointment_id):
    _require(request.user, permissions.PERM_COUNTER)
    appointment = _scoped_appointment(request, appointment_id)
    try:
        appointment = staff_services.appointment_mark_served(
            appointment=appointment, actor=request.user
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        if appointment.ticket_number:
            text = _("%(number)s: erledigt.") % {"number": appointment.ticket_number}
        else:
            text = _("Termin: erledigt.")
        messages.success(request, text)
    return _back(request, appointment.location_id)


@login_required
@require_POST
def staff_no_show(request, appointment_id):
    _require(request.user, permissions.PERM_COUNTER)
    appointment = _scoped_appointment(request, appointment_id)
    try:
        appointment = staff_services.appointment_mark_no_show(
            appointment=appointment, actor=request.user
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        if appointment.ticket_number:
            text = _("%(number)s: als nicht erschienen markiert.") % {
                "number": appointment.ticket_number
            }
        else:
            text = _("Termin: als nicht erschienen markiert.")
        messages.success(request, text)
    return _back(request, appointment.location_id)


# --------------------------------------------------------------------------- walk-in tickets


@login_required
@require_http_methods(["GET", "POST"])
def staff_walk_in(request, location_id):
    _require(request.user, permissions.PERM_COUNTER)
    location = _scoped_location(request, location_id)
    services = selectors.services_at(location)
    form = WalkInForm(request.POST or None, services=services)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            ticket = staff_services.walk_in_issue(
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
    policy = selectors.policy_for(location)
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
    ticket = get_scoped_or_404(
        Appointment.objects.select_related("location", "location__municipality"),
        request.user,
        pk=appointment_id,
        source=Appointment.Source.WALK_IN,
    )
    tz = staff_selectors.tz_of(ticket.location)
    ahead = sum(
        1
        for entry in staff_selectors.queue(ticket.location)
        if entry.appointment.pk != ticket.pk and entry.key <= (ticket.checked_in_at or ticket.start)
    )
    return render(
        request,
        "appointments/staff/ticket.html",
        {
            "ticket": ticket,
            "issued": ticket.created.astimezone(tz),
            "services": staff_selectors._items_label(ticket),
            "ahead": ahead if ticket.status == S.CHECKED_IN else None,
        },
    )


# --------------------------------------------------------------------------- closures


@login_required
@require_http_methods(["GET", "POST"])
def staff_closure(request):
    _require(request.user, permissions.PERM_COUNTER)
    initial = {}
    if request.method == "GET":
        raw = request.GET.get("standort", "")
        if raw.isdigit() and len(raw) < 15:
            initial["location"] = raw
        initial["day"] = timezone.localdate()
    form = ClosureForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exception, outcomes = staff_services.closure_close(
                location=data["location"],
                day=data["day"],
                counter=data["counter"],
                reason=data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            field = (exc.errors or [{}])[0].get("field")
            form.add_error("day" if field == "day" else None, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    # Translators: German uses the same wording for any count.
                    "Geschlossen. %(count)d betroffene Termine wurden bearbeitet – "
                    "das Ergebnis für jeden Termin steht unten.",
                    "Geschlossen. %(count)d betroffene Termine wurden bearbeitet – "
                    "das Ergebnis für jeden Termin steht unten.",
                    len(outcomes),
                )
                % {"count": len(outcomes)},
            )
            return HttpResponseRedirect(
                reverse("appointments:staff_closure_detail", kwargs={"exception_id": exception.pk})
            )
    return render(
        request,
        "appointments/staff/closure.html",
        {"form": form, "closures": staff_selectors.closures_for(request.user)},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def staff_closure_detail(request, exception_id):
    _require(request.user, permissions.PERM_COUNTER)
    exception = get_scoped_or_404(
        DateException.objects.select_related("location", "location__municipality", "counter"),
        request.user,
        pk=exception_id,
    )
    tz = staff_selectors.tz_of(exception.location)
    rows = [
        {
            "outcome": o,
            "old_start": o.old_start.astimezone(tz),
            "services": staff_selectors._items_label(o.appointment),
            "label": staff_selectors.outcome_label(o, tz),
        }
        for o in staff_selectors.closure_outcomes(exception)
    ]
    return render(
        request,
        "appointments/staff/closure_detail.html",
        {"exception": exception, "rows": rows},
    )


# --------------------------------------------------------------------------- display (public)


def _display_location(display_token: str) -> Location:
    location = staff_selectors.location_by_display_token(display_token)
    if location is None:
        raise Http404
    return location


@never_cache
@require_GET
def display(request, display_token):
    """Waiting-room display for a TV: no login, protected by the secret token in the URL."""
    location = _display_location(display_token)
    data = staff_selectors.display_data(location)
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
    data = staff_selectors.display_data(location)
    if request.GET.get("v", "") == data.version:
        return HttpResponse(status=204)
    response = render(
        request,
        "appointments/staff/_display_calls.html",
        {"location": location, "data": data, "display_token": display_token, "oob": True},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --------------------------------------------------------------------------- statistics


def _stats_request(request):
    form = StatisticsForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    date_to, date_from, chosen = today, today - timedelta(days=29), None
    if form.is_bound and form.is_valid():
        date_to = form.cleaned_data.get("bis") or date_to
        date_from = form.cleaned_data.get("von") or min(date_from, date_to)
        if date_from > date_to:
            date_from = date_to
        chosen = form.cleaned_data.get("standort")
    elif form.is_bound:
        pass  # invalid filters: the form shows the errors, defaults are used
    locations = [chosen] if chosen else list(staff_selectors.staff_locations(request.user))
    return form, locations, date_from, date_to


def _bar_chart(items, *, value_format=str, max_value=None, width=640, bar_height=26):
    """Horizontal bar chart geometry for the template (server-rendered SVG)."""
    label_w, gap = 170, 6
    items = list(items)
    top = max([v for _l, v in items if v is not None] + [max_value or 0, 1e-9])
    bars = []
    for i, (label, value) in enumerate(items):
        v = value or 0
        w = round((width - label_w - 80) * v / top) if top else 0
        y = i * (bar_height + gap)
        bars.append(
            {
                "label": label,
                "value": value,
                "text": value_format(value) if value is not None else "–",
                "x": label_w,
                "y": y,
                "w": max(w, 0),
                "h": bar_height,
                "ty": y + int(bar_height * 0.7),
                "vx": label_w + max(w, 0) + 6,
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": max(len(bars) * (bar_height + gap), bar_height),
        "label_w": label_w,
    }


def de_number(value, digits=1) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return text


def de_percent(value, digits=1) -> str:
    return "–" if value is None else f"{de_number(value * 100, digits)} %"


@login_required
@require_GET
def statistics(request):
    _require(request.user, permissions.PERM_STATISTICS)
    form, locations, date_from, date_to = _stats_request(request)
    stats = staff_selectors.statistics(locations, date_from, date_to)
    multi = len(locations) > 1
    charts = {
        "bookings": _bar_chart(
            [(f"{d:%d.%m.}", n) for d, n in stats.bookings_per_day], value_format=str
        ),
        "utilisation": _bar_chart(
            [
                (
                    f"{u.counter.location.name if multi else ''} {u.counter.name}".strip(),
                    u.ratio,
                )
                for u in stats.utilisation
            ],
            value_format=de_percent,
            max_value=1,
        ),
        "sources": _bar_chart([(label, n) for _k, label, n in stats.by_source], value_format=str),
        "lead": _bar_chart(
            [(f"{lt.service.name}", lt.days) for lt in stats.lead_times],
            value_format=lambda d: ngettext("%(days)d Tag", "%(days)d Tage", d) % {"days": d},
        ),
    }
    query = request.GET.urlencode()
    return render(
        request,
        "appointments/staff/statistics.html",
        {
            "form": form,
            "stats": stats,
            "charts": charts,
            "multi": multi,
            "no_show_rate": de_percent(stats.no_show_rate),
            "online_share": de_percent(stats.online_share),
            "walk_in_share": de_percent(stats.walk_in_share),
            "waiting_median": de_number(stats.waiting_median_minutes),
            "waiting_p90": de_number(stats.waiting_p90_minutes),
            "lead_median": de_number(stats.booking_lead_median_days),
            "utilisation_rows": [(u, de_percent(u.ratio)) for u in stats.utilisation],
            "source_rows": [
                (label, n, de_percent(n / stats.realised if stats.realised else None))
                for _k, label, n in stats.by_source
            ],
            "csv_days": f"{reverse('appointments:statistics_csv')}?{query}",
            "csv_counters": f"{reverse('appointments:statistics_csv')}?{query}&tabelle=schalter"
            if query
            else f"{reverse('appointments:statistics_csv')}?tabelle=schalter",
            "csv_lead": f"{reverse('appointments:statistics_csv')}?{query}&tabelle=vorlauf"
            if query
            else f"{reverse('appointments:statistics_csv')}?tabelle=vorlauf",
        },
    )


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def statistics_csv_rows(locations, date_from: date, date_to: date, table: str):
    """(filename, header, rows) of a statistics CSV; numbers in German notation."""
    if table == "schalter":
        stats = staff_selectors.statistics(locations, date_from, date_to, with_lead_times=False)
        header = ["Standort", "Schalter", "Gebuchte Minuten", "Geöffnete Minuten", "Auslastung (%)"]
        rows = [
            [
                u.counter.location.name,
                u.counter.name,
                u.booked_minutes,
                u.open_minutes,
                de_number(u.ratio * 100 if u.ratio is not None else None),
            ]
            for u in stats.utilisation
        ]
        return f"termine-auslastung-{date_from}-{date_to}.csv", header, rows
    if table == "vorlauf":
        stats = staff_selectors.statistics(locations, date_from, date_to)
        header = ["Standort", "Leistung", "Vorlaufzeit (Tage)", "Nächster freier Termin"]
        rows = [
            [
                lt.location.name,
                lt.service.name,
                "" if lt.days is None else lt.days,
                f"{lt.earliest:%d.%m.%Y %H:%M}" if lt.earliest else "kein freier Termin",
            ]
            for lt in stats.lead_times
        ]
        return f"termine-vorlaufzeit-{date_from}.csv", header, rows
    header = [
        "Datum",
        "Buchungen",
        "Termine",
        "online",
        "Wartemarken",
        "Erledigt",
        "Nicht erschienen",
        "Nichterscheinen (%)",
        "Wartezeit Median (Min.)",
        "Wartezeit 90. Perzentil (Min.)",
        "Gebuchte Minuten",
        "Geöffnete Minuten",
        "Auslastung (%)",
    ]
    rows = []
    day = date_from
    while day <= date_to:
        s = staff_selectors.statistics(locations, day, day, with_lead_times=False)
        booked = sum(u.booked_minutes for u in s.utilisation)
        opened = sum(u.open_minutes for u in s.utilisation)
        online = sum(
            n
            for k, _l, n in s.by_source
            if k in (Appointment.Source.ONLINE, Appointment.Source.WAITING_LIST)
        )
        walk_in = sum(n for k, _l, n in s.by_source if k == Appointment.Source.WALK_IN)
        rows.append(
            [
                f"{day:%d.%m.%Y}",
                s.bookings_per_day[0][1] if s.bookings_per_day else 0,
                s.realised,
                online,
                walk_in,
                s.served,
                s.no_shows,
                de_number(s.no_show_rate * 100 if s.no_show_rate is not None else None),
                de_number(s.waiting_median_minutes),
                de_number(s.waiting_p90_minutes),
                booked,
                opened,
                de_number(booked * 100 / opened if opened else None),
            ]
        )
        day += timedelta(days=1)
    return f"termine-statistik-{date_from}-{date_to}.csv", header, rows


@login_required
@require_GET
def statistics_csv(request):
    _require(request.user, permissions.PERM_STATISTICS)
    _form, locations, date_from, date_to = _stats_request(request)
    table = request.GET.get("tabelle", "tage")
    if table not in ("tage", "schalter", "vorlauf"):
        table = "tage"
    filename, header, rows = statistics_csv_rows(locations, date_from, date_to, table)
    return _csv_response(filename, header, rows)
