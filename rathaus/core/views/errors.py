"""Error pages (400, 403, 404, 500, CSRF failure) in the site's KERN look, translated.

Django's defaults render 400 and 500 without the request; these render with it, so the
header, language and footer are those of every other page. Should rendering with the request
fail on a 500, the page is rendered without it: an error page must never fail itself.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _texts(status: int) -> tuple[str, str]:
    return {
        400: (
            _("Ungültige Anfrage"),
            _("Die Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie Ihre Eingabe."),
        ),
        403: (
            _("Kein Zugriff"),
            _(
                "Für diese Seite fehlt Ihnen die Berechtigung. Wenn Sie sie brauchen, wenden "
                "Sie sich an die Administration Ihrer Kommune."
            ),
        ),
        404: (
            _("Seite nicht gefunden"),
            _("Diese Seite gibt es nicht (mehr). Bitte prüfen Sie die Adresse."),
        ),
        500: (
            _("Interner Fehler"),
            _(
                "Auf unserer Seite ist ein Fehler aufgetreten. Bitte versuchen Sie es später "
                "noch einmal."
            ),
        ),
    }[status]


def _page(request, status: int, **extra) -> HttpResponse:
    title, text = _texts(status)
    context = {"status": status, "title": title, "text": text, **extra}
    try:
        return render(request, "errors/error.html", context, status=status)
    except Exception:  # noqa: BLE001 - the error page must come whatever broke
        logger.exception("error page %s rendered without the request", status)
        return HttpResponse(render_to_string("errors/error.html", context), status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    return _page(request, 500)


def csrf_failure(request, reason=""):
    return _page(
        request,
        403,
        title=_("Sicherheitsprüfung fehlgeschlagen"),
        text=_(
            "Das Formular ist abgelaufen oder wurde nicht von dieser Website gesendet. Bitte "
            "laden Sie die Seite neu und senden Sie es noch einmal. Cookies müssen erlaubt sein."
        ),
    )
