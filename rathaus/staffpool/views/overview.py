"""Start page (region dashboard), my secondments, ledger with settlement, staffing floors."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from rathaus.core.problems import DomainError
from rathaus.core.selectors import org_units_for
from rathaus.core.tenancy import home_municipality
from rathaus.staffpool import selectors
from rathaus.staffpool.forms import CasesForm, FloorForm
from rathaus.staffpool.rules import PERM_LEDGER, PERM_MANAGE_POOL, PERM_REGION, PERM_VIEW
from rathaus.staffpool.services.floors import floor_set
from rathaus.staffpool.services.ledger import cases_book
from rathaus.staffpool.views.common import refuse, require_perm


@login_required
@require_GET
def index(request):
    require_perm(request.user, PERM_VIEW)
    today = timezone.localdate()
    coverage = selectors.coverage_over_time(request.user, today=today)
    top = max([c["asked"] for c in coverage] + [1])
    bars = []
    for i, c in enumerate(coverage):
        asked_h, filled_h = round(140 * c["asked"] / top), round(140 * c["filled"] / top)
        bars.append(
            {
                **c,
                "x": 36 + 40 * i,
                "x2": 51 + 40 * i,
                "asked_h": asked_h,
                "asked_y": 150 - asked_h,
                "filled_h": filled_h,
                "filled_y": 150 - filled_h,
            }
        )
    return render(
        request,
        "staffpool/index.html",
        {
            "open_requests": selectors.requests_for(request.user, open_only=True),
            "mine": selectors.my_secondments(request.user),
            "coverage": bars,
            "chart_width": 40 + 40 * len(bars),
            "can_ledger": request.user.has_perm(PERM_LEDGER),
            "can_region": request.user.has_perm(PERM_REGION),
            "can_manage": request.user.has_perm(PERM_MANAGE_POOL),
        },
    )


@login_required
@require_GET
def mine(request):
    return render(request, "staffpool/mine.html", {"mine": selectors.my_secondments(request.user)})


def _quarter(request, today):
    try:
        year = int(request.GET.get("jahr", today.year))
        quarter = int(request.GET.get("quartal", (today.month - 1) // 3 + 1))
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        year, quarter = today.year, (today.month - 1) // 3 + 1
    return year, quarter


@login_required
@require_GET
def ledger(request):
    require_perm(request.user, PERM_LEDGER)
    today = timezone.localdate()
    year, quarter = _quarter(request, today)
    return render(
        request,
        "staffpool/ledger.html",
        {
            "balances": selectors.balances(request.user, today=today),
            "settlement": selectors.settlement_rows(request.user, year=year, quarter=quarter),
            "year": year,
            "quarter": quarter,
            "quarters": [1, 2, 3, 4],
        },
    )


def _cell(value) -> str:
    """Neutralise formula cells for spreadsheet programs."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def ledger_csv(request):
    require_perm(request.user, PERM_LEDGER)
    year, quarter = _quarter(request, timezone.localdate())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [_("abgebende Kommune"), _("aufnehmende Stelle"), _("Stunden"), _("Betrag (EUR)")]
    )
    for row in selectors.settlement_rows(request.user, year=year, quarter=quarter):
        writer.writerow(
            [
                _cell(row["lender"]),
                _cell(row["borrower"]),
                str(row["hours"]).replace(".", ","),
                str(row["amount"]).replace(".", ","),
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="abrechnung-{year}-q{quarter}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def floors(request):
    require_perm(request.user, PERM_MANAGE_POOL)
    units = org_units_for(request.user)
    form = FloorForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        floor_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Mindestbesetzung gespeichert."))
        return redirect("staffpool:floors")
    return render(
        request,
        "staffpool/floors.html",
        {"form": form, "floors": selectors.floors_for(request.user)},
    )


@login_required
@require_GET
def ledger_xlsx(request):
    require_perm(request.user, PERM_LEDGER)
    year, quarter = _quarter(request, timezone.localdate())
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}-Q{quarter}"
    sheet.append([_("abgebende Kommune"), _("aufnehmende Stelle"), _("Stunden"), _("Betrag (EUR)")])
    for row in selectors.settlement_rows(request.user, year=year, quarter=quarter):
        sheet.append(
            [
                _cell(row["lender"]),
                _cell(row["borrower"]),
                float(row["hours"]),
                float(row["amount"]),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="abrechnung-{year}-q{quarter}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def cases(request):
    """Case exchange: book hours spent on another town's cases in the same ledger."""
    require_perm(request.user, PERM_MANAGE_POOL)
    lender = home_municipality(request.user)
    form = CasesForm(request.POST or None, borrowers=selectors.other_municipalities(request.user))
    if request.method == "POST" and form.is_valid() and lender is not None:
        try:
            cases_book(actor=request.user, lender=lender, **form.cleaned_data)
        except DomainError as exc:
            refuse(request, form, exc)
        else:
            messages.success(request, _("Fallbearbeitung gebucht."))
            return redirect("staffpool:ledger")
    return render(request, "staffpool/cases.html", {"form": form})
