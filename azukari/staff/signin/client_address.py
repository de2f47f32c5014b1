"""Who is asking: moved to `operations.client_address`, below the channels, since the parents' web pages
throttle per client too. The staff console's names stay here."""
from __future__ import annotations

from azukari.operations.client_address import IPAddress, client_address, of_request, within

__all__ = ["IPAddress", "client_address", "of_request", "within"]
