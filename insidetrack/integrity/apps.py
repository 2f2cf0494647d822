from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    """Gaming detection: statistics that single out dealer-periods for head office to review, never to accuse."""

    name = "insidetrack.integrity"
    label = "integrity"
    verbose_name = _("Integrity")

    def ready(self) -> None:
        # Registers this app's section of a person's export and erasure, and the daily scan with the sweep.
        from . import personal_data, tasks  # noqa: F401
