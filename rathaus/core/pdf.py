"""Documents as PDF (WeasyPrint): agendas, minutes, reports, secondment papers.

The one place that loads WeasyPrint. It pulls in Pango and parses its stylesheets (seconds of
start-up), so it is loaded on the first PDF a process renders, not when a web process starts.
"""

from __future__ import annotations

import importlib


def html_to_pdf(html: str, *, base_url: str | None = ".") -> bytes:
    """The PDF of a complete HTML document; ``base_url`` resolves its relative links."""
    weasyprint = importlib.import_module("weasyprint")
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
