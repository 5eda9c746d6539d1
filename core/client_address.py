"""Who is asking: the client's address for throttles, lockouts and logs (issue 17).

The address is the connection's (``REMOTE_ADDR``). ``X-Forwarded-For`` is believed only when the
connection comes from a proxy listed in ``TRUSTED_PROXIES`` (addresses or networks, e.g.
``10.0.0.5,192.168.0.0/24``; default none): then the right-most address of the header that is not
itself a trusted proxy is the client. A client that sends its own X-Forwarded-For therefore
changes nothing: without a trusted proxy the header is ignored, and behind one, anything it
prepended lies left of the address the proxy appended.

Used by the API throttles (``ClientIdentMixin``), the pages' comment throttle and django-axes
(``AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip"``).
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=16)
def _networks(spec: tuple[str, ...]):
    networks = []
    for item in spec:
        item = item.strip()
        if item:
            networks.append(ipaddress.ip_network(item, strict=False))
    return tuple(networks)


def trusted_proxies():
    value = getattr(settings, "TRUSTED_PROXIES", ())
    if isinstance(value, str):
        value = value.split(",")
    return _networks(tuple(value))


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    meta = request.META
    remote = (meta.get("REMOTE_ADDR") or "").strip()
    networks = trusted_proxies()
    if not networks or not _trusted(_address(remote), networks):
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage in the header: the last proxy we trust is all we know
        if not _trusted(address, networks):
            return str(address)
    return remote


class ClientIdentMixin:
    """For DRF throttles: identify anonymous clients by ``client_ip``, not by DRF's NUM_PROXIES."""

    def get_ident(self, request):
        return client_ip(request)
