from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    """Gaming detection: statistics that single out dealer-periods for head office to review, never to accuse."""

    name = "insidetrack.integrity"
    label = "integrity"
    verbose_name = _("Integrity")

    def ready(self) -> None:
        # Registers the daily scan with the every-minute sweep.
        from . import tasks  # noqa: F401
