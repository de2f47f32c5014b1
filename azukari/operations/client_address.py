"""Who is asking: the client's address, believing X-Forwarded-For only when a trusted proxy passed it on.

Used by the login throttles (staff and parents, per account and client) and by the console allow list (CONSOLE_ALLOW):
both would be useless if any client could name its own address in a header.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from fastapi import Request

from azukari.settings import IPNetwork, Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str | None) -> IPAddress | None:
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; compare them as the IPv4 they are.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def within(address: IPAddress | None, networks: Iterable[IPNetwork]) -> bool:
    return address is not None and any(address.version == n.version and address in n for n in networks)


def client_address(peer: str | None, forwarded_for: Iterable[str], trusted: Iterable[IPNetwork]) -> IPAddress | None:
    """The client, or None when it cannot be told (then nothing that needs an address is allowed).

    The socket's peer counts unless it is a trusted proxy. Then X-Forwarded-For is read from the
    right: each trusted proxy vouches for the hop before it, and the first hop that is not a
    trusted proxy is the client. Hops further left were written by the client and prove nothing.
    """
    proxies = tuple(trusted)
    address = _parse(peer)
    if address is None or not within(address, proxies):
        return address
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None or not within(address, proxies):
            return address
    return address


def of_request(request: Request, settings: Settings) -> IPAddress | None:
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.getlist("x-forwarded-for"), settings.trusted_proxies)
