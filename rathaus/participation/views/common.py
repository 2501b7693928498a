"""Helpers of the participation views: the participant of this browser session, client IP."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from rathaus.participation import caching
from rathaus.participation.models import Participant, Process
from rathaus.participation.selectors import audience as audience_selectors
from rathaus.participation.selectors import consent as consent_selectors
from rathaus.participation.selectors.posts import participant_by_id

SESSION_KEY = "participation"


def client_ip(request) -> str:
    """The peer address (a reverse proxy must set REMOTE_ADDR); X-Forwarded-For is not trusted."""
    return request.META.get("REMOTE_ADDR", "")


def session_participant(request, process: Process) -> Participant | None:
    ids = request.session.get(SESSION_KEY) or {}
    participant_id = ids.get(str(process.pk)) if isinstance(ids, dict) else None
    return participant_by_id(participant_id, process) if participant_id else None


def remember_participant(request, participant: Participant) -> None:
    ids = request.session.get(SESSION_KEY)
    ids = dict(ids) if isinstance(ids, dict) else {}
    ids[str(participant.process_id)] = participant.pk
    request.session[SESSION_KEY] = ids


def forget_participant(request, process_id: int) -> None:
    ids = request.session.get(SESSION_KEY)
    if isinstance(ids, dict) and str(process_id) in ids:
        ids = dict(ids)
        ids.pop(str(process_id))
        request.session[SESSION_KEY] = ids


_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = "\x00csrf\x00"
MAX_CACHED_PAGE = 50
# beyond the first 50 pages: cached within conf.deep_pages_cached() per process version
MAX_PAGE_NUMBER = 100_000


def page_number(value, largest: int = MAX_PAGE_NUMBER) -> int | None:
    """The page number if it is a plain number from 1 to ``largest``, else None."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 1 <= number <= largest else None


def small_page_number(value) -> int | None:
    """The page number if it is one of the first pages worth caching, else None."""
    return page_number(value, MAX_CACHED_PAGE)


def cacheable(request, process: Process) -> bool:
    """Anonymous visitors without a participant or messages all see the same page."""
    return not (
        request.user.is_authenticated
        or session_participant(request, process)
        or len(messages.get_messages(request))
    )


def _respond(request, text: str) -> HttpResponse:
    return HttpResponse(text.replace(_CSRF_PLACEHOLDER, get_token(request)))


def fast_cached_html(request, process_id, part: str) -> HttpResponse | None:
    """Hot path without any database query: a visitor with no session and no login gets the
    cached rendering straight away (None when there is none yet)."""
    if request.user.is_authenticated or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    try:
        process_id = int(process_id)
    except (TypeError, ValueError, OverflowError):
        return None
    language = translation.get_language() or "de"
    text = caching.existing(process_id, f"{part}-{language}")
    return None if text is None else _respond(request, text)


def cached_html(
    request, process: Process, part: str, render_html, *, budget: int | None = None
) -> HttpResponse:
    """The page from the versioned cache; only the CSRF tokens are put in per request
    (``budget``: see ``caching.get_or_render``)."""
    language = translation.get_language() or "de"

    def shell() -> str:
        html = render_html()
        return _CSRF_INPUT.sub(lambda m: m.group(1) + _CSRF_PLACEHOLDER + m.group(2), html)

    text = caching.get_or_render(process.pk, f"{part}-{language}", shell, budget=budget)
    return _respond(request, text)


def module_context(process, state, participant) -> dict:
    """Who may use which module (shown when a module has its own audience or refuses the
    participant) and, per module, why the participant may not (``refused``)."""
    lines = audience_selectors.module_lines(process, state, participant)
    return {
        "consent_missing": consent_selectors.outdated(participant) if participant else [],
        "modules": lines if any(line.own or line.refusal for line in lines) else [],
        "refused": {line.module: line.refusal for line in lines if line.refusal},
    }
