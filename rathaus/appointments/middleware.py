"""Remember the request's own base URL while it is served, so e-mails queued by it link to
the host the citizen actually used (see :func:`rathaus.appointments.conf.site_url`)."""

from __future__ import annotations

from django.core.exceptions import DisallowedHost

from rathaus.appointments import conf


class RequestBaseUrlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            base = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:  # Django answers 400 later; links fall back to SITE_URL
            base = ""
        with conf.using_base_url(base):
            return self.get_response(request)
