from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customers as individuals: profile, preferences, consent, vehicles and ownership."""

    name = "insidetrack.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Registers this app's sections of a person's export and erasure, and the check-in sweep.
        from . import personal_data, tasks  # noqa: F401
