"""Keyed hashes for identifiers the platform must compare but never hold in clear (IP networks, devices)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def fingerprint(value: str) -> str:
    """HMAC-SHA256 of ``value`` under the installation's fingerprint key; "" stays "" (nothing was observed).

    A keyed hash, not a bare one: an IPv4 network or a phone number has so few possible values that an unkeyed
    hash could be reversed by trying them all.
    """
    if not value:
        return ""
    key = settings.FINGERPRINT_KEY.encode()
    return hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()
