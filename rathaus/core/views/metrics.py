"""``GET /metrics`` for Prometheus: only with the token, or from the configured networks."""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from rathaus.core.clientip import client_ip
from rathaus.core.metrics import exposition


def _has_token(request) -> bool:
    token = getattr(settings, "RATHAUS_METRICS_TOKEN", "")
    scheme, _space, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given, token)


def _from_allowed_network(request) -> bool:
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    networks = getattr(settings, "RATHAUS_METRICS_NETWORKS", ()) or ()
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


@require_GET
def metrics(request):
    if not (_has_token(request) or _from_allowed_network(request)):
        return HttpResponse(
            "403: Metriken nur mit Token (RATHAUS_METRICS_TOKEN) oder aus RATHAUS_METRICS_NETWORKS.\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
