from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    """The customer journey as data: stages, touchpoints, owning departments, customers' needs."""

    name = "insidetrack.journeys"
    label = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        # Registers this app's section of a person's export and erasure, and the experience-event sweeps
        # (new-depositor rule, post-event surveys).
        from . import personal_data, tasks  # noqa: F401
