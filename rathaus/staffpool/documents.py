"""Secondment paperwork as PDF: the order to the person and the agreement between the
authorities, rendered from templates with WeasyPrint (no network: no external resources)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.pdf import html_to_pdf
from rathaus.staffpool.models import Secondment

KINDS = {
    "verfuegung": "staffpool/documents/order.html",
    "vereinbarung": "staffpool/documents/agreement.html",
}


def document_html(secondment: Secondment, kind: str, *, today=None) -> str:
    return render_to_string(
        KINDS[kind],
        {
            "s": secondment,
            "member": secondment.member,
            "employee": secondment.member.employee,
            "request": secondment.request,
            "today": today or timezone.localdate(now_or()),
        },
    )


def document_pdf(secondment: Secondment, kind: str, *, today=None) -> bytes:
    return html_to_pdf(document_html(secondment, kind, today=today), base_url=None)
