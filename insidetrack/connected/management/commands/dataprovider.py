"""``insidetrack dataprovider NAME``: issue a telemetry provider's token for the brand (shown once), or revoke one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from insidetrack.connected import services
from insidetrack.connected.models import DataProvider
from insidetrack.core.actor import Actor
from insidetrack.core.errors import DomainError
from insidetrack.core.roles import Role
from insidetrack.network.models import Brand


class Command(BaseCommand):
    help = ("Create a connected-car data provider and print its token once (and seed the default rules if the "
            "brand has none), or revoke one with --revoke PREFIX.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", nargs="?", help="Which telematics service will send the data")
        parser.add_argument("--brand", help="Brand slug (default: the only brand)")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the provider whose token starts with PREFIX")

    def handle(self, *args, **options) -> None:
        brands = Brand.objects.filter(slug=options["brand"]) if options["brand"] else Brand.objects.all()
        if brands.count() != 1:
            raise CommandError("Name the brand with --brand SLUG")
        brand = brands.get()
        # The command runs as head office of the brand: the same service, the same checks as the page.
        actor = Actor(role=Role.HEAD_OFFICE, brand_id=brand.pk)
        try:
            if options["revoke"]:
                provider = DataProvider.objects.filter(brand=brand, prefix__startswith=options["revoke"][:10]).first()
                if provider is None:
                    raise CommandError(f"No provider with prefix {options['revoke']!r}")
                services.provider_revoke(actor=actor, provider_pk=provider.pk)
                self.stdout.write(f"Revoked {provider}")
                return
            if not options["name"]:
                raise CommandError("Give a name, e.g. `insidetrack dataprovider 'Aurelia Connect'`")
            provider, raw = services.provider_create(actor=actor, name=options["name"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        added = services.rules_seed_defaults(brand_id=brand.pk)
        if added:
            self.stdout.write(f"Added the {added} default connected-car rules for {brand.name}.")
        self.stdout.write(f"Token for {provider.name}; it will not be shown again:\n{raw}")
