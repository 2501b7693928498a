"""The client's IP address, also behind a reverse proxy, and the key that per-IP limits count.

Behind a proxy every request comes from the proxy's address; gunicorn's
``--forwarded-allow-ips`` does *not* change ``REMOTE_ADDR``. So:

- ``RATHAUS_TRUSTED_PROXIES``: addresses or networks of the proxies in front of the app
  (e.g. ``127.0.0.1,10.0.0.0/8``); empty (the default) trusts no header at all.
- ``RATHAUS_CLIENT_IP_HEADER``: the header those proxies set, as a ``META`` key
  (default ``HTTP_X_FORWARDED_FOR``; ``HTTP_X_REAL_IP`` for nginx's ``real_ip``).

Only when the direct peer is a trusted proxy is the header read, from the right: the first
address that is not itself a trusted proxy is the client (entries further left are written
by the client and prove nothing). Limits count IPv4 addresses singly and IPv6 addresses per
/64 network, the block a single customer line gets.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's address as configured above; ``REMOTE_ADDR`` without trusted proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "RATHAUS_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(_parse(remote), networks):
        return remote
    header = getattr(settings, "RATHAUS_CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR")
    chain = [part for part in request.META.get(header, "").split(",") if part.strip()]
    for entry in reversed(chain):
        address = _parse(entry)
        if address is None:
            return remote  # a malformed entry written by someone: trust nothing left of it
        if not _trusted(address, networks):
            return str(address)
    return str(_parse(chain[0])) if chain else remote


def limit_key(address: str) -> str:
    """What a per-IP limit counts: the IPv4 address, or the IPv6 /64 network."""
    parsed = _parse(address or "")
    if parsed is None:
        return address or ""
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def axes_client_ip(request) -> str:
    """For django-axes (``AXES_CLIENT_IP_CALLABLE``): the limit key of the client."""
    return limit_key(client_ip(request))
