from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    """The customer journey as data: stages, touchpoints, owning departments, customers' needs."""

    name = "insidetrack.journeys"
    label = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the experience-event sweeps: new-depositor rule, post-event surveys)
