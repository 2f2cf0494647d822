"""``insidetrack apitoken DEALER_CODE NAME``: issue a token for a dealer system (shown once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from insidetrack.accounts.models import ApiToken
from insidetrack.accounts.services import api_token_create, api_token_revoke
from insidetrack.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue an API token for a dealer system, or revoke one with --revoke PREFIX."

    def add_arguments(self, parser) -> None:
        parser.add_argument("dealer_code", nargs="?")
        parser.add_argument("name", nargs="?", help="Which system will use it, e.g. DMS")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token starting with PREFIX")

    def handle(self, *args, **options) -> None:
        if options["revoke"]:
            token = ApiToken.objects.filter(prefix=options["revoke"][:10]).first()
            if token is None:
                raise CommandError(f"No token with prefix {options['revoke']!r}")
            api_token_revoke(token=token)
            self.stdout.write(f"Revoked {token}")
            return
        if not options["dealer_code"] or not options["name"]:
            raise CommandError("Give a dealer code and a name, e.g. `insidetrack apitoken D0001 DMS`")
        try:
            token, raw = api_token_create(dealer_code=options["dealer_code"], name=options["name"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Token for {token.dealer} ({token.name}); it will not be shown again:\n{raw}")
