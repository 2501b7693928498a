"""Domain errors and their problem+json (RFC 9457) rendering, shared by all apps' APIs."""

from __future__ import annotations

import json

from django.http import HttpResponse


class DomainError(Exception):
    """A rule of the domain was violated: German message, machine-readable code, HTTP status."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, errors=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or []
        if status is not None:
            self.status = status

    def show_in(self, form) -> None:
        """Shows this refusal in a form: at each field it names, and above the form when no
        field is named or the fields carry their own, more specific messages."""
        named = [e for e in self.errors if e.get("field") in form.fields]
        for error in named:
            form.add_error(error["field"], error.get("message") or self.message)
        if not named or any(e.get("message", self.message) != self.message for e in named):
            form.add_error(None, self.message)


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class TooManyRequests(DomainError):
    status = 429


TITLES = {
    400: "Ungültige Anfrage",
    401: "Nicht angemeldet",
    403: "Keine Berechtigung",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    409: "Konflikt",
    410: "Nicht mehr verfügbar",
    422: "Ungültige Eingaben",
    429: "Zu viele Anfragen",
}


def problem_response(status: int, code: str, detail: str, *, errors=None) -> HttpResponse:
    body = {
        "type": f"https://rathaus.invalid/probleme/{code}",
        "title": TITLES.get(status, "Fehler"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/problem+json"
    )
