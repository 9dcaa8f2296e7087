"""Facts about a request that depend on how the portal is deployed."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """Return the address of the person making the request, as far as it can be trusted.

    Behind TRUSTED_PROXY_COUNT proxies, each appends the address it received the request from
    to X-Forwarded-For, so the client is that many entries from the right; anything further left
    was written by the client and proves nothing. With no proxy the header is ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
