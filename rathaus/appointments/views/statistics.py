"""Statistics page of the citizen office (bar charts of ``rathaus.core.charts``) and its CSV export.

Figures come from :func:`rathaus.appointments.selectors.statistics.statistics`; numbers are
shown in German notation. Every lookup is scoped to the user's municipality.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from rathaus.appointments import rules as permissions
from rathaus.appointments.forms.statistics import StatisticsForm
from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import counter as counter_selectors
from rathaus.appointments.selectors import statistics as statistics_selectors
from rathaus.core.charts import bar_chart
from rathaus.engines.spreadsheet import neutralise_row


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


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
    locations = [chosen] if chosen else list(counter_selectors.staff_locations(request.user))
    return form, locations, date_from, date_to


def _days(days) -> str:
    return ngettext("%(days)d Tag", "%(days)d Tage", days) % {"days": days}


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
    stats = statistics_selectors.statistics(locations, date_from, date_to)
    multi = len(locations) > 1
    charts = {
        "bookings": bar_chart(
            title=_("Buchungen je Tag"),
            data=[(f"{d:%d.%m.}", n) for d, n in stats.bookings_per_day],
            category_label=_("Tag"),
            series=(_("Buchungen"),),
        ),
        "utilisation": bar_chart(
            title=_("Auslastung je Schalter in Prozent"),
            data=[
                (
                    f"{u.counter.location.name if multi else ''} {u.counter.name}".strip(),
                    u.ratio,
                )
                for u in stats.utilisation
            ],
            value_format=de_percent,
            max_value=1,
            category_label=_("Schalter"),
            series=(_("Auslastung"),),
        ),
        "sources": bar_chart(
            title=_("Termine nach Herkunft"),
            data=[(label, n) for _k, label, n in stats.by_source],
            category_label=_("Herkunft"),
            series=(_("Anzahl"),),
        ),
        "lead": bar_chart(
            title=_("Vorlaufzeit je Leistung in Tagen"),
            data=[
                (f"{lt.location.name if multi else ''} {lt.service.name}".strip(), lt.days)
                for lt in stats.lead_times
            ],
            value_format=_days,
            category_label=_("Leistung"),
            series=(_("Tage"),),
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
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(neutralise_row(list(row)) for row in rows)
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def statistics_csv_rows(locations, date_from: date, date_to: date, table: str):
    """(filename, header, rows) of a statistics CSV; numbers in German notation."""
    if table == "schalter":
        return _counter_rows(locations, date_from, date_to)
    if table == "vorlauf":
        return _lead_time_rows(locations, date_from, date_to)
    return _daily_rows(locations, date_from, date_to)


def _counter_rows(locations, date_from: date, date_to: date):
    stats = statistics_selectors.statistics(locations, date_from, date_to, with_lead_times=False)
    header = [
        _("Standort"),
        _("Schalter"),
        _("Gebuchte Minuten"),
        _("Geöffnete Minuten"),
        _("Auslastung (%)"),
    ]
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


def _lead_time_rows(locations, date_from: date, date_to: date):
    stats = statistics_selectors.statistics(locations, date_from, date_to)
    header = [_("Standort"), _("Leistung"), _("Vorlaufzeit (Tage)"), _("Nächster freier Termin")]
    rows = [
        [
            lt.location.name,
            lt.service.name,
            "" if lt.days is None else lt.days,
            f"{lt.earliest:%d.%m.%Y %H:%M}" if lt.earliest else _("kein freier Termin"),
        ]
        for lt in stats.lead_times
    ]
    return f"termine-vorlaufzeit-{date_from}.csv", header, rows


def _daily_rows(locations, date_from: date, date_to: date):
    header = [
        _("Datum"),
        _("Buchungen"),
        _("Termine"),
        _("online"),
        _("Wartemarken"),
        _("Erledigt"),
        _("Nicht erschienen"),
        _("Nichterscheinen (%)"),
        _("Wartezeit Median (Min.)"),
        _("Wartezeit 90. Perzentil (Min.)"),
        _("Gebuchte Minuten"),
        _("Geöffnete Minuten"),
        _("Auslastung (%)"),
    ]
    rows = []
    day = date_from
    while day <= date_to:
        s = statistics_selectors.statistics(locations, day, day, with_lead_times=False)
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
    form, locations, date_from, date_to = _stats_request(request)
    if form.is_bound and not form.is_valid():
        messages = [m for errors in form.errors.values() for m in errors]
        return HttpResponseBadRequest(
            " ".join(messages).encode("utf-8"), content_type="text/plain; charset=utf-8"
        )
    table = request.GET.get("tabelle", "tage")
    if table not in ("tage", "schalter", "vorlauf"):
        table = "tage"
    filename, header, rows = statistics_csv_rows(locations, date_from, date_to, table)
    return _csv_response(filename, header, rows)
