"""Writes for accounts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from insidetrack.core.errors import NotFound, ValidationFailed
from insidetrack.network.models import Dealer

from .models import ApiToken, hash_token


@transaction.atomic
def api_token_create(*, dealer_code: str, name: str) -> tuple[ApiToken, str]:
    """Issue a token for a dealer system; the raw token is returned once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise ValidationFailed("A token needs a name saying which system uses it", field="name")
    dealer = Dealer.objects.filter(code=dealer_code).first()
    if dealer is None:
        raise NotFound(f"No dealer with code {dealer_code!r}", field="dealer")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(dealer=dealer, name=name, prefix=raw[:10], token_hash=hash_token(raw))
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token working at once; revoking twice keeps the first revocation time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token
