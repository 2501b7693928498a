"""The public page: public indicators and the progress of public projects, no login."""

from __future__ import annotations

from django.shortcuts import render

from rathaus.core.charts import sparkline
from rathaus.steering.selectors import public as public_selectors


def public_index(request, municipality: str):
    town, fields, indicators = public_selectors.public_view(municipality)
    return render(
        request,
        "steering/public.html",
        {
            "town": town,
            "fields": fields,
            "indicators": indicators,
            "sparks": {i.pk: sparkline((i.analysis or {}).get("spark", [])) for i in indicators},
        },
    )
