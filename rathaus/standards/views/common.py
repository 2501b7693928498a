"""Helpers the views share: the acting region and the chosen month."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rathaus.core.models import Region
from rathaus.standards import rules
from rathaus.standards.forms import MonthForm
from rathaus.standards.selectors.overview import default_month


def acting_region(user) -> Region:
    region = rules.region_of(user)
    if region is None or not user.has_perm(rules.PERM_VIEW):
        raise PermissionDenied
    return region


def chosen_month(request) -> tuple[MonthForm, date]:
    month = default_month(timezone.localdate())
    form = MonthForm(request.GET or None, initial={"monat": f"{month:%Y-%m}"})
    if form.is_valid() and form.cleaned_data.get("monat"):
        year, mon = map(int, form.cleaned_data["monat"].split("-"))
        month = date(year, mon, 1)
    return form, month
