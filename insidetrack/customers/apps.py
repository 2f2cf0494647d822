from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customers as individuals: profile, preferences, consent, vehicles and ownership."""

    name = "insidetrack.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the check-in sweep)
