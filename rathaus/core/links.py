"""The base URL of the links in e-mails and feeds, for every app.

``SITE_URL`` when it is configured (anything but the built-in default), else the host of the
request being served (validated by ``ALLOWED_HOSTS``; remembered by
:class:`rathaus.core.middleware.RequestBaseUrlMiddleware`), else the default. So
``make run PORT=8100`` mails working links, and a production site names itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
# the base URL (scheme://host[:port]) of the request being served and, in a mail task, the
# base captured when the mail was queued
_request_base_url: ContextVar[str] = ContextVar("request_base_url", default="")


def site_url() -> str:
    configured = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    request_base = _request_base_url.get()
    if request_base and configured in ("", DEFAULT_SITE_URL):
        return request_base
    return configured or DEFAULT_SITE_URL


@contextmanager
def using_base_url(base_url: str) -> Iterator[None]:
    """Links built inside the block use ``base_url`` (unless SITE_URL is configured)."""
    reset = _request_base_url.set(base_url.rstrip("/"))
    try:
        yield
    finally:
        _request_base_url.reset(reset)
