"""Signed survey links.

A link carries the invitation's key and a random nonce, signed with the installation's secret. Forging one needs the
secret; guessing another invitation's link needs its nonce too. Whether the link may still be used (expired, already
answered) is decided from the invitation row, so revoking or expiring a link needs no token bookkeeping.
"""

from __future__ import annotations

import secrets

from django.core import signing

from insidetrack.core.errors import NotFound

_SALT = "insidetrack.surveys.invitation-link"


class InvalidLink(NotFound):
    """The link was not issued by this installation (forged, truncated or mangled in transit)."""

    code = "invalid_link"


def new_nonce() -> str:
    return secrets.token_urlsafe(16)[:22]


def make_token(*, invitation_pk: int, nonce: str) -> str:
    """The opaque token placed in the survey URL."""
    return signing.dumps([invitation_pk, nonce], salt=_SALT, compress=False)


def read_token(token: str) -> tuple[int, str]:
    """The (invitation key, nonce) a token carries, or InvalidLink; the caller must still match the nonce."""
    if not token or len(token) > 200:
        raise InvalidLink("This survey link is not valid")
    try:
        value = signing.loads(token, salt=_SALT)
    except signing.BadSignature as exc:
        raise InvalidLink("This survey link is not valid") from exc
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)):
        raise InvalidLink("This survey link is not valid")
    return value[0], value[1]
