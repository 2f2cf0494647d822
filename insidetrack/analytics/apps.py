from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Measurement: NPS with its uncertainty, landing pages and dashboards."""

    name = "insidetrack.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
