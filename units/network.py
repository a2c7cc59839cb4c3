"""Who is asking: the address of the person's computer, as the portal may trust it.

The portal either faces the office network itself (the default) or sits behind a fixed number of
reverse proxies it was told about (`DVCTT_TRUSTED_PROXIES`). Each trusted proxy appends the
address it received the request from to `X-Forwarded-For` (nginx: `$proxy_add_x_forwarded_for`),
so with N proxies the person's address is the N-th from the right; anything further left was
written by whoever sent the request and is never believed. With no proxy configured the header is
ignored altogether, so a forged one changes nothing.

This is the rule django-axes keys login failures on (`AXES_CLIENT_IP_CALLABLE`). django-ipware
was not used: it prefers a "public" address among those it is given, and every computer of an
office network has a private one.
"""

import ipaddress

from django.conf import settings


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of the person's computer; REMOTE_ADDR unless trusted proxies are configured."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.DVCTT_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer addresses than proxies: the request did not come through all of them.
        return remote
    return _address(forwarded[-proxies]) or remote
