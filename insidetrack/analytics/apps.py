from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Measurement: NPS with its uncertainty, landing pages and dashboards."""

    name = "insidetrack.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        # Registers the rollups' every-minute sweep and the receiver that counts completed surveys.
        from . import receivers, tasks  # noqa: F401
